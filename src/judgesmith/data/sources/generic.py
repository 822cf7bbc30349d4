"""Bring-your-own data: a JSONL/JSON/CSV file with a column mapping and a label-value mapping.

`columns` maps judgesmith fields to your column names; fields you leave out keep their own
name. Absolute fields: `id, instruction, response, reference_answer, context, rubric,
score, feedback, question_id`; pairwise: `id, instruction, response_a, response_b,
reference_answer, context, rubric, label, feedback, question_id`. `labels` maps raw label
values to gold values (`{"A>B": "A", "B>A": "B", "A=B": "tie"}` or `{"good": 5}`); raw
values are compared as strings. `rubric` is the default rubric (preset, file or mapping)
for rows without a rubric column.

Files in a fixed layout of their own (Auto-J pairwise, LLMBar, PandaLM: `sources/layouts.py`) are
this loader with a column configuration: a column may be `None` (not in the file), a text field
may list several columns (the non-blank ones are joined by a blank line; the first must exist),
`label`/`score` may list several annotators' columns (gold is their majority), `prefix_ids`
turns an id column's value `7` into `<name>-7`, and `keep_empty`/`coerce` keep empty responses
and read JSON numbers/booleans given as responses back as text.

    load_source("generic", "mine.csv", kind="pairwise",
                columns={"instruction": "question", "response_a": "left", "response_b": "right",
                         "label": "winner"},
                labels={"A>B": "A", "B>A": "B"})
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from judgesmith.data.schema import AbsoluteExample, LoadResult, PairwiseExample, Provenance
from judgesmith.data.sources._common import collect, read_rows, require_mapping, text_field, text_qid
from judgesmith.records import AbsoluteItem, PairwiseItem
from judgesmith.rubrics import resolve_rubric

FIELDS = {
    "absolute": ("id", "instruction", "response", "reference_answer", "context", "rubric", "score",
                 "feedback", "question_id"),
    "pairwise": ("id", "instruction", "response_a", "response_b", "reference_answer", "context", "rubric",
                 "label", "feedback", "question_id"),
}
GOLD_PAIR = {"A", "B", "tie"}


def _csv_rows(path: Path) -> Iterator[tuple[int, Any]]:
    with open(path, encoding="utf-8", newline="") as fh:
        yield from enumerate(csv.DictReader(fh))


def _gold(value: Any, labels: Mapping[str, Any], kind: str) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    mapped = labels.get(str(value).strip(), value) if labels else value
    if kind == "pairwise":
        if mapped not in GOLD_PAIR:
            raise ValueError(f"label {value!r} maps to {mapped!r}, not one of A, B, tie (set `labels`)")
        return mapped
    try:
        score = float(mapped)
    except (TypeError, ValueError):
        raise ValueError(f"score {value!r} is not a number 1-5 (set `labels`)") from None
    if not 1 <= score <= 5:
        raise ValueError(f"score must be 1-5, got {score}")
    return score


Column = str | Sequence[str] | None


def _joined(rec: Mapping[str, Any], cols: Sequence[str]) -> str:
    """The non-blank ones of several text columns, joined by a blank line (the first must exist)."""
    parts = [text_field(rec, cols[0], allow_empty=True)] + [text_field(rec, c, required=False) for c in cols[1:]]
    text = "\n\n".join(p for p in parts if p and p.strip())
    if not text:
        raise ValueError(f"{' and '.join(repr(c) for c in cols)} are empty")
    return text


def _majority(rec: Mapping[str, Any], cols: Sequence[str], labels: Mapping[str, Any]) -> Any:
    """The raw value most annotator columns agree on; every vote must be a known label."""
    votes = [rec.get(c) for c in cols]
    for col, vote in zip(cols, votes):
        if labels and str(vote).strip() not in labels:
            raise ValueError(f"{col!r} must be one of {list(labels)}, got {vote!r}")
    counts = Counter(str(v).strip() for v in votes)
    value, count = counts.most_common(1)[0]
    if count * 2 <= len(cols):
        raise ValueError(f"no majority among annotators {dict(counts)}")
    return value


def _fields(rec: Mapping[str, Any], cols: Mapping[str, Column], labels: Mapping[str, Any], name: str,
            prefix_ids: bool) -> dict[str, Any]:
    """Judgesmith field -> raw value of a row under a column configuration (see the module doc)."""
    out: dict[str, Any] = {}
    for f, col in cols.items():
        if col is None or isinstance(col, str):
            out[f] = rec.get(col) if col is not None else None
        elif f in ("label", "score"):
            out[f] = _majority(rec, col, labels)
        else:
            out[f] = _joined(rec, col)
    if prefix_ids and out.get("id") not in (None, ""):
        out["id"] = f"{name}-{out['id']}"
    return out


def _text(get: Mapping[str, Any], cols: Mapping[str, Column], f: str, required: bool = True,
          **how: bool) -> str | None:
    """`text_field` of a judgesmith field; an error names the file's own column where it differs."""
    try:
        return text_field(get, f, required, **how)
    except ValueError as exc:
        col = cols.get(f)
        if isinstance(col, str) and col != f:
            raise ValueError(f"{exc} (column {col!r})") from None
        raise


def load(path: str | Path, *, kind: str = "absolute", columns: Mapping[str, Column] | None = None,
         labels: Mapping[str, Any] | None = None, rubric: Any = "helpfulness", name: str | None = None,
         strict: bool = False, limit: int | None = None, keep_empty: bool = False, coerce: bool = False,
         prefix_ids: bool = False) -> LoadResult:
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
        get = _fields(rec, cols, labels, name, prefix_ids)
        text = lambda f, req=True: _text(get, cols, f, req)  # noqa: E731
        side = lambda f: _text(get, cols, f, allow_empty=keep_empty, coerce=coerce)  # noqa: E731
        rub = resolve_rubric(get["rubric"], where="rubric") if get["rubric"] else default_rubric
        instruction = text("instruction")
        qid = str(get["question_id"]) if get["question_id"] not in (None, "") else text_qid(name, instruction)
        common = dict(id=str(get["id"] if get["id"] not in (None, "") else f"{name}-{row}"), instruction=instruction,
                      rubric=rub, reference_answer=text("reference_answer", False) or None,
                      context=text("context", False) or None)
        prov = Provenance(name, path.name, row, qid)
        feedback = text("feedback", False) or None
        if kind == "absolute":
            score = _gold(get["score"], labels, kind)
            item = AbsoluteItem(response=text("response"), **common)
            scores = (round(score),) if score is not None and float(score).is_integer() else ()
            return AbsoluteExample(item, score, prov, gold_scores=scores,
                                   gold_feedbacks=(feedback,) if feedback and scores else ())
        item = PairwiseItem(response_a=side("response_a"), response_b=side("response_b"), **common)
        return PairwiseExample(item, _gold(get["label"], labels, kind), prov, gold_feedback=feedback)

    rows = _csv_rows(path) if path.suffix.lower() == ".csv" else read_rows(path)
    return collect(name, path, rows, make, strict=strict, limit=limit)
