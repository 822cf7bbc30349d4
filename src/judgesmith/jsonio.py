"""JSONL in and out for batch judging: lenient reading, resumable appending.

Input schema (one JSON object per line):
- absolute: `{"id", "instruction", "response", "rubric"?, "reference_answer"?, "context"?, "gold_score"?}`
- pairwise: `{"id", "instruction", "response_a", "response_b", "rubric"?, "reference_answer"?, "context"?,
  "gold"?}` (`gold` is "A", "B" or "tie")
`rubric` is a preset name, a rubric file path, a rendered `[criteria]\\nScore 1: ...` string or a
`{criteria, score1_description..score5_description}` object; missing means the run's default rubric.

A bad line never stops a run: each line is decoded and parsed on its own (lines end at `\\n` only, so a
lone CR does not shift the numbering; a UTF-8 BOM is allowed at the start of the file), and whatever is
wrong with it (bytes, JSON, nesting, fields, ids, rubric files) becomes a `BadLine` whose reason starts
with `line N:`.
"""

from __future__ import annotations

import codecs
import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from judgesmith.appender import JsonlAppender, write_jsonl_atomic
from judgesmith.records import AbsoluteItem, PairwiseItem, Rubric, Verdict
from judgesmith.rubrics import resolve_rubric

log = logging.getLogger(__name__)

REQUIRED = {
    "absolute": ("instruction", "response"),
    "pairwise": ("instruction", "response_a", "response_b"),
}
OPTIONAL = ("reference_answer", "context")

__all__ = ["BadLine", "InputRow", "JsonlAppender", "done_ids", "read_items", "read_jsonl", "read_verdicts",
           "row_from_dict", "write_jsonl_atomic"]


@dataclass(frozen=True)
class BadLine:
    line: int
    reason: str


@dataclass(frozen=True)
class InputRow:
    """A parsed input line: the item, its gold label when the file carries it, and its line number."""

    item: AbsoluteItem | PairwiseItem
    gold: Any = None
    line: int | None = None


def show(value: Any, limit: int = 60) -> str:
    """A short, safe rendering of a bad value for an error message (no giant or deeply nested reprs)."""
    if isinstance(value, (list, dict)):
        return "a JSON " + ("array" if isinstance(value, list) else "object")
    text = ascii(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} chars)"


def typed(value: Any) -> str:
    """`int 5`, `bool True`, `a JSON array`: what a wrong-typed field holds."""
    return show(value) if isinstance(value, (list, dict)) else f"{type(value).__name__} {show(value)}"


