"""`manifest.json` of a synthesis folder: what was asked of which teacher, and what came out.

A resumed run must ask the same teacher the same thing; `check_compatible` refuses
to mix rows made with another prompt version, teacher model or rubric in one folder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from judgesmith.data.synthesize.pairs import pair_rows
from judgesmith.data.synthesize.prompts import PROMPT_VERSION
from judgesmith.data.synthesize.store import Store, write_json, write_jsonl

MANIFEST = "manifest.json"
READ_WITH = {
    "absolute": {"loader": "generic", "path": "absolute.jsonl", "options": {"kind": "absolute"}},
    "pairwise": {"loader": "generic", "path": "pairwise.jsonl", "options": {"kind": "pairwise"}},
}


def _identity(spec: Any, teacher: Any) -> dict[str, Any]:
    return {"prompt_version": PROMPT_VERSION, "teacher": {"model": teacher.model, "base_url": teacher.base_url},
            "rubric": spec.rubric.to_dict(), "seed": spec.seed, "scores": list(spec.scores)}


def read_manifest(out: Path) -> dict[str, Any] | None:
    path = Path(out) / MANIFEST
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def check_compatible(out: Path, spec: Any, teacher: Any) -> None:
    """Raise ValueError when `out` holds rows made with another prompt version, teacher model, rubric or seed."""
    old = read_manifest(out)
    if old is None:
        return
    new = _identity(spec, teacher)
    for key in ("prompt_version", "rubric", "seed", "scores"):
        if old.get(key) != new[key]:
            raise ValueError(f"{out} holds rows made with a different {key} ({old.get(key)!r}); "
                             "use another --out or delete that folder")
    if old.get("teacher", {}).get("model") != teacher.model:
        raise ValueError(f"{out} holds rows from teacher {old['teacher'].get('model')!r}, not {teacher.model!r}; "
                         "use another --out")


def format_synthesis(manifest: dict[str, Any]) -> str:
    """Kept / retried / dropped per step, then rows and tokens: the summary the CLI and the build print."""
    lines = [f"{'step':<14}{'kept':>6}{'retried':>9}{'dropped':>9}  drop reasons"]
    for step, c in manifest["counts"].items():
        reasons = "; ".join(f"{r} x{n}" for r, n in c["dropped_reasons"].items())
        lines.append(f"{step:<14}{c['kept']:>6}{c['retried']:>9}{c['dropped']:>9}  {reasons}")
    rows, tok = manifest["rows"], manifest["tokens"]
    lines.append(f"rows: {rows['absolute']} absolute, {rows['pairwise']} pairwise; tokens in {tok['in']} out "
                 f"{tok['out']}; {'complete' if manifest['complete'] else 'INCOMPLETE (rerun to resume)'}"
                 f"{'; stopped: ' + manifest['stopped'] if manifest['stopped'] else ''}")
    return "\n".join(lines)


def _progress(store: Store, scores: tuple[int, ...]) -> tuple[int, int]:
    """(instructions finished, instructions with work left): a dropped reference finishes one too."""
    done = 0
    for iid in store.rows["instructions"]:
        ref = f"{iid}-ref"
        done += ref in store.rows["rejected"] or (
            ref in store.rows["references"] and all(store.done(f"{iid}-s{s}") for s in scores))
    return done, len(store.rows["instructions"]) - done


def finish(out: Path, spec: Any, teacher: Any, store: Store, run: dict[str, Any]) -> dict[str, Any]:
    """Derive pairwise.jsonl from the kept rows and (re)write the manifest with counts over all runs."""
    out = Path(out)
    kept = sorted(store.rows["absolute"].values(), key=lambda r: str(r["id"]))
    n_pairs = write_jsonl(out / "pairwise.jsonl", pair_rows(kept))
    old = read_manifest(out) or {}
    tokens_in, tokens_out = store.tokens()
    done, open_ = _progress(store, spec.scores)
    wanted = spec.n_instructions if spec.instructions is None else None
    complete = (run["stopped"] is None and run["failed_calls"] == 0 and open_ == 0
                and (wanted is None or len(store.rows["instructions"]) >= wanted))
    manifest = {
        **_identity(spec, teacher),
        "teacher": {"model": teacher.model, "base_url": teacher.base_url, "temperature": teacher.temperature,
                    "max_tokens": teacher.max_tokens, "concurrency": teacher.concurrency},
        "rubric_file": spec.rubric_file,
        "instructions_from": "file" if spec.instructions is not None else "generated",
        "n_instructions_requested": wanted,
        "max_attempts": spec.checks.max_attempts,
        "counts": store.counts(),
        "rows": {"instructions": len(store.rows["instructions"]), "absolute": len(kept), "pairwise": n_pairs,
                 "rejected": len(store.rows["rejected"])},
        "instructions_done": f"{done}/{done + open_}",
        "tokens": {"in": tokens_in, "out": tokens_out, "total": tokens_in + tokens_out,
                   "max_tokens_total": spec.max_tokens_total},
        "complete": complete,
        "stopped": run["stopped"],
        "read_with": READ_WITH,
        "runs": [*old.get("runs", []), run],
    }
    write_json(out / MANIFEST, manifest)
    return manifest
