"""Benchmark suites: YAML files validated by pydantic; the named ones ship in the package.

`--suite NAME` reads `./recipes/suites/NAME.yaml` when you keep your own suites there, otherwise
the suite shipped as package data (`judgesmith/suites/NAME.yaml`), so names work from any folder
and from an installed package; `--suite FILE.yaml` reads that file.

A suite lists benchmarks with an optional per-benchmark `limit` (a seeded random
sample, so a CPU run finishes in reasonable time), `path` (for files outside
the bundled data), `gold_ties: false` (pairwise: drop gold ties before sampling,
so `limit` counts decisive pairs), `balanced: true` (binary sets: half supported, half not),
`binary: true` (your own absolute file whose gold says supported, 5, or not, 1)
loader `options` (e.g. `max_context_words`, a context budget) and `prompt_language` (`ja`, or `item`:
the judge instructions in the items' language where translated; English by default: give such an
entry its own `id`, so its verdicts are stored apart from the English-prompt ones), plus an optional
`consistency` section whose `limit` counts questions, not items.
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
    balanced: bool = False
    binary: bool | None = None  # your own absolute file with supported/not labels (5 / 1): read it as binary
    options: dict[str, Any] = Field(default_factory=dict)
    prompt_language: str = "en"  # the judge instructions' language (`judgesmith.prompt_languages`)

    @field_validator("prompt_language")
    @classmethod
    def _prompt_language(cls, value: str) -> str:
        from judgesmith.prompt_languages import PROMPT_LANGUAGES

        if value not in PROMPT_LANGUAGES:
            raise ValueError(f"prompt_language must be one of {PROMPT_LANGUAGES}, got {value!r}")
        return value

    @property
    def key(self) -> str:
        return self.id or self.benchmark

    def resolve(self) -> Benchmark:
        from dataclasses import replace

        from judgesmith.bench.adapters import get_benchmark

        bench = get_benchmark(self.benchmark)
        if self.binary is not None:
            if self.binary and bench.kind != "absolute":
                raise ValueError(f"benchmark {self.key!r}: `binary: true` reads absolute 1-5 golds as supported "
                                 f"(>= 4) or not; {self.benchmark} is {bench.kind}")
            bench = replace(bench, binary=self.binary)
        return bench


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
    """Where named suites are looked up: ./recipes/suites (your own), then the suites shipped in the package."""
    from importlib.resources import files

    return [Path.cwd() / "recipes" / "suites", Path(str(files("judgesmith") / "suites"))]


def find_suite(name_or_file: str | Path) -> Path:
    """The YAML file of a suite: an existing file, else a name (`recipes/suites/NAME.yaml`, the old
    checkout location, resolves as NAME, so paths written before suites moved into the package still work)."""
    path = Path(name_or_file).expanduser()
    if path.is_file():
        return path
    legacy = path.suffix in (".yaml", ".yml") and path.parent.parts[-2:] == ("recipes", "suites")
    name = path.stem if legacy else str(name_or_file)
    found = next((c for c in (d / f"{name}.yaml" for d in suite_dirs()) if c.is_file()), None)
    if found is None:
        known = sorted({p.stem for d in suite_dirs() if d.is_dir() for p in d.glob("*.yaml")})
        raise FileNotFoundError(f"suite {name_or_file!r} not found; give a YAML file or one of {known}")
    return found


def load_suite(name_or_file: str | Path) -> Suite:
    """A suite from a YAML file path or a suite name (errors name the bad field)."""
    path = find_suite(name_or_file)
    suite = load_yaml_model(path, Suite, "suite", defaults={"name": path.stem})
    for entry in [*suite.benchmarks, *suite.consistency]:
        entry.resolve()  # unknown benchmark names fail here, before any model loads
    return suite