def check_unicode(value: str, where: str, key: str) -> None:
    """Reject lone surrogates (`\\ud800` escapes in JSON): tokenizers and UTF-8 writers fail on them."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError(f"{where}: {key!r} holds a lone surrogate {value[exc.start]!a} at character "
                         f"{exc.start + 1}; send valid Unicode text") from None


def _text(d: dict, key: str, where: str, required: bool) -> str | None:
    value = d.get(key)
    if value is None:
        if required:
            raise ValueError(f"{where}: missing field {key!r}")
        return None
    if not isinstance(value, str):
        raise ValueError(f"{where}: {key!r} must be a string, got {typed(value)}")
    if required and not value.strip():
        raise ValueError(f"{where}: {key!r} is empty")
    check_unicode(value, where, key)
    return value


def _item_id(d: dict, where: str, fallback: str) -> str:
    if "id" not in d:
        return fallback
    value = d["id"]
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValueError(f"{where}: 'id' must be a string or integer, got {typed(value)}")
    text = str(value)
    if not text.strip():
        raise ValueError(f"{where}: 'id' is empty")
    check_unicode(text, where, "id")
    return text


def _rubric(d: dict, default: Rubric, where: str, cache: dict | None) -> Rubric:
    value = d.get("rubric")
    if value is None or value == "":
        return default
    key = value if isinstance(value, str) else None
    if cache is not None and key is not None and key in cache:
        found = cache[key]
    else:
        try:
            found = resolve_rubric(value, where="rubric")
        except ValueError as exc:
            found = str(exc)
        if cache is not None and key is not None:
            cache[key] = found
    if isinstance(found, str):
        raise ValueError(f"{where}: {found}" if found.startswith("rubric") else f"{where}: rubric: {found}")
    for name, text in found.to_dict().items():
        check_unicode(text, f"{where}: rubric", name)
    return found


def _gold_score(d: dict, where: str) -> float | int | None:
    gold = d.get("gold_score")
    if gold is None:
        return None
    if isinstance(gold, bool) or not isinstance(gold, (int, float)) or not math.isfinite(gold) or not 1 <= gold <= 5:
        raise ValueError(f"{where}: 'gold_score' must be a number 1-5, got {show(gold)}")
    return gold


def row_from_dict(d: Any, kind: str, default_rubric: Rubric, where: str, fallback_id: str,
                  rubric_cache: dict | None = None, line: int | None = None) -> InputRow:
    """Validate one input object into an item; raises ValueError naming the field to fix."""
    if not isinstance(d, dict):
        raise ValueError(f"{where}: expected a JSON object, got {show(d)}")
    item_id = _item_id(d, where, fallback_id)
    fields = {key: _text(d, key, where, True) for key in REQUIRED[kind]}
    optional = {key: _text(d, key, where, False) for key in OPTIONAL}
    rubric = _rubric(d, default_rubric, where, rubric_cache)
    if kind == "absolute":
        gold = _gold_score(d, where)
        return InputRow(AbsoluteItem(id=item_id, rubric=rubric, **fields, **optional), gold, line)
    gold = d.get("gold")
    if gold is not None and (not isinstance(gold, str) or gold not in ("A", "B", "tie")):
        raise ValueError(f"{where}: 'gold' must be 'A', 'B' or 'tie', got {show(gold)}")
    return InputRow(PairwiseItem(id=item_id, rubric=rubric, **fields, **optional), gold, line)


def iter_lines(path: str | Path) -> Iterator[tuple[int, bytes]]:
    """(line number, raw bytes) for each line; lines end at `\\n` only (a lone CR is not a line break)."""
    with open(path, "rb") as fh:
        for number, raw in enumerate(fh, start=1):
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
            yield number, raw


def parse_line(raw: bytes, where: str) -> Any:
    """Decode and parse one line; every failure is a ValueError starting with `where`."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ValueError(f"{where}: not valid UTF-8 (byte 0x{raw[exc.start]:02x} at byte {exc.start + 1}); "
                         "save the file as UTF-8") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        msg = exc.msg.removesuffix(" at")
        raise ValueError(f"{where}: not valid JSON ({msg} at column {exc.colno})") from None
    except RecursionError:
        raise ValueError(f"{where}: cannot be read (JSON nested too deeply)") from None
    except ValueError as exc:  # e.g. integers over Python's 4300-digit limit
        raise ValueError(f"{where}: cannot be read ({exc})") from None


def read_items(path: str | Path, kind: str, default_rubric: Rubric) -> tuple[list[InputRow], list[BadLine]]:
    """Read a JSONL file of items, collecting bad lines (bytes, JSON, fields, types, rubric files, duplicate ids)."""
    if kind not in REQUIRED:
        raise ValueError(f"kind must be 'absolute' or 'pairwise', got {kind!r}")
    rows: list[InputRow] = []
    bad: list[BadLine] = []
    seen: set[str] = set()
    cache: dict[str, Rubric | str] = {}
    for number, raw in iter_lines(path):
        if not raw.strip():
            continue
        where = f"line {number}"
        try:
            row = row_from_dict(parse_line(raw, where), kind, default_rubric, where, fallback_id=str(number),
                                rubric_cache=cache, line=number)
        except ValueError as exc:
            bad.append(BadLine(number, str(exc)))
            continue
        except Exception as exc:  # noqa: BLE001 - whatever else is wrong with one line, the run goes on
            log.debug("line %d could not be read", number, exc_info=True)
            bad.append(BadLine(number, f"{where}: cannot read this line ({type(exc).__name__}: {exc})"))
            continue
        if row.item.id in seen:
            bad.append(BadLine(number, f"{where}: duplicate id {show(row.item.id)}"))
            continue
        seen.add(row.item.id)
        rows.append(row)
    return rows, bad


def read_jsonl(path: str | Path) -> Iterator[dict]:
    """Objects of a JSONL file, skipping lines that do not parse (a torn last line, stray bytes)."""
    path = Path(path)
    if not path.exists():
        return
    with open(path, "rb") as fh:
        for line in fh:
            try:
                yield json.loads(line)
            except (ValueError, RecursionError):
                continue


def done_ids(path: str | Path) -> set[str]:
    """Ids already judged in an output file (for resuming)."""
    return {str(d["id"]) for d in read_jsonl(path) if isinstance(d, dict) and "id" in d}


def read_verdicts(path: str | Path) -> list[Verdict]:
    return [Verdict.from_dict(d) for d in read_jsonl(path) if isinstance(d, dict)]
