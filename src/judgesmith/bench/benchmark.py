"""What a benchmark is: a named, labelled set of items loaded through a data source.

A benchmark is a row of the dataset catalogue (`judgesmith.data.catalogue`) with
`may_bench`: which loader reads it, where its file usually lives and what the
gold means; `bench.adapters` turns those rows into `Benchmark`s. Loading,
sampling and metrics are shared.
"""

from __future__ import annotations

import logging
import random
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Callable, Literal, Mapping

from judgesmith.data.schema import AbsoluteExample, LoadResult, PairwiseExample

log = logging.getLogger(__name__)

Loader = Callable[..., LoadResult]


@dataclass(frozen=True)
class Benchmark:
    """A benchmark: `kind` of judgment, the `source` loader and its usual `default_path`.

    `default_path` is relative to the judge-data root (`JUDGESMITH_DATA`); `None`
    means the user must pass a path (hub-only or user files). `loader` overrides
    the source registry (tests, custom code). `reported` names the key used in
    `judgesmith.bench.reported` for published numbers of reference judges.
    """

    name: str
    title: str
    kind: Literal["absolute", "pairwise"]
    source: str
    default_path: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    gold: str = ""
    reported: str | None = None
    loader: Loader | None = None
    binary: bool = False

    def resolve_path(self, path: str | Path | None = None) -> Path:
        """The file to read: an explicit path, else `default_path` under the data root."""
        from judgesmith.paths import data_file

        if path is not None:
            p = Path(path).expanduser()
            if not p.exists():
                raise FileNotFoundError(f"benchmark {self.name!r}: {p} not found")
            return p
        if self.default_path is None:
            raise FileNotFoundError(
                f"benchmark {self.name!r} has no file here ({self.gold or 'hub-only data'}); "
                "give its path with `path:` in the suite"
            )
        return data_file(self.default_path)

    def load(self, path: str | Path | None = None, **options: Any) -> LoadResult:
        """Run the loader on the benchmark file; options override the catalogue's defaults."""
        opts = {**self.options, **options}
        loader = self.loader or source_loader(self.source)
        file = self.resolve_path(path) if self.loader is None or path is not None else path
        result = loader(file, **opts)
        if result.skipped:
            log.warning("%s: %d rows skipped (first: %s)", self.name, len(result.skipped), result.skipped[0])
        return result

    def examples(self, path: str | Path | None = None, limit: int | None = None, seed: int = 0,
                 gold_ties: bool = True, balanced: bool = False, **options: Any) -> tuple[list, int]:
        """The examples of this benchmark's kind (a seeded sample of `limit`), plus the skipped count.

        `gold_ties=False` drops pairs whose gold is a tie before sampling, so `limit`
        counts decisive pairs (the ids stay those of the full file). `balanced=True` (binary
        benchmarks) samples `limit // 2` supported and as many unsupported items.
        """
        result = self.load(path, **options)
        pool = unique_ids(result.absolute if self.kind == "absolute" else result.pairwise)
        if not gold_ties and self.kind == "pairwise":
            pool = [ex for ex in pool if ex.gold != "tie"]
        if not pool:
            raise ValueError(f"benchmark {self.name!r}: the {self.source} loader gave no {self.kind} examples"
                             + ("" if gold_ties else " without gold ties"))
        if balanced:
            return balanced_sample(self.name, pool, limit, seed), len(result.skipped)
        return sample(pool, limit, seed), len(result.skipped)


def source_loader(source: str) -> Loader:
    """The `load(path, **options)` of a data source in `judgesmith.data.sources.SOURCES`."""
    try:
        from judgesmith.data.sources import SOURCES
    except ImportError as exc:  # pragma: no cover - until the data loaders are installed
        raise ValueError(f"data sources are not available ({exc}); cannot load {source!r}") from exc
    if source not in SOURCES:
        raise ValueError(f"unknown data source {source!r}; known: {sorted(SOURCES)}")
    entry = SOURCES[source]
    fn = getattr(entry, "load", None) or entry
    if not callable(fn):
        raise ValueError(f"data source {source!r} has no load() function")
    return fn


def sample(pool: list, limit: int | None, seed: int = 0) -> list:
    """A seeded random subset of `limit` examples, kept in file order (all when no limit)."""
    if limit is None or limit >= len(pool):
        return list(pool)
    if limit < 1:
        raise ValueError(f"limit must be >= 1, got {limit}")
    keep = sorted(random.Random(seed).sample(range(len(pool)), limit))
    return [pool[i] for i in keep]


def balanced_sample(name: str, pool: list, limit: int | None, seed: int = 0) -> list:
    """`limit // 2` supported and `limit // 2` unsupported examples (binary gold, `metrics.binary.supported`),
    each a seeded sample, kept in file order; without a limit, as many of each as the smaller class has."""
    from judgesmith.metrics.binary import supported

    if any(getattr(ex, "gold_score", None) is None for ex in pool):
        raise ValueError(f"benchmark {name!r}: balanced sampling needs a gold score on every absolute example")
    pos = [i for i, ex in enumerate(pool) if supported(ex.gold_score)]
    neg = [i for i, ex in enumerate(pool) if not supported(ex.gold_score)]
    half = min(len(pos), len(neg)) if limit is None else limit // 2
    if half > min(len(pos), len(neg)):
        raise ValueError(f"benchmark {name!r}: a balanced sample of {limit} needs {half} items of each class; "
                         f"the file has {len(pos)} supported and {len(neg)} not supported (lower the limit)")
    rng = random.Random(seed)
    keep = sorted(rng.sample(pos, half) + rng.sample(neg, half))
    return [pool[i] for i in keep]


def unique_ids(pool: list) -> list:
    """Make item ids unique (verdict files are keyed by id): repeats get `#k` suffixes."""
    seen: dict[str, int] = {}
    out = []
    for ex in pool:
        item_id = ex.item.id
        k = seen.get(item_id, 0)
        seen[item_id] = k + 1
        out.append(ex if k == 0 else replace(ex, item=replace(ex.item, id=f"{item_id}#{k}")))
    if len(out) != len(seen):
        log.warning("%d duplicate item ids were suffixed to keep verdicts apart", len(out) - len(seen))
    return out


Example = AbsoluteExample | PairwiseExample
