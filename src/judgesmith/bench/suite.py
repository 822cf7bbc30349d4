"""Benchmark suites: YAML files (`recipes/suites/NAME.yaml`) validated by pydantic.

A suite lists benchmarks with an optional per-benchmark `limit` (a seeded random
sample, so a CPU run finishes in reasonable time), `path` (for files outside
the bundled data) and `gold_ties: false` (pairwise: drop gold ties before sampling,
so `limit` counts decisive pairs), plus an optional `consistency` section whose `limit` counts
questions, not items.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, field_validator

from judgesmith.bench.benchmark import Benchmark
from judgesmith.config import Strict, load_yaml_model


class SuiteEntry(Strict):
    """One benchmark of a suite; `id` tells two entries of the same adapter apart (default: its name)."""

    benchmark: str
    id: str | None = None
    limit: int | None = Field(default=None, ge=1)
    path: str | None = None
    gold_ties: bool = True
    options: dict[str, Any] = Field(default_factory=dict)

    @property
    def key(self) -> str:
        return self.id or self.benchmark

    def resolve(self) -> Benchmark:
        from judgesmith.bench.adapters import get_benchmark

        return get_benchmark(self.benchmark)


class Suite(Strict):
    name: str
    description: str = ""
    seed: int = 0
    benchmarks: list[SuiteEntry]
    consistency: list[SuiteEntry] = Field(default_factory=list)

    @field_validator("benchmarks")
    @classmethod
    def _unique(cls, entries: list[SuiteEntry]) -> list[SuiteEntry]:
        keys = [e.key for e in entries]
        dupes = sorted({k for k in keys if keys.count(k) > 1})
        if dupes:
            raise ValueError(f"benchmark entries {dupes} appear twice; give them distinct `id:` values")
        return entries


def suite_dirs() -> list[Path]:
    """Where named suites are looked up: ./recipes/suites, then the source checkout's recipes/suites."""
    here = Path(__file__).resolve()
    return [Path.cwd() / "recipes" / "suites", here.parents[3] / "recipes" / "suites"]


def load_suite(name_or_file: str | Path) -> Suite:
    """A suite from a YAML file path or a name in `recipes/suites/` (errors name the bad field)."""
    path = Path(name_or_file).expanduser()
    if not path.is_file():
        candidates = [d / f"{name_or_file}.yaml" for d in suite_dirs()]
        path = next((c for c in candidates if c.is_file()), None)
        if path is None:
            known = sorted({p.stem for d in suite_dirs() if d.is_dir() for p in d.glob("*.yaml")})
            raise FileNotFoundError(f"suite {name_or_file!r} not found; give a YAML file or one of {known}")
    suite = load_yaml_model(path, Suite, "suite", defaults={"name": path.stem})
    for entry in [*suite.benchmarks, *suite.consistency]:
        entry.resolve()  # unknown benchmark names fail here, before any model loads
    return suite
