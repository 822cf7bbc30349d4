"""The benchmark registry: the dataset catalogue's rows that `may_bench`, as `Benchmark`s.

A new benchmark is a new row in `judgesmith.data.catalogue`; old names (`llmbar_mtbench`)
find their row through its aliases.
"""

from __future__ import annotations

from judgesmith.bench.benchmark import Benchmark
from judgesmith.data.catalogue import CATALOGUE, Dataset, lookup


def as_benchmark(row: Dataset) -> Benchmark:
    """A catalogue row as a `Benchmark` (its rubric preset and options become loader defaults)."""
    if row.kind not in ("absolute", "pairwise"):
        raise ValueError(f"dataset {row.name!r} holds {row.kind} items; a benchmark is absolute or pairwise")
    return Benchmark(name=row.name, title=row.title, kind=row.kind, source=row.loader, default_path=row.path,
                     options=row.load_options(), gold=row.gold, reported=row.reported,
                     binary=row.binary)


BENCHMARKS: dict[str, Benchmark] = {row.name: as_benchmark(row) for row in sorted(CATALOGUE, key=lambda r: r.name)
                                    if row.may_bench}


def get_benchmark(name: str) -> Benchmark:
    """The benchmark of a catalogue name or old alias."""
    row = lookup(name)
    if row is None or row.name not in BENCHMARKS:
        raise ValueError(f"unknown benchmark {name!r}; known: {', '.join(sorted(BENCHMARKS))}")
    return BENCHMARKS[row.name]
