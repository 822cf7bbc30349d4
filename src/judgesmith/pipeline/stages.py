"""Stage runner: run stages in order, each cached by a hash of its inputs.

A stage's key hashes its recipe section, the keys of the stages it reads from
and the version of the code it runs (the source of the modules it names). A
finished stage writes `DIR/<stage>/.stage.json` with its key; a rerun with the
same key is skipped. A stage killed midway leaves `.running.json` with its key:
rerunning with the same key keeps the folder (the stage resumes from what it
wrote, e.g. training checkpoints); a different key moves the interrupted folder aside
(`<stage>.stale-<key>`) and starts afresh, so no hour of training is deleted by a rerun.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Sequence

log = logging.getLogger(__name__)

DONE, RUNNING = ".stage.json", ".running.json"


@dataclass(frozen=True)
class Stage:
    """One step of the pipeline: `run(stage_dir, context)` writes its outputs into `stage_dir` and may return
    a summary for the caller to show (`run_stages` hands it to `echo`; library code never prints)."""

    name: str
    run: Callable[[Path, "Context"], str | None]
    config: Any = None
    upstream: tuple[str, ...] = ()
    modules: tuple[str, ...] = ()


@dataclass
class Context:
    """What stages share: the build folder and each finished stage's folder."""

    out: Path
    dirs: dict[str, Path] = field(default_factory=dict)


