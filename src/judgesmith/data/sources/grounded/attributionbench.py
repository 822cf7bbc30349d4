"""AttributionBench (OSU-NLP-Group, `data/{dev,test}_*.jsonl[.gz]`): is a claim attributable to its references?

Rows `{question, claim, response, references: [text], attribution_label, src_dataset, id}`;
`attributable` -> 5, `not attributable` -> 1 (the files are label-balanced). The claim is judged
against the references, the question is the instruction. Seven upstream sets are mixed
(`src_dataset`); the in-distribution test sample holds ExpertQA, Stanford-GenSearch, AttributedQA and
LFQA. Train on dev, bench on test.
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

LABELS = {"attributable": SUPPORTED, "not attributable": UNSUPPORTED}


def load(path: str | Path, *, name: str = "attributionbench", rubric: Any = "faithfulness",
         max_context_words: int | None = None, strict: bool = False, limit: int | None = None) -> LoadResult:
    """Absolute grounded examples, one per (question, claim)."""
    rub = resolve_rubric(rubric, where=f"{name} rubric")
    file = Path(path).name

    def make(rec: Any, row: int):
        rec = require_mapping(rec)
        score = mapped_label(rec, "attribution_label", LABELS)
        return grounded_example(name, file, row, item_id=f"{name}-{rec.get('id', row)}",
                                instruction=text_field(rec, "question"),
                                context=join_passages(rec.get("references"), "'references'"),
                                response=text_field(rec, "claim"), score=score, rubric=rub,
                                max_context_words=max_context_words)

    return collect(name, path, read_rows(path), make, strict=strict, limit=limit)
