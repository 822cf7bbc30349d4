"""Prometheus Feedback Collection / Feedback-Bench (hub format) as absolute examples.

Fields: `orig_instruction, orig_response, orig_reference_answer, orig_criteria,
orig_score1_description .. orig_score5_description, orig_feedback, orig_score` (plus the
rendered `instruction`/`output`, not needed). Optional fields may be missing. Reads a local
json/jsonl/parquet file, or a hub id (e.g. `prometheus-eval/Feedback-Collection`) when online.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from judgesmith.data.schema import AbsoluteExample, LoadResult, Provenance
from judgesmith.data.sources._common import collect, int_field, require_mapping, text_field, text_qid
from judgesmith.data.sources.hub import rows_from
from judgesmith.records import AbsoluteItem, Rubric


def rubric_from(rec: Mapping[str, Any]) -> Rubric:
    """Rubric from `orig_criteria` and whichever `orig_scoreN_description` fields exist."""
    criteria = text_field(rec, "orig_criteria").strip().strip("[]")
    descs = {f"score{i}_description": str(rec.get(f"orig_score{i}_description") or "") for i in range(1, 6)}
    return Rubric(criteria=criteria, **descs)


def load(path: str | Path, *, name: str = "feedback_collection", split: str = "train",
         strict: bool = False, limit: int | None = None) -> LoadResult:
    """Load Feedback Collection rows; gold = `orig_score` (1-5), feedback = `orig_feedback`."""
    file, rows = rows_from(path, split)

    def make(rec: Any, row: int) -> AbsoluteExample:
        rec = require_mapping(rec)
        instruction = text_field(rec, "orig_instruction")
        score = int_field(rec, "orig_score", range(1, 6))
        feedback = text_field(rec, "orig_feedback")
        item = AbsoluteItem(id=f"{name}-{row}", instruction=instruction, response=text_field(rec, "orig_response"),
                            rubric=rubric_from(rec), reference_answer=text_field(rec, "orig_reference_answer", False))
        return AbsoluteExample(item, float(score), Provenance(name, file, row, text_qid(name, instruction)),
                               gold_scores=(score,), gold_feedbacks=(feedback,))

    return collect(name, file, rows, make, strict=strict, limit=limit)
