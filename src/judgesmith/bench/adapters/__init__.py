"""Benchmark adapters: every module here defines one `BENCHMARK`; adding a file adds a benchmark."""

from __future__ import annotations

import importlib
import pkgutil

from judgesmith.bench.benchmark import Benchmark


def _discover() -> dict[str, Benchmark]:
    found: dict[str, Benchmark] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        bench = getattr(module, "BENCHMARK", None)
        if isinstance(bench, Benchmark):
            found[bench.name] = bench
    return found


BENCHMARKS: dict[str, Benchmark] = _discover()


def get_benchmark(name: str) -> Benchmark:
    if name not in BENCHMARKS:
        raise ValueError(f"unknown benchmark {name!r}; known: {', '.join(sorted(BENCHMARKS))}")
    return BENCHMARKS[name]
