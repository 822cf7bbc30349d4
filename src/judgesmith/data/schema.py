"""Labelled records: items plus gold labels and provenance, and what a loader skipped.

Every source module turns its file into these, so the SFT builder, the splitter,
decontamination and the benchmark adapters all read one schema.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from judgesmith.records import AbsoluteItem, PairwiseItem

Gold = Literal["A", "B", "tie"]


@dataclass(frozen=True)
class Provenance:
    """Where a record came from: source name, file, row (0-based) and the question it belongs to.

    `same_as` names other question ids this question is a version of, e.g. `("vicuna:1",)` for the
    Japanese translation of Vicuna question 1: translated questions share no words with the original,
    so only these ids keep both on one side of a split and let decontamination find them.
    """

    source: str
    file: str
    row: int
    question_id: str
    same_as: tuple[str, ...] = ()


@dataclass(frozen=True)
class AbsoluteExample:
    """An absolute item with its gold: `gold_score` is the value metrics use (e.g. mean of 3 GPT-4 scores)."""

    item: AbsoluteItem
    gold_score: float | None
    provenance: Provenance
    gold_scores: tuple[int, ...] = ()
    gold_feedbacks: tuple[str, ...] = ()


@dataclass(frozen=True)
class PairwiseExample:
    """A pairwise item with its gold winner ("A", "B" or "tie").

    `feedback_parts` holds the (A side, B side) texts a templated `gold_feedback` was rendered
    from, so a copy with the sides exchanged can be rendered again (`data.swap`).
    """

    item: PairwiseItem
    gold: Gold | None
    provenance: Provenance
    gold_feedback: str | None = None
    feedback_parts: tuple[str, str] | None = None


@dataclass(frozen=True)
class Skipped:
    """A row a loader could not use, and why (reported, never silently dropped)."""

    file: str
    row: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.row}: {self.reason}"


@dataclass
class LoadResult:
    """What one source gave: absolute and/or pairwise examples plus the skipped rows."""

    source: str
    absolute: list[AbsoluteExample] = field(default_factory=list)
    pairwise: list[PairwiseExample] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    rows_read: int | None = None  # rows of the file(s) looked at; None when the loader does not count them

    @property
    def count(self) -> int:
        return len(self.absolute) + len(self.pairwise)
