"""Source loaders: one module per file format, each `load(path, **options) -> LoadResult`.

`SOURCES` maps a loader name to its `load`; Auto-J pairwise, LLMBar and PandaLM are the generic
loader with their files' column names (`layouts`). `DATASETS` maps the names of the files in the
judge data folder (`vicuna`, `llmbar_natural`, ...) to (loader, path under the data dir); it is
derived from the dataset catalogue (`judgesmith.data.catalogue`), so `load_source("vicuna")` finds
the file and `load_source("generic", path, ...)` reads yours.
Every loader accepts `name` (provenance source), `strict` and `limit`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from judgesmith.data import catalogue
from judgesmith.data.schema import LoadResult
from judgesmith.data.sources import (
    alpaca_eval,
    arena_bench,
    autoj_critiques,
    biggen,
    feedback_collection,
    generic,
    grounded,
    hh_rlhf,
    layouts,
    multilingual,
    offsetbias,
    preference_collection,
    prometheus_absolute,
    prometheus_hhh,
    reward_bench,
)

Loader = Callable[..., LoadResult]

SOURCES: dict[str, Loader] = {
    "prometheus_absolute": prometheus_absolute.load,
    "prometheus_hhh": prometheus_hhh.load,
    **{name: layouts.loader(name) for name in layouts.LAYOUTS},
    "offsetbias": offsetbias.load,
    "autoj_critiques": autoj_critiques.load,
    "biggen": biggen.load,
    "feedback_collection": feedback_collection.load,
    "preference_collection": preference_collection.load,
    "arena_bench": arena_bench.load,
    "alpaca_eval": alpaca_eval.load,
    "reward_bench": reward_bench.load,
    "hh_rlhf": hh_rlhf.load,
    "generic": generic.load,
    **grounded.LOADERS,
    **multilingual.LOADERS,
}

# name -> (loader, path relative to the data dir): the catalogue's datasets with a file in shared/data.
DATASETS: dict[str, tuple[str, str]] = catalogue.bundled()


def dataset_options(name: str, loader: str | None = None) -> dict[str, Any]:
    """Loader options a dataset name implies (its catalogue rubric and options), unless another loader reads it."""
    row = catalogue.lookup(name)
    return row.load_options() if row is not None and loader in (None, row.loader) else {}


def resolve(name: str, path: str | Path | None = None, loader: str | None = None) -> tuple[str, Path | str]:
    """(loader name, path) for a dataset name (or old alias) or a loader name plus a path (or hub id)."""
    row = catalogue.lookup(name)
    if row is not None and row.path is not None and path is None:
        from judgesmith.paths import data_file

        return loader or row.loader, data_file(row.path)
    loader = loader or (row.loader if row is not None else name)
    if loader not in SOURCES:
        raise ValueError(f"unknown source {name!r}; use a dataset name ({', '.join(sorted(DATASETS))}) "
                         f"or a loader ({', '.join(sorted(SOURCES))}) with a path")
    if path is None:
        raise ValueError(f"source {name!r} (loader {loader!r}) needs a path")
    return loader, path


def load_source(name: str, path: str | Path | None = None, *, loader: str | None = None,
                **options: Any) -> LoadResult:
    """Load a dataset by name (default path under the data dir) or any loader on a given path."""
    name = catalogue.ALIASES.get(name, name)
    loader_name, resolved = resolve(name, path, loader)
    options = {**dataset_options(name, loader_name), **options}
    if name != loader_name and "name" not in options:
        options["name"] = name
    return SOURCES[loader_name](resolved, **options)
