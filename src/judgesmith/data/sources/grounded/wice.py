"""WiCE (ryokamoi/wice, `oracle_chunks/claim/{dev,test}.jsonl[.gz]`): is a Wikipedia claim supported by
the sentences of the article it cites?

Rows `{label, claim, evidence: [sentences], meta: {id, claim_title, ...}}`. `supported` -> 5,
`not_supported` -> 1, `partially_supported` -> 3 (`partial`; some of the claim's parts are supported,
others not). A binary benchmark reads gold >= 4 as supported, so partially supported counts as not
supported, as LLM-AggreFact does. Train on dev, bench on test.
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


def load(path: str | Path, *, name: str = "wice", rubric: Any = "faithfulness", partial: int | None = 3,
         max_context_words: int | None = None, strict: bool = False, limit: int | None = None) -> LoadResult:
    """Absolute grounded examples, one per claim; `partial=None` skips partially supported claims."""
    rub = resolve_rubric(rubric, where=f"{name} rubric")
    scores = {"supported": SUPPORTED, "not_supported": UNSUPPORTED, "partially_supported": partial}
    file = Path(path).name

    def make(rec: Any, row: int):
        rec = require_mapping(rec)
        score = mapped_label(rec, "label", scores)
        if score is None:
            return None
        meta = rec.get("meta") if isinstance(rec.get("meta"), dict) else {}
        title = meta.get("claim_title") if isinstance(meta.get("claim_title"), str) else None
        instruction = f"Write a sentence about {title}." if title else "Write a sentence about the topic."
        item_id = f"{name}-{row}-{meta.get('id', '')}".rstrip("-")
        return grounded_example(name, file, row, item_id=item_id, instruction=instruction,
                                context=join_passages(rec.get("evidence"), "'evidence'"),
                                response=text_field(rec, "claim"), score=score, rubric=rub,
                                max_context_words=max_context_words)

    return collect(name, path, read_rows(path), make, strict=strict, limit=limit)