def code_version(modules: Sequence[str]) -> str:
    """Hash of the named modules' source files (a package counts all its .py files)."""
    digest = hashlib.sha256()
    for name in sorted(modules):
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            digest.update(f"missing:{name}".encode())
            continue
        origin = Path(spec.origin)
        files = sorted(origin.parent.rglob("*.py")) if origin.name == "__init__.py" else [origin]
        for path in files:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def stage_key(stage: Stage, upstream_keys: dict[str, str]) -> str:
    payload = json.dumps({
        "config": stage.config,
        "upstream": {name: upstream_keys[name] for name in stage.upstream},
        "code": code_version(stage.modules),
    }, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def _read_key(path: Path) -> str | None:
    try:
        return json.loads(path.read_text())["key"]
    except (OSError, ValueError, KeyError):
        return None


def _line(index: int, total: int, name: str, status: str, seconds: float | None = None) -> str:
    took = f" ({seconds:.1f} s)" if seconds is not None else ""
    return f"[{index}/{total}] {name:<14} {status}{took}"


KEEP_SECONDS = 300.0  # a finished stage that took longer than this is moved aside, not deleted, on a key change


def _done_seconds(sdir: Path) -> float:
    try:
        return float(json.loads((sdir / DONE).read_text()).get("seconds", 0.0))
    except (OSError, ValueError, AttributeError):
        return 0.0


def _clear(sdir: Path, echo: Callable[[str], None]) -> None:
    """Make room for a stage whose key changed. An interrupted run of another key (hours of training,
    say, before a code update changed the key), or a finished one that took over `KEEP_SECONDS`, is
    moved aside, not deleted: `<stage>.stale-<key>`. Cheap finished stages are deleted."""
    old = _read_key(sdir / RUNNING)
    finished = old is None and _read_key(sdir / DONE) is not None and _done_seconds(sdir) > KEEP_SECONDS
    if finished:
        old = _read_key(sdir / DONE)
    if old is None:
        shutil.rmtree(sdir)
        return
    keep = sdir.with_name(f"{sdir.name}.stale-{old}")
    shutil.rmtree(keep, ignore_errors=True)
    sdir.rename(keep)
    what = "a finished run" if finished else "an interrupted run"
    echo(f"{sdir.name}: {what} with other inputs or code was moved to {keep} (its outputs are there; move it "
         "back to use it with the code and recipe that made it)")


def stage_times(out: Path, names: Sequence[str]) -> list[dict[str, Any]]:
    """Each finished stage's seconds as its `.stage.json` recorded them (for the report). A cached stage
    keeps the time of the run that made it; a resumed one (`resumed`) counts only its last invocation, and
    a resumed training stage adds `all_invocations_seconds` from its `metrics.jsonl` (what the whole run cost)."""
    from judgesmith.bench.train_log import invocation_seconds, read_log

    rows = []
    for name in names:
        try:
            done = json.loads((Path(out) / name / DONE).read_text())
        except (OSError, ValueError):
            continue
        row = {"stage": name, "seconds": float(done.get("seconds", 0.0)), "resumed": bool(done.get("resumed", False))}
        log = Path(out) / name / "metrics.jsonl"
        if row["resumed"] and log.is_file():
            spans = invocation_seconds(read_log(log))
            if len(spans) > 1:
                row["all_invocations_seconds"] = sum(spans)
                row["invocations"] = len(spans)
        rows.append(row)
    return rows


def plan_status(stages: Sequence[Stage], out: Path) -> list[tuple[str, str]]:
    """What a run would do with each stage, without running any (`build --dry-run`): before hours
    of a resumed run are spent, the user sees which stages are reused and which start afresh."""
    keys: dict[str, str] = {}
    rows = []
    for stage in stages:
        key = keys[stage.name] = stage_key(stage, {u: keys[u] for u in stage.upstream if u in keys})
        sdir = Path(out) / stage.name
        if _read_key(sdir / DONE) == key:
            status = "cached"
        elif _read_key(sdir / RUNNING) == key:
            status = "resumes (an interrupted run with these inputs is kept)"
        elif sdir.exists():
            status = "runs afresh (inputs or code changed; the old folder is replaced or moved aside)"
        else:
            status = "runs"
        rows.append((stage.name, status))
    return rows


def run_stages(stages: Sequence[Stage], out: Path, echo: Callable[[str], None] | None = None,
               force: Sequence[str] = (), until: str | None = None) -> dict[str, str]:
    """Run or skip each stage, stopping after `until` if given; returns stage -> status ("cached" or "done")."""
    if until is not None and until not in {s.name for s in stages}:
        raise ValueError(f"--until {until!r}: no such stage; stages are {[s.name for s in stages]}")
    echo = echo or (lambda s: print(s, file=sys.stderr, flush=True))
    out.mkdir(parents=True, exist_ok=True)
    ctx, keys, statuses = Context(out), {}, {}
    start = time.perf_counter()
    for i, stage in enumerate(stages, start=1):
        missing = [u for u in stage.upstream if u not in keys]
        if missing:
            raise ValueError(f"stage {stage.name!r} reads {missing}, which do not run before it")
        key = keys[stage.name] = stage_key(stage, keys)
        sdir = ctx.dirs[stage.name] = out / stage.name
        if _read_key(sdir / DONE) == key and stage.name not in force:
            statuses[stage.name] = "cached"
            echo(_line(i, len(stages), stage.name, "cached"))
            if stage.name == until:
                break
            continue
        resumed = sdir.exists() and _read_key(sdir / RUNNING) == key
        if sdir.exists() and not resumed:
            _clear(sdir, echo)
        sdir.mkdir(parents=True, exist_ok=True)
        (sdir / DONE).unlink(missing_ok=True)
        (sdir / RUNNING).write_text(json.dumps({"key": key}))
        echo(_line(i, len(stages), stage.name, "running"))
        t0 = time.perf_counter()
        summary = stage.run(sdir, ctx)
        if summary:
            echo(summary)
        (sdir / DONE).write_text(json.dumps({"key": key, "seconds": time.perf_counter() - t0, "resumed": resumed}))
        (sdir / RUNNING).unlink(missing_ok=True)
        statuses[stage.name] = "done"
        echo(_line(i, len(stages), stage.name, "done", time.perf_counter() - t0))
        if stage.name == until:
            echo(f"stopped after {until} (--until); rerun without it to go on")
            break
    echo(f"total {time.perf_counter() - start:.1f} s; outputs in {out}")
    return statuses
