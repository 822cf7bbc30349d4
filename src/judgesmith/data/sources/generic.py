"""Bring-your-own data: a JSONL/JSON/CSV file with a column mapping and a label-value mapping.

`columns` maps judgesmith fields to your column names; fields you leave out keep their own
name. Absolute fields: `id, instruction, response, reference_answer, context, rubric,
score, feedback, question_id`; pairwise: `id, instruction, response_a, response_b,
reference_answer, context, rubric, label, feedback, question_id`. `labels` maps raw label
values to gold values (`{"A>B": "A", "B>A": "B", "A=B": "tie"}` or `{"good": 5}`); raw
values are compared as strings. `rubric` is the default rubric (preset, file or mapping)
for rows without a rubric column. Each row is checked by the one item schema
(`judgesmith.items`): a bad row is skipped with the reason `judgesmith judge` gives for the
same item, and the CLI's gold names `gold_score` / `gold` are read as well.

    load_source("generic", "mine.csv", kind="pairwise",
                columns={"instruction": "question", "response_a": "left", "response_b": "right",
                         "label": "winner"},
                labels={"A>B": "A", "B>A": "B"})
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, Iterator, Mapping

from judgesmith.data.schema import AbsoluteExample, LoadResult, PairwiseExample, Provenance
from judgesmith.data.sources._common import collect, read_rows, require_mapping, text_field, text_qid
from judgesmith.items import validate_item
from judgesmith.rubrics import resolve_rubric

FIELDS = {
    "absolute": ("id", "instruction", "response", "reference_answer", "context", "rubric", "score",
                 "feedback", "question_id"),
    "pairwise": ("id", "instruction", "response_a", "response_b", "reference_answer", "context", "rubric",
                 "label", "feedback", "question_id"),
}
_GOLD = {"absolute": ("gold_score", "score"), "pairwise": ("gold", "label")}  # the CLI's name is read too
_OPTIONAL = ("id", "reference_answer", "context", *_GOLD["absolute"], *_GOLD["pairwise"])  # blank: not given


def _csv_rows(path: Path) -> Iterator[tuple[int, Any]]:
    with open(path, encoding="utf-8", newline="") as fh:
        yield from enumerate(csv.DictReader(fh))


def _number(text: str) -> Any:
    """A CSV cell that spells a number, as that number (`"4"` -> 4, `"4.5"` -> 4.5); else the text."""
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            continue
    return text


def _cells(get: Mapping[str, Any], labels: Mapping[str, Any], kind: str) -> dict[str, Any]:
    """A mapped row in the item schema: blank optional cells are absent and gold goes through `labels`."""
    row = {k: v for k, v in get.items() if not (k in _OPTIONAL and v in (None, ""))}
    if not row.get("rubric"):
        row.pop("rubric", None)
    for key in _GOLD[kind]:
        value = row.pop(key, None)
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        mapped = labels.get(str(value).strip(), value) if labels else value
        row[key] = _number(mapped.strip()) if kind == "absolute" and isinstance(mapped, str) else mapped
    return row


def load(path: str | Path, *, kind: str = "absolute", columns: Mapping[str, str] | None = None,
         labels: Mapping[str, Any] | None = None, rubric: Any = "helpfulness", name: str | None = None,
         strict: bool = False, limit: int | None = None) -> LoadResult:
    """Load any JSON/JSONL/CSV file of absolute or pairwise rows through a column mapping."""
    if kind not in FIELDS:
        raise ValueError(f"generic: kind must be 'absolute' or 'pairwise', got {kind!r}")
    cols = {f: f for f in FIELDS[kind]} | dict(columns or {})
    unknown = sorted(set(columns or {}) - set(FIELDS[kind]))
    if unknown:
        raise ValueError(f"generic: unknown fields {unknown} in columns; {kind} fields are {list(FIELDS[kind])}")
    path = Path(path)
    name = name or path.stem
    default_rubric = resolve_rubric(rubric, where="generic rubric")
    labels = {str(k): v for k, v in (labels or {}).items()}

    def make(rec: Any, row: int) -> AbsoluteExample | PairwiseExample:
        rec = require_mapping(rec)
        get = {f: rec.get(c) for f, c in cols.items()} | {_GOLD[kind][0]: rec.get(_GOLD[kind][0])}
        checked = validate_item(_cells(get, labels, kind), kind)  # the CLI's and the server's checks and messages
        rub = resolve_rubric(checked.rubric, where="rubric") if checked.rubric is not None else default_rubric
        item = checked.to_record(rub, fallback_id=f"{name}-{row}")
        qid = str(get["question_id"]) if get["question_id"] not in (None, "") else text_qid(name, item.instruction)
        prov = Provenance(name, path.name, row, qid)
        feedback = text_field(get, "feedback", False) or None
        gold = checked.gold_value
        if kind == "absolute":
            gold = float(gold) if gold is not None else None
            scores = (round(gold),) if gold is not None and float(gold).is_integer() else ()
            return AbsoluteExample(item, gold, prov, gold_scores=scores,
                                   gold_feedbacks=(feedback,) if feedback and scores else ())
        return PairwiseExample(item, gold, prov, gold_feedback=feedback)

    rows = _csv_rows(path) if path.suffix.lower() == ".csv" else read_rows(path)
    return collect(name, path, rows, make, strict=strict, limit=limit)
