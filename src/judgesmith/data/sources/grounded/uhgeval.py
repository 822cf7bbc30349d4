"""UHGEval (IAAR-Shanghai/UHGEval, `dataset_uhgeval_concise.jsonl[.gz]`): Chinese news continuations,
the real one against one an LLM wrote with hallucinated details.

Rows `{id, headLine, newsBeginning, realContinuation, hallucinatedContinuation, type, ...}`. A pair
per row (gold: the real continuation; positions balanced by the seed), the headline and beginning as
the context, `language` "zh". No split upstream: `part` splits by document (a stable hash of
the headline and beginning, which several rows share; `heldout_fraction` held out). Apache-2.0.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from judgesmith.data.schema import LoadResult, PairwiseExample, Provenance
from judgesmith.data.sources._common import collect, normalize, read_rows, require_mapping, text_field
from judgesmith.data.sources.grounded.common import doc_qid, in_part
from judgesmith.data.swap import balance
from judgesmith.records import PairwiseItem
from judgesmith.rubrics import resolve_rubric

INSTRUCTION = "Continue the news report."


def load(path: str | Path, *, name: str = "uhgeval", rubric: Any = "faithfulness", part: str | None = None,
         heldout_fraction: float = 0.4, seed: int = 0, strict: bool = False, limit: int | None = None) -> LoadResult:
    """Pairwise grounded examples of the rows in `part` (None: every row)."""
    rub = resolve_rubric(rubric, where=f"{name} rubric")
    file = Path(path).name

    def make(rec: Any, row: int):
        rec = require_mapping(rec)
        row_id = str(rec.get("id", row))
        context = f"{text_field(rec, 'headLine').strip()}\n{text_field(rec, 'newsBeginning').strip()}"
        if not in_part(normalize(context), part, heldout_fraction):  # by document: rows repeat a news beginning
            return None
        real, fake = text_field(rec, "realContinuation").strip(), text_field(rec, "hallucinatedContinuation").strip()
        if not real or not fake or real == fake:
            raise ValueError("the real and the hallucinated continuation are empty or identical")
        item = PairwiseItem(id=f"{name}-{row_id}", instruction=INSTRUCTION, response_a=real, response_b=fake,
                            rubric=rub, context=context, language="zh")
        return PairwiseExample(item, "A", Provenance(name, file, row, doc_qid(name, context)))

    result = collect(name, path, read_rows(path), make, strict=strict, limit=limit)
    result.pairwise = balance(result.pairwise, seed)
    return result
