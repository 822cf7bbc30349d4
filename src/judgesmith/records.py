"""Frozen records shared by every stage: rubrics, items to judge, verdicts.

Items are what a judge reads; a `Verdict` is what it answers. Keeping both as
frozen dataclasses (not parallel lists) means a verdict always travels with the
id of the item it belongs to, through resumable files, benchmarks and the server.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal, Mapping

SCORE_LABELS: tuple[str, ...] = ("1", "2", "3", "4", "5")
PAIR_LABELS: tuple[str, ...] = ("A", "B")

Kind = Literal["absolute", "pairwise"]


@dataclass(frozen=True)
class Rubric:
    """A Prometheus score rubric: one criterion and a description per score 1-5."""

    criteria: str
    score1_description: str = ""
    score2_description: str = ""
    score3_description: str = ""
    score4_description: str = ""
    score5_description: str = ""

    def descriptions(self) -> tuple[str, str, str, str, str]:
        return (
            self.score1_description,
            self.score2_description,
            self.score3_description,
            self.score4_description,
            self.score5_description,
        )

    def render(self) -> str:
        """Prometheus layout: `[criteria]` then `Score N: ...` lines (absolute prompts)."""
        lines = [f"[{self.criteria}]"]
        lines += [f"Score {i}: {d}" for i, d in enumerate(self.descriptions(), start=1)]
        return "\n".join(lines)

    def render_criteria(self) -> str:
        """Only the `[criteria]` line: what Prometheus puts in relative (pairwise) prompts."""
        return f"[{self.criteria}]"

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], where: str = "rubric", quote: bool = True) -> "Rubric":
        """Build from `{criteria, score1_description..score5_description}` with clear errors
        (`quote=False`: the errors never repeat the data's own keys, for files read on an item's say-so)."""
        if not isinstance(data, Mapping):
            raise ValueError(f"{where}: expected a mapping with 'criteria', got {type(data).__name__}")
        criteria = data.get("criteria")
        if not isinstance(criteria, str) or not criteria.strip():
            raise ValueError(f"{where}: 'criteria' must be a non-empty string")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            named = unknown if quote else f"({len(unknown)})"
            raise ValueError(f"{where}: unknown rubric fields {named}; expected {sorted(known)}")
        values = {k: str(v) for k, v in data.items() if k != "criteria" and v is not None}
        return cls(criteria=criteria.strip().strip("[]"), **values)

    @classmethod
    def parse(cls, text: str) -> "Rubric":
        """Parse a rendered rubric (`[criteria]` + `Score N:` lines) back into a Rubric."""
        text = text.strip()
        head, _, rest = text.partition("\n")
        criteria = head.strip()
        if criteria.startswith("[") and criteria.endswith("]"):
            criteria = criteria[1:-1]
        descs: dict[str, str] = {}
        current: str | None = None
        for line in rest.splitlines():
            stripped = line.strip()
            for i in range(1, 6):
                if stripped.startswith(f"Score {i}:"):
                    current = f"score{i}_description"
                    descs[current] = stripped[len(f"Score {i}:"):].strip()
                    break
            else:
                if current is not None and stripped:
                    descs[current] += "\n" + stripped
        return cls(criteria=criteria, **descs)

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass(frozen=True)
class AbsoluteItem:
    """One response to grade on a 1-5 scale against a rubric."""

    id: str
    instruction: str
    response: str
    rubric: Rubric
    reference_answer: str | None = None
    context: str | None = None
    language: str | None = None  # ISO 639-1 code of the judged text ("de"), when known

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["rubric"] = self.rubric.to_dict()
        if d["language"] is None:
            del d["language"]
        return d


@dataclass(frozen=True)
class PairwiseItem:
    """Two responses to the same instruction; the judge picks A or B."""

    id: str
    instruction: str
    response_a: str
    response_b: str
    rubric: Rubric
    reference_answer: str | None = None
    context: str | None = None
    language: str | None = None  # ISO 639-1 code of the judged text ("de"), when known

    def swapped(self) -> "PairwiseItem":
        """The same pair with positions exchanged (for position-bias control)."""
        return PairwiseItem(
            id=self.id,
            instruction=self.instruction,
            response_a=self.response_b,
            response_b=self.response_a,
            rubric=self.rubric,
            reference_answer=self.reference_answer,
            context=self.context,
            language=self.language,
        )

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["rubric"] = self.rubric.to_dict()
        if d["language"] is None:
            del d["language"]
        return d


@dataclass(frozen=True)
class Verdict:
    """A judge's answer for one item.

    `score` (absolute, 1-5) or `winner` (pairwise: "A", "B" or "tie") is the
    discrete decision; `probabilities` is the label distribution when the backend
    exposes logits/logprobs; `expected_score` is its expectation (absolute only)
    and `p_a` the probability of "A" (pairwise only). `samples` holds per-sample
    verdicts (n > 1) or the two orders of a swapped pairwise judgment.

    Positions: every pairwise field is in the pair's original positions ("A" is
    `response_a` as given). The order judged with the responses exchanged is
    mapped back once, by the engine, and marked `swapped=True`; only its `raw`
    and `feedback` text still speak of the positions the model saw. A parse
    failure is a verdict with `parse_ok=False` and `error` saying why, never an
    exception.
    """

    id: str
    kind: Kind
    feedback: str | None = None
    score: int | None = None
    winner: str | None = None
    probabilities: dict[str, float] | None = None
    expected_score: float | None = None
    p_a: float | None = None
    parse_ok: bool = True
    error: str | None = None
    raw: str | None = None
    swapped: bool = False
    samples: tuple["Verdict", ...] = field(default_factory=tuple)

    @property
    def mean_score(self) -> float | None:
        """Mean of the parsed sample scores (Prometheus protocol: mean of 3 samples)."""
        scores = [s.score for s in self.samples if s.score is not None]
        if scores:
            return sum(scores) / len(scores)
        return float(self.score) if self.score is not None else None

    def to_dict(self) -> dict[str, Any]:
        d = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "samples"}
        d["samples"] = [s.to_dict() for s in self.samples]
        return d

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> "Verdict":
        """Read `to_dict()` output, including files written before `p_a` existed (P(A) in `expected_score`)."""
        known = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in d.items() if k in known}
        if kwargs.get("kind") == "pairwise" and "p_a" not in d:
            kwargs["p_a"] = kwargs.pop("expected_score", None)
        kwargs["samples"] = tuple(cls.from_dict(s) for s in d.get("samples") or ())
        return cls(**kwargs)
