"""Prometheus Preference Collection / Preference-Bench (hub format) as pairwise examples.

Fields: `orig_instruction, orig_response_A, orig_response_B, orig_reference_answer,
orig_criteria, orig_score_A, orig_score_B, orig_feedback_A, orig_feedback_B,
orig_preference, orig_feedback, instruction, output`; optional fields may be missing.
Gold = `orig_preference` (A/B, or tie), feedback = `orig_feedback`. Reads a local
json/jsonl/parquet file, or a hub id (e.g. `prometheus-eval/Preference-Collection`) when online.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from judgesmith.data.schema import LoadResult, PairwiseExample, Provenance
from judgesmith.data.sources._common import collect, require_mapping, text_field, text_qid
from judgesmith.data.sources.feedback_collection import rubric_from
from judgesmith.data.sources.hub import rows_from
from judgesmith.records import PairwiseItem

PREFERENCES = {"a": "A", "b": "B", "tie": "tie", "response a": "A", "response b": "B"}


def preference(rec: Any) -> str:
    value = rec.get("orig_preference")
    key = str(value).strip().lower() if value is not None else ""
    if key not in PREFERENCES:
        raise ValueError(f"'orig_preference' must be 'A', 'B' or 'tie', got {value!r}")
    return PREFERENCES[key]


def load(path: str | Path, *, name: str = "preference_collection", split: str = "train",
         strict: bool = False, limit: int | None = None) -> LoadResult:
    """Load Preference Collection rows as pairwise examples (A/B as stored)."""
    file, rows = rows_from(path, split)

    def make(rec: Any, row: int) -> PairwiseExample:
        rec = require_mapping(rec)
        instruction = text_field(rec, "orig_instruction")
        a, b = text_field(rec, "orig_response_A"), text_field(rec, "orig_response_B")
        item = PairwiseItem(id=f"{name}-{row}", instruction=instruction, response_a=a, response_b=b,
                            rubric=rubric_from(rec), reference_answer=text_field(rec, "orig_reference_answer", False))
        return PairwiseExample(item, preference(rec), Provenance(name, file, row, text_qid(name, instruction)),
                               gold_feedback=text_field(rec, "orig_feedback", False))

    return collect(name, file, rows, make, strict=strict, limit=limit)
