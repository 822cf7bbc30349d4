"""Auto-J single-response critiques (`single_traindata.jsonl`): GPT-4 critique + 1-10 rating.

`usrmsg` is Auto-J's own prompt; the query and the response are cut out of its
`[Query]: ... *** [Response]: ... *** [END DATA]` block. The feedback is the critique
without its closing `Rating: [[x]]` line.

Scale mapping (1-10 -> 1-5): `ceil(score / 2)`, i.e. 1-2 -> 1, 3-4 -> 2, 5-6 -> 3,
7-8 -> 4, 9-10 -> 5 (half points round up: 5.5 -> 3, 6.5 -> 4). It keeps the ten
steps' order and puts each pair of adjacent steps on one Prometheus score.
There is no rubric: the `helpfulness` preset by default.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from judgesmith.data.schema import AbsoluteExample, LoadResult, Provenance
from judgesmith.data.sources._common import collect, read_rows, require_mapping, ten_to_five, text_field, text_qid
from judgesmith.records import AbsoluteItem
from judgesmith.rubrics import resolve_rubric

QUERY, RESPONSE, END = "[Query]:", "\n***\n[Response]:", "\n***\n[END DATA]"
_RATING = re.compile(r"\s*Rating:\s*\[\[\s*[0-9.]+\s*\]\]\.?\s*$")


def to_five(score: float) -> int:
    """Map an Auto-J 1-10 rating to 1-5 by `ceil(score / 2)` (`_common.ten_to_five`)."""
    if isinstance(score, str):
        raise ValueError(f"'pred_score' must be a number 1-10, got {score!r}")
    return ten_to_five(score, "pred_score")


def split_usrmsg(text: str) -> tuple[str, str]:
    """(query, response) from an Auto-J single-response prompt."""
    q, r, e = text.find(QUERY), text.find(RESPONSE), text.rfind(END)
    if q < 0 or r < q or e < r:
        raise ValueError("'usrmsg' lacks the [Query]: / [Response]: / [END DATA] block")
    query, response = text[q + len(QUERY):r].strip(), text[r + len(RESPONSE):e].strip()
    if not query:
        raise ValueError("empty query in 'usrmsg'")
    if not response:
        raise ValueError("empty response in 'usrmsg'")
    return query, response


def load(path: str | Path, *, name: str = "autoj_critiques", rubric: Any = "helpfulness",
         strict: bool = False, limit: int | None = None) -> LoadResult:
    """Load Auto-J critiques as absolute examples with the rating mapped to 1-5."""
    rub = resolve_rubric(rubric, where="autoj_critiques rubric")
    file = Path(path).name

    def make(rec: Any, row: int) -> AbsoluteExample:
        rec = require_mapping(rec)
        query, response = split_usrmsg(text_field(rec, "usrmsg"))
        score = to_five(rec.get("pred_score"))
        feedback = _RATING.sub("", text_field(rec, "target_output")).strip()
        if not feedback:
            raise ValueError("empty critique in 'target_output'")
        item = AbsoluteItem(id=f"{name}-{row}", instruction=query, response=response, rubric=rub)
        return AbsoluteExample(item, float(score), Provenance(name, file, row, text_qid(name, query)),
                               gold_scores=(score,), gold_feedbacks=(feedback,))

    return collect(name, path, read_rows(path), make, strict=strict, limit=limit)
