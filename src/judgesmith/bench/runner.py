"""Run a suite: every benchmark with every model, verdicts persisted as they come, then a report.

Models load one at a time and are freed before the next; a (model, benchmark)
whose verdict file already covers every item is skipped, so a rerun after a crash
or Ctrl-C resumes where it stopped. A benchmark whose file is missing is reported
as skipped instead of failing the suite.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Sequence

from judgesmith.bench.benchmark import Benchmark
from judgesmith.bench.cache import VerdictCache, fill_store
from judgesmith.bench.models import BackendFactory, ModelSpec, release
from judgesmith.bench.protocol import Protocol
from judgesmith.bench.store import VerdictStore
from judgesmith.judge.backends import engine_label

log = logging.getLogger(__name__)


@dataclass
class BenchTask:
    """A benchmark ready to judge: its sampled examples, or the reason it cannot run."""

    key: str
    bench: Benchmark
    examples: list = field(default_factory=list)
    skipped_rows: int = 0
    error: str | None = None
    gold_ties: bool = True
    prompt_language: str = "en"


def prepare_tasks(entries: Sequence[Any], seed: int = 0, limit: int | None = None) -> list[BenchTask]:
    """Load each suite entry (`SuiteEntry` or `(key, Benchmark, limit, path)`); `limit` caps every entry."""
    tasks = []
    for entry in entries:
        gold_ties, balanced = True, False
        if isinstance(entry, tuple):
            key, bench, own_limit, path, options = (*entry, None, None, None)[:5]
        else:
            key, bench, own_limit, path, options = entry.key, entry.resolve(), entry.limit, entry.path, entry.options
            gold_ties, balanced = entry.gold_ties, entry.balanced
        cap = min(x for x in (own_limit, limit) if x is not None) if (own_limit or limit) else None
        try:
            examples, skipped = bench.examples(path, limit=cap, seed=seed, gold_ties=gold_ties, balanced=balanced,
                                               **(options or {}))
            tasks.append(BenchTask(key, bench, examples, skipped, gold_ties=gold_ties,
                                   prompt_language=getattr(entry, "prompt_language", "en")))
        except (FileNotFoundError, ValueError) as exc:
            log.warning("benchmark %s skipped: %s", key, exc)
            tasks.append(BenchTask(key, bench, error=str(exc), gold_ties=gold_ties))
    return tasks


def _check_manifest(out: Path, meta: dict[str, Any]) -> None:
    """Refuse to mix verdicts from another protocol/mode or another model under the same label."""
    path = out / "run.json"
    if path.exists():
        old = json.loads(path.read_text(encoding="utf-8"))
        for key in ("protocol", "mode", "max_new_tokens"):
            if old.get(key) != meta.get(key):
                raise ValueError(f"{out} holds verdicts made with {key}={old.get(key)!r}, not {meta.get(key)!r}; "
                                 "use another --out")
        for label, name in meta["models"].items():
            if old.get("models", {}).get(label, name) != name:
                raise ValueError(f"{out}: label {label!r} was model {old['models'][label]!r}; choose another label")
        meta = {**old, **meta, "models": {**old.get("models", {}), **meta["models"]}}
    path.write_text(json.dumps(meta, indent=2), encoding="utf-8")


def check_run(out: Path, suite_name: str, protocol: Protocol, models: Sequence[ModelSpec]) -> None:
    """`run.json` guard shared by bench and consistency (they may share an --out and its verdict store)."""
    _check_manifest(out, {"suite": suite_name, "protocol": protocol.name, "mode": protocol.mode,
                          "max_new_tokens": protocol.max_new_tokens, "models": {m.label: m.name for m in models},
                          "updated": datetime.now(timezone.utc).isoformat(timespec="seconds")})


def judge_missing(backend: Any, items: Sequence[Any], kind: str, config: Any, store: VerdictStore,
                  label: str, key: str, on_batch: Callable[[list], Any] | None = None) -> int:
    """Judge the items without a stored verdict under `store[label][key]`; returns how many were judged.
    `on_batch` sees each batch of new verdicts once it is stored (the verdict cache keeps them)."""
    from tqdm.auto import tqdm

    from judgesmith.judge.engine import Judge

    done = store.load(label, key)
    todo = [it for it in items if it.id not in done]
    if not todo:
        return 0
    judge = Judge(backend, config)
    batches = judge.iter_absolute(todo) if kind == "absolute" else judge.iter_pairwise(todo)
    with tqdm(total=len(items), initial=len(items) - len(todo), desc=f"{label} / {key}", unit="item") as bar:
        for verdicts in batches:
            store.append(label, key, verdicts)
            if on_batch is not None:
                on_batch(verdicts)
            bar.update(len(verdicts))
    return len(todo)


def task_config(task: BenchTask, protocol: Protocol) -> Any:
    """The `JudgeConfig` a task is judged under (the protocol's, in the task's prompt language)."""
    from dataclasses import replace

    return replace(protocol.judge_config(task.bench.kind), prompt_language=task.prompt_language)


def judge_task(backend: Any, task: BenchTask, model: ModelSpec, store: VerdictStore, protocol: Protocol,
               cache: VerdictCache | None = None) -> int:
    """Judge the items of a benchmark task that have no verdict yet (new verdicts also go to `cache`)."""
    items = [ex.item for ex in task.examples]
    config = task_config(task, protocol)
    fingerprint = cache.fingerprint(model.name) if cache is not None else None
    keep = (lambda vs: cache.add(fingerprint, config, items, vs)) if fingerprint else None
    return judge_missing(backend, items, task.bench.kind, config, store, model.label, task.key, on_batch=keep)


def pending(tasks: Sequence[BenchTask], model: ModelSpec, store: VerdictStore) -> list[BenchTask]:
    out = []
    for t in tasks:
        if t.error is None:
            done = store.load(model.label, t.key)
            if any(ex.item.id not in done for ex in t.examples):
                out.append(t)
    return out


THROUGHPUT = "throughput.jsonl"


def record_throughput(out: Path, model: str, task: BenchTask, backend: str, protocol: Protocol, judgments: int,
                      seconds: float) -> None:
    """Append one timing record; resumed runs add theirs, so the summary covers every judged item."""
    passes = 2 if protocol.judge_config(task.bench.kind).swap else 1
    rec = {"model": model, "benchmark": task.key, "backend": backend, "judgments": judgments,
           "prompts": judgments * passes, "seconds": round(seconds, 3)}
    with (out / THROUGHPUT).open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(rec) + "\n")


def load_throughput(out: Path) -> list[dict[str, Any]]:
    path = out / THROUGHPUT
    if not path.exists():
        return []
    recs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            recs.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a torn last line
    return recs


def run_bench(models: Sequence[ModelSpec], tasks: Sequence[BenchTask], out_dir: str | Path, protocol: Protocol,
              make_backend: BackendFactory, suite_name: str = "custom", n_resamples: int = 1000,
              seed: int = 0, html: bool = True, baseline: str | None = "base",
              cache: VerdictCache | None = None) -> dict[str, Any]:
    """Judge, then write `results.json`, `results.md` and (with matplotlib) `report.html` in `out_dir`.

    `baseline` is the model label that paired differences are taken against (skipped when absent).
    With a `cache` (bench/cache.py), items a model already judged elsewhere are copied, not judged.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    check_run(out, suite_name, protocol, models)
    store = VerdictStore(out / "verdicts")
    for model in models:
        if cache is not None:
            fill_store(cache, model, tasks, store, lambda task: task_config(task, protocol))
        todo = pending(tasks, model, store)
        if not todo:
            log.info("%s: every benchmark already judged; skipping the model load", model.label)
            continue
        backend = make_backend(model)
        engine = engine_label(backend, protocol.mode)
        try:
            for task in todo:
                start = time.perf_counter()
                n = judge_task(backend, task, model, store, protocol, cache)
                seconds = time.perf_counter() - start
                record_throughput(out, model.label, task, engine, protocol, n, seconds)
                log.info("%s / %s: judged %d items in %.1f s with %s", model.label, task.key, n, seconds, engine)
        finally:
            release(backend)
            del backend
    return write_outputs(out, models, tasks, protocol, suite_name, n_resamples, seed, html, baseline)


def write_outputs(out: Path, models: Sequence[ModelSpec], tasks: Sequence[BenchTask], protocol: Protocol,
                  suite_name: str, n_resamples: int = 1000, seed: int = 0, html: bool = True,
                  baseline: str | None = "base") -> dict[str, Any]:
    from judgesmith.bench.report_md import write_markdown
    from judgesmith.bench.results import compute_results

    store = VerdictStore(out / "verdicts")
    results = compute_results(models, tasks, store, protocol, suite_name, n_resamples=n_resamples, seed=seed,
                              baseline=baseline, throughput=load_throughput(out))
    (out / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")
    write_markdown(out)
    if html:
        from judgesmith.bench.report_html import write_html

        write_html(out)
    return results
