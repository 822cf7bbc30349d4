"""JSONL in and out for batch judging: lenient reading, resumable appending.

Input schema (one JSON object per line):
- absolute: `{"id", "instruction", "response", "rubric"?, "reference_answer"?, "context"?, "gold_score"?}`
- pairwise: `{"id", "instruction", "response_a", "response_b", "rubric"?, "reference_answer"?, "context"?,
  "gold"?}` (`gold` is "A", "B" or "tie")
`rubric` is a preset name, a rubric file path, a rendered `[criteria]\\nScore 1: ...` string or a
`{criteria, score1_description..score5_description}` object; missing means the run's default rubric.
A bad line never stops a run: it is reported with its line number and skipped.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable, Iterator

from judgesmith.records import AbsoluteItem, PairwiseItem, Rubric, Verdict
from judgesmith.rubrics import resolve_rubric

REQUIRED = {
    "absolute": ("instruction", "response"),
    "pairwise": ("instruction", "response_a", "response_b"),
}


@dataclass(frozen=True)
class BadLine:
    line: int
    reason: str


@dataclass(frozen=True)
class InputRow:
    """A parsed input line: the item and, when the file carries it, its gold label."""

    item: AbsoluteItem | PairwiseItem
    gold: Any = None


def _text(d: dict, key: str, where: str, required: bool) -> str | None:
    value = d.get(key)
    if value is None:
        if required:
            raise ValueError(f"{where}: missing field {key!r}")
        return None
    if not isinstance(value, str):
        raise ValueError(f"{where}: {key!r} must be a string, got {type(value).__name__}")
    if required and not value.strip():
        raise ValueError(f"{where}: {key!r} is empty")
    return value


def row_from_dict(d: Any, kind: str, default_rubric: Rubric, where: str, fallback_id: str) -> InputRow:
    """Validate one input object into an item; raises ValueError naming the field to fix."""
    if not isinstance(d, dict):
        raise ValueError(f"{where}: expected a JSON object, got {type(d).__name__}")
    item_id = d.get("id", fallback_id)
    if not isinstance(item_id, (str, int)):
        raise ValueError(f"{where}: 'id' must be a string or integer")
    fields = {key: _text(d, key, where, True) for key in REQUIRED[kind]}
    optional = {key: _text(d, key, where, False) for key in ("reference_answer", "context")}
    rubric = resolve_rubric(d["rubric"], where=f"{where}: rubric") if d.get("rubric") else default_rubric
    if kind == "absolute":
        gold = d.get("gold_score")
        if gold is not None and (not isinstance(gold, (int, float)) or not 1 <= gold <= 5):
            raise ValueError(f"{where}: 'gold_score' must be a number 1-5, got {gold!r}")
        return InputRow(AbsoluteItem(id=str(item_id), rubric=rubric, **fields, **optional), gold)
    gold = d.get("gold")
    if gold is not None and gold not in ("A", "B", "tie"):
        raise ValueError(f"{where}: 'gold' must be 'A', 'B' or 'tie', got {gold!r}")
    return InputRow(PairwiseItem(id=str(item_id), rubric=rubric, **fields, **optional), gold)


def read_items(path: str | Path, kind: str, default_rubric: Rubric) -> tuple[list[InputRow], list[BadLine]]:
    """Read a JSONL file of items, collecting bad lines (bad JSON, missing fields, wrong types, duplicate ids)."""
    if kind not in REQUIRED:
        raise ValueError(f"kind must be 'absolute' or 'pairwise', got {kind!r}")
    rows: list[InputRow] = []
    bad: list[BadLine] = []
    seen: set[str] = set()
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            where = f"line {number}"
            try:
                row = row_from_dict(json.loads(line), kind, default_rubric, where, fallback_id=str(number))
            except json.JSONDecodeError as exc:
                bad.append(BadLine(number, f"{where}: not valid JSON ({exc.msg})"))
                continue
            except ValueError as exc:
                bad.append(BadLine(number, str(exc)))
                continue
            if row.item.id in seen:
                bad.append(BadLine(number, f"{where}: duplicate id {row.item.id!r}"))
                continue
            seen.add(row.item.id)
            rows.append(row)
    return rows, bad


def read_jsonl(path: str | Path) -> Iterator[dict]:
    """Objects of a JSONL file, tolerating a truncated last line (what a killed writer leaves)."""
    path = Path(path)
    if not path.exists():
        return
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                continue


def done_ids(path: str | Path) -> set[str]:
    """Ids already judged in an output file (for resuming)."""
    return {str(d["id"]) for d in read_jsonl(path) if isinstance(d, dict) and "id" in d}


class JsonlAppender:
    """Append records and flush+fsync after each batch, so a kill loses at most the batch in flight."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._repair_tail()
        self._fh = open(self.path, "a", encoding="utf-8")

    def _repair_tail(self) -> None:
        """Drop a half-written last line left by a killed run."""
        if not self.path.exists() or self.path.stat().st_size == 0:
            return
        data = self.path.read_bytes()
        if data.endswith(b"\n"):
            return
        cut = data.rfind(b"\n") + 1
        self.path.write_bytes(data[:cut])

    def write(self, records: Iterable[dict]) -> None:
        for rec in records:
            self._fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        self._fh.close()

    def __enter__(self) -> "JsonlAppender":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def read_verdicts(path: str | Path) -> list[Verdict]:
    return [Verdict.from_dict(d) for d in read_jsonl(path)]
