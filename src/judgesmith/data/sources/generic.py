"""Bring-your-own data: a JSONL/JSON/CSV file with a column mapping and a label-value mapping.

`columns` maps judgesmith fields to your column names; fields you leave out keep their own
name. Absolute fields: `id, instruction, response, reference_answer, context, rubric,
score, feedback, question_id, language`; pairwise: `id, instruction, response_a, response_b,
reference_answer, context, rubric, label, feedback, question_id, language`. `language` (ISO 639-1,
"ja") is the judged text's language; the `language` option gives it to rows without one. `labels` maps raw label
values to gold values (`{"A>B": "A", "B>A": "B", "A=B": "tie"}` or `{"good": 5}`); raw
values are compared as strings. `rubric` is the default rubric (preset, file or mapping)
for rows without a rubric column. Each row is checked by the one item schema
(`judgesmith.items`): a bad row is skipped with the reason `judgesmith judge` gives for the
same item, and the CLI's gold names `gold_score` / `gold` are read as well.

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
from judgesmith.items import GOLD_PAIR, validate_item
from judgesmith.records import AbsoluteItem, PairwiseItem
from judgesmith.rubrics import resolve_rubric

FIELDS = {
    "absolute": ("id", "instruction", "response", "reference_answer", "context", "rubric", "score",
                 "feedback", "question_id", "language"),
    "pairwise": ("id", "instruction", "response_a", "response_b", "reference_answer", "context", "rubric",
                 "label", "feedback", "question_id", "language"),
}
_GOLD = {"absolute": ("gold_score", "score"), "pairwise": ("gold", "label")}  # the CLI's name is read too
# blank: not given
_OPTIONAL = ("id", "reference_answer", "context", "language", *_GOLD["absolute"], *_GOLD["pairwise"])


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


def _gold(value: Any, labels: Mapping[str, Any], kind: str) -> Any:
    """An upstream layout's gold through `labels` (user files go through `judgesmith.items` instead)."""
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


def _layout_example(get: Mapping[str, Any], cols: Mapping[str, Column], labels: Mapping[str, Any], kind: str,
                    default_rubric: Any, where: tuple[str, str, int], keep_empty: bool,
                    coerce: bool) -> AbsoluteExample | PairwiseExample:
    """A row of an upstream layout: empty responses may be kept and numbers read as text."""
    name, file, row = where
    text = lambda f, req=True: _text(get, cols, f, req)  # noqa: E731
    side = lambda f: _text(get, cols, f, allow_empty=keep_empty, coerce=coerce)  # noqa: E731
    rub = resolve_rubric(get["rubric"], where="rubric") if get.get("rubric") else default_rubric
    instruction = text("instruction")
    qid = str(get["question_id"]) if get.get("question_id") not in (None, "") else text_qid(name, instruction)
    common = dict(id=str(get["id"] if get.get("id") not in (None, "") else f"{name}-{row}"), instruction=instruction,
                  rubric=rub, reference_answer=text("reference_answer", False) or None,
                  context=text("context", False) or None, language=text("language", False) or None)
    prov = Provenance(name, file, row, qid)
    feedback = text("feedback", False) or None
    if kind == "absolute":
        score = _gold(get.get("score"), labels, kind)
        scores = (round(score),) if score is not None and float(score).is_integer() else ()
        return AbsoluteExample(AbsoluteItem(response=text("response"), **common), score, prov, gold_scores=scores,
                               gold_feedbacks=(feedback,) if feedback and scores else ())
    item = PairwiseItem(response_a=side("response_a"), response_b=side("response_b"), **common)
    return PairwiseExample(item, _gold(get.get("label"), labels, kind), prov, gold_feedback=feedback)


def load(path: str | Path, *, kind: str = "absolute", columns: Mapping[str, Column] | None = None,
         labels: Mapping[str, Any] | None = None, rubric: Any = "helpfulness", name: str | None = None,
         strict: bool = False, limit: int | None = None, keep_empty: bool = False, coerce: bool = False,
         prefix_ids: bool = False, language: str | None = None) -> LoadResult:
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

    layout = keep_empty or coerce or any(c is None or not isinstance(c, str) for c in cols.values())

    def make(rec: Any, row: int) -> AbsoluteExample | PairwiseExample:
        rec = require_mapping(rec)
        get = _fields(rec, cols, labels, name, prefix_ids)
        if language and get.get("language") in (None, ""):
            get["language"] = language
        if layout:  # an upstream layout (sources/layouts.py): its own rules for empty and numeric responses
            return _layout_example(get, cols, labels, kind, default_rubric, (name, path.name, row),
                                   keep_empty, coerce)
        get |= {_GOLD[kind][0]: rec.get(_GOLD[kind][0])}
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
