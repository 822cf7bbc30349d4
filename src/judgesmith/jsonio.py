"""JSONL in and out for batch judging: lenient reading, resumable appending.

Input schema (one JSON object per line), checked by the one item schema in `judgesmith.items`:
- absolute: `{"id", "instruction", "response", "rubric"?, "reference_answer"?, "context"?, "gold_score"?}`
- pairwise: `{"id", "instruction", "response_a", "response_b", "rubric"?, "reference_answer"?, "context"?,
  "gold"?}` (`gold` is "A", "B" or "tie"); `score` and `label` are accepted for `gold_score` and `gold`
`rubric` is a preset name, a rubric file path, a rendered `[criteria]\\nScore 1: ...` string or a
`{criteria, score1_description..score5_description}` object; missing means the run's default rubric.
A rubric file named in an item is read only from the folder the run allows (`--rubric-dir`), named
relative to it, and an error about it says where the file is wrong, never what it holds.

A bad line never stops a run: each line is decoded and parsed on its own (lines end at `\\n` only, so a
lone CR does not shift the numbering; a UTF-8 BOM is allowed at the start of the file), and whatever is
wrong with it (bytes, JSON, nesting, fields, ids, rubric files) becomes a `BadLine` whose reason starts
with `line N:`.
"""

from __future__ import annotations

import codecs
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from judgesmith.appender import JsonlAppender, write_jsonl_atomic
from judgesmith.records import AbsoluteItem, PairwiseItem, Rubric, Verdict
from judgesmith.rubrics import resolve_rubric

log = logging.getLogger(__name__)

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


def _rubric(value: str | Rubric | None, default: Rubric, where: str, cache: dict | None,
            rubric_dir: str | Path | None = None) -> Rubric:
    """The item's rubric: the run's default, an inline object (already checked) or a name resolved once per file
    (rubric files only from `rubric_dir`)."""
    from judgesmith.items import check_unicode

    if value is None or isinstance(value, Rubric):
        return default if value is None else value
    if cache is not None and value in cache:
        found = cache[value]
    else:
        try:
            found = resolve_rubric(value, where="rubric", rubric_dir=rubric_dir)
        except ValueError as exc:
            found = str(exc)
        if cache is not None:
            cache[value] = found
    if isinstance(found, str):
        raise ValueError(f"{where}: {found}" if found.startswith("rubric") else f"{where}: rubric: {found}")
    for name, text in found.to_dict().items():
        check_unicode(text, f"{where}: rubric", name)
    return found


def row_from_dict(d: Any, kind: str, default_rubric: Rubric, where: str, fallback_id: str,
                  rubric_cache: dict | None = None, line: int | None = None,
                  rubric_dir: str | Path | None = None) -> InputRow:
    """Validate one input object with the item schema (`judgesmith.items`); raises ValueError naming the field."""
    from judgesmith.items import validate_item

    try:
        item = validate_item(d, kind)
    except ValueError as exc:
        raise ValueError(f"{where}: {exc}") from None
    rubric = _rubric(item.rubric, default_rubric, where, rubric_cache, rubric_dir)
    return InputRow(item.to_record(rubric, fallback_id), item.gold_value, line)


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


def read_items(path: str | Path, kind: str, default_rubric: Rubric,
               rubric_dir: str | Path | None = None) -> tuple[list[InputRow], list[BadLine]]:
    """Read a JSONL file of items, collecting bad lines (bytes, JSON, fields, types, rubric files, duplicate ids).

    A rubric file named in an item is read only from `rubric_dir` (None: never)."""
    from judgesmith.items import MODELS, show

    if kind not in MODELS:
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
                                rubric_cache=cache, line=number, rubric_dir=rubric_dir)
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
    """Every verdict line of a file, in order; lines that are not verdicts (no id or kind) are skipped."""
    from judgesmith.judge.resume import is_verdict

    out = []
    for d in read_jsonl(path):
        if is_verdict(d):
            try:
                out.append(Verdict.from_dict(d))
            except (TypeError, ValueError):
                continue
    return out
