"""PandaLM test set (`testset-v1.json`): three annotators, 0 = tie, 1 = response1, 2 = response2.

Gold is the majority of the three; a three-way split has no majority and is skipped
(none occur in testset-v1). The non-blank ones of `instruction` and `input` are joined by a
blank line (row 466 has a blank instruction and its task in `input`).

`keep_empty` (default True) keeps rows where a response is empty: upstream a model answered
nothing and humans still judged the pair, so they are part of the benchmark (and its counts).
JSON booleans/numbers given as responses are read back as text.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from judgesmith.data.schema import LoadResult, PairwiseExample, Provenance
from judgesmith.data.sources._common import collect, int_field, read_rows, require_mapping, text_field, text_qid
from judgesmith.records import PairwiseItem
from judgesmith.rubrics import resolve_rubric

LABELS = {0: "tie", 1: "A", 2: "B"}
ANNOTATORS = ("annotator1", "annotator2", "annotator3")


def majority(rec: Any) -> str:
    votes = Counter(int_field(rec, key, LABELS) for key in ANNOTATORS)
    label, count = votes.most_common(1)[0]
    if count * 2 <= len(ANNOTATORS):
        raise ValueError(f"no majority among annotators {dict(votes)}")
    return LABELS[label]


def load(path: str | Path, *, name: str = "pandalm", rubric: Any = "helpfulness",
         keep_empty: bool = True, strict: bool = False,
         limit: int | None = None) -> LoadResult:
    """Load PandaLM rows; response1 is position A."""
    rub = resolve_rubric(rubric, where="pandalm rubric")
    file = Path(path).name

    def make(rec: Any, row: int) -> PairwiseExample:
        rec = require_mapping(rec)
        parts = [text_field(rec, "instruction", allow_empty=True), text_field(rec, "input", required=False)]
        text = "\n\n".join(p for p in parts if p and p.strip())
        if not text:
            raise ValueError("'instruction' and 'input' are both empty")
        item_id = f"{name}-{rec.get('idx', row)}"
        a, b = (text_field(rec, k, allow_empty=keep_empty, coerce=True) for k in ("response1", "response2"))
        item = PairwiseItem(id=item_id, instruction=text, response_a=a, response_b=b, rubric=rub)
        return PairwiseExample(item, majority(rec), Provenance(name, file, row, text_qid(name, text)))

    return collect(name, path, read_rows(path), make, strict=strict, limit=limit)
