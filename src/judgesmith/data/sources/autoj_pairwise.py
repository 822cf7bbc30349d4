"""Auto-J pairwise test set (`autoj_pairwise.jsonl`): `{scenario, label, prompt, "response 1", "response 2"}`.

Human labels: 0 = response 1 better, 1 = response 2 better, 2 = tie. The file has no rubric;
like Prometheus 2, items get a generic coarse rubric (the `helpfulness` preset by default).

`keep_empty` (default True) keeps rows where a response is empty: upstream a model answered
nothing and humans still judged the pair, so they are part of the benchmark (and its counts).
JSON booleans/numbers given as responses are read back as text.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from judgesmith.data.schema import LoadResult, PairwiseExample, Provenance
from judgesmith.data.sources._common import collect, int_field, read_rows, require_mapping, text_field, text_qid
from judgesmith.records import PairwiseItem
from judgesmith.rubrics import resolve_rubric

LABELS = {0: "A", 1: "B", 2: "tie"}


def load(path: str | Path, *, name: str = "autoj_pairwise", rubric: Any = "helpfulness",
         keep_empty: bool = True, strict: bool = False,
         limit: int | None = None) -> LoadResult:
    """Load Auto-J pairwise rows; response 1 is position A."""
    rub = resolve_rubric(rubric, where="autoj_pairwise rubric")
    file = Path(path).name

    def make(rec: Any, row: int) -> PairwiseExample:
        rec = require_mapping(rec)
        prompt = text_field(rec, "prompt")
        a, b = (text_field(rec, k, allow_empty=keep_empty, coerce=True) for k in ("response 1", "response 2"))
        item = PairwiseItem(id=f"{name}-{row}", instruction=prompt, response_a=a, response_b=b, rubric=rub)
        gold = LABELS[int_field(rec, "label", LABELS)]
        return PairwiseExample(item, gold, Provenance(name, file, row, text_qid(name, prompt)))

    return collect(name, path, read_rows(path), make, strict=strict, limit=limit)
