"""LLMBar-style pairwise files (`llmbar/*.json`): `{input, output_1, output_2, label}`, label 1|2, no ties.

The same format holds LLMBar Natural and the Processed MT-Bench / FairEval / LLMEval^2 sets.
No rubric in the files: the `helpfulness` preset by default.

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

LABELS = {1: "A", 2: "B"}


def default_name(path: str | Path) -> str:
    """`LLMBar_Natural.json` -> `llmbar_natural`, `Processed_MT-Bench.json` -> `llmbar_mt_bench`."""
    stem = Path(path).stem.lower().replace("-", "_")
    for prefix in ("llmbar_", "processed_"):
        stem = stem[len(prefix):] if stem.startswith(prefix) else stem
    return f"llmbar_{stem}"


def load(path: str | Path, *, name: str | None = None, rubric: Any = "helpfulness",
         keep_empty: bool = True, strict: bool = False,
         limit: int | None = None) -> LoadResult:
    """Load an LLMBar-format file; output_1 is position A."""
    name = name or default_name(path)
    rub = resolve_rubric(rubric, where="llmbar rubric")
    file = Path(path).name

    def make(rec: Any, row: int) -> PairwiseExample:
        rec = require_mapping(rec)
        text = text_field(rec, "input")
        a, b = (text_field(rec, k, allow_empty=keep_empty, coerce=True) for k in ("output_1", "output_2"))
        item = PairwiseItem(id=f"{name}-{row}", instruction=text, response_a=a, response_b=b, rubric=rub)
        gold = LABELS[int_field(rec, "label", LABELS)]
        return PairwiseExample(item, gold, Provenance(name, file, row, text_qid(name, text)))

    return collect(name, path, read_rows(path), make, strict=strict, limit=limit)
