"""The output folder: append-only JSONL files keyed by id, so a killed run resumes without duplicates.

    instructions.jsonl  {id, instruction, origin}             step 1
    references.jsonl    {id, instruction_id, reference_answer} step 2 (score-5 answers)
    absolute.jsonl      kept graded responses, generic absolute schema (`judgesmith data build`)
    rejected.jsonl      every dropped row with its step and reason
    pairwise.jsonl      derived from absolute.jsonl at the end (rewritten, generic pairwise schema)
    manifest.json       config, teacher, prompt version, counts per step, tokens, runs

Every row carries `attempts` and the tokens it cost, so the counts and the token
total are read back from the files themselves, across any number of resumed runs.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any, Iterable

from judgesmith.jsonio import JsonlAppender, read_jsonl

FILES = ("instructions", "references", "absolute", "rejected")
STEPS = ("instructions", "reference", "response")


class Store:
    """Rows already written (by id, per file) plus appenders for new ones."""

    def __init__(self, out: str | Path):
        self.out = Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        self.rows: dict[str, dict[str, dict[str, Any]]] = {}
        for name in FILES:
            rows: dict[str, dict[str, Any]] = {}
            for rec in read_jsonl(self.path(name)):
                if isinstance(rec, dict) and "id" in rec:
                    rows.setdefault(str(rec["id"]), rec)
            self.rows[name] = rows
        self._appenders = {name: JsonlAppender(self.path(name)) for name in FILES}

    def path(self, name: str) -> Path:
        return self.out / f"{name}.jsonl"

    def has(self, name: str, rid: str) -> bool:
        return rid in self.rows[name]

    def done(self, rid: str) -> bool:
        """Finished either way: kept (in absolute.jsonl) or dropped (in rejected.jsonl)."""
        return rid in self.rows["absolute"] or rid in self.rows["rejected"]

    def add(self, name: str, rec: dict[str, Any]) -> None:
        """Append one row unless its id is already there (a resumed run never writes a row twice)."""
        rid = str(rec["id"])
        if rid in self.rows[name]:
            return
        self.rows[name][rid] = rec
        self._appenders[name].write([rec])

    def close(self) -> None:
        for app in self._appenders.values():
            app.close()

    def tokens(self) -> tuple[int, int]:
        """Tokens in/out recorded across every file (all runs so far)."""
        recs = [r for name in FILES for r in self.rows[name].values()]
        return sum(int(r.get("tokens_in", 0)) for r in recs), sum(int(r.get("tokens_out", 0)) for r in recs)

    def counts(self) -> dict[str, dict[str, Any]]:
        """Per step: kept, dropped (with reasons), retried (rows needing >1 attempt) and total retries."""
        kept = {"instructions": self.rows["instructions"].values(), "reference": self.rows["references"].values(),
                "response": self.rows["absolute"].values()}
        out = {}
        for step in STEPS:
            dropped = [r for r in self.rows["rejected"].values() if r.get("step") == step]
            rows = [*kept[step], *dropped]
            out[step] = {"kept": len(kept[step]),
                         "dropped": len(dropped),
                         "retried": sum(1 for r in rows if int(r.get("attempts", 1)) > 1),
                         "retries": sum(max(int(r.get("attempts", 1)) - 1, 0) for r in rows),
                         "dropped_reasons": dict(Counter(str(r.get("reason")) for r in dropped).most_common())}
        return out


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> int:
    """Rewrite a derived file atomically (write a temp file, then rename)."""
    tmp = path.with_suffix(path.suffix + ".tmp")
    n = 0
    with open(tmp, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
            n += 1
    os.replace(tmp, path)
    return n


def write_json(path: Path, data: Any) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    os.replace(tmp, path)
