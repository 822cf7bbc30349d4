"""Resumable verdict files: one JSONL per (model, benchmark), appended and flushed per batch.

A crash or Ctrl-C loses at most the batch in flight; a rerun reads what is there
and judges only the missing ids. A torn last line (killed mid-write) is ignored.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path
from typing import Iterable

from judgesmith.records import Verdict

log = logging.getLogger(__name__)


def safe_name(text: str) -> str:
    """A file-name-safe version of a model label or benchmark key."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in text) or "_"


class VerdictStore:
    """`DIR/<model>/<benchmark>.jsonl`, one `Verdict.to_dict()` per line."""

    def __init__(self, root: str | Path):
        self.root = Path(root)

    def path(self, model: str, bench: str) -> Path:
        return self.root / safe_name(model) / f"{safe_name(bench)}.jsonl"

    def load(self, model: str, bench: str) -> dict[str, Verdict]:
        path = self.path(model, bench)
        out: dict[str, Verdict] = {}
        if not path.exists():
            return out
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                v = Verdict.from_dict(json.loads(line))
            except (json.JSONDecodeError, TypeError) as exc:
                log.warning("%s line %d unreadable (%s); it will be judged again", path, n, exc)
                continue
            out[v.id] = v
        return out

    def append(self, model: str, bench: str, verdicts: Iterable[Verdict]) -> None:
        path = self.path(model, bench)
        path.parent.mkdir(parents=True, exist_ok=True)
        torn = False
        if path.exists() and path.stat().st_size > 0:
            with path.open("rb") as fh:
                fh.seek(-1, os.SEEK_END)
                torn = fh.read(1) != b"\n"
        with path.open("a", encoding="utf-8") as fh:
            if torn:
                fh.write("\n")
            for v in verdicts:
                fh.write(json.dumps(v.to_dict(), ensure_ascii=False) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
