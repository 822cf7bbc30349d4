"""DialFact (salesforce/DialFact, `scripts/testsmall.jsonl[.gz]`): is a dialogue response supported by the
Wikipedia evidence retrieved for it?

Rows `{id, context: [turns], response, evidence_touse, response_label, type_label}`. `SUPPORTS` -> 5,
`REFUTES` -> 1, `NOT ENOUGH INFO` -> 2 (`nei`: the evidence neither supports nor contradicts the
response's main claim). The dialogue turns are the instruction, the evidence the context.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from judgesmith.data.schema import LoadResult
from judgesmith.data.sources._common import collect, read_rows, require_mapping, text_field
from judgesmith.data.sources.grounded.common import (
    SUPPORTED, UNSUPPORTED, grounded_example, join_passages, mapped_label,
)
from judgesmith.rubrics import resolve_rubric


def load(path: str | Path, *, name: str = "dialfact", rubric: Any = "faithfulness", nei: int | None = 2,
         max_context_words: int | None = None, strict: bool = False, limit: int | None = None) -> LoadResult:
    """Absolute grounded examples, one per response; `nei=None` skips NOT ENOUGH INFO responses."""
    rub = resolve_rubric(rubric, where=f"{name} rubric")
    scores = {"SUPPORTS": SUPPORTED, "REFUTES": UNSUPPORTED, "NOT ENOUGH INFO": nei}
    file = Path(path).name

    def make(rec: Any, row: int):
        rec = require_mapping(rec)
        score = mapped_label(rec, "response_label", scores)
        if score is None:
            return None
        return grounded_example(name, file, row, item_id=f"{name}-{rec.get('id', row)}",
                                instruction="Continue the dialogue:\n" + join_passages(rec.get("context"), "'context'"),
                                context=text_field(rec, "evidence_touse"), response=text_field(rec, "response"),
                                score=score, rubric=rub, max_context_words=max_context_words)

    return collect(name, path, read_rows(path), make, strict=strict, limit=limit)
