"""Source loaders: one module per file format, each `load(path, **options) -> LoadResult`.

`SOURCES` maps a loader name to its `load`; `DATASETS` maps the names of the files in the
judge data folder (`vicuna`, `llmbar_natural`, ...) to (loader, path under the data dir),
so `load_source("vicuna")` finds the file and `load_source("generic", path, ...)` reads yours.
Every loader accepts `name` (provenance source), `strict` and `limit`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from judgesmith.data.schema import LoadResult
from judgesmith.data.sources import (
    alpaca_eval,
    arena_bench,
    autoj_critiques,
    autoj_pairwise,
    biggen,
    feedback_collection,
    generic,
    hh_rlhf,
    llmbar,
    offsetbias,
    pandalm,
    preference_collection,
    prometheus_absolute,
    prometheus_hhh,
    reward_bench,
)

Loader = Callable[..., LoadResult]

SOURCES: dict[str, Loader] = {
    "prometheus_absolute": prometheus_absolute.load,
    "prometheus_hhh": prometheus_hhh.load,
    "autoj_pairwise": autoj_pairwise.load,
    "llmbar": llmbar.load,
    "pandalm": pandalm.load,
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
}

# name -> (loader, path relative to the data dir). These are the files of shared/data/README.md.
DATASETS: dict[str, tuple[str, str]] = {
    "vicuna": ("prometheus_absolute", "prometheus/vicuna_eval.json"),
    "mt_bench": ("prometheus_absolute", "prometheus/mt_bench_eval.json"),
    "autoj_pairwise": ("autoj_pairwise", "prometheus/autoj_pairwise.jsonl"),
    "llmbar_natural": ("llmbar", "llmbar/LLMBar_Natural.json"),
    "llmbar_mt_bench": ("llmbar", "llmbar/Processed_MT-Bench.json"),
    "llmbar_faireval": ("llmbar", "llmbar/Processed_FairEval.json"),
    "llmbar_llmeval2": ("llmbar", "llmbar/Processed_LLMEval22.json"),
    "pandalm": ("pandalm", "pandalm/testset-v1.json"),
    "offsetbias": ("offsetbias", "offsetbias/evalbiasbench.json"),
    "autoj_critiques": ("autoj_critiques", "autoj/single_traindata.jsonl"),
    "biggen": ("biggen", "biggen/biggen_bench_instances.jsonl"),
    "arena_bench": ("arena_bench", "arena_bench_v1"),
    "alpaca_eval": ("alpaca_eval", "alpaca_eval/alpaca_eval_pairwise_subset.jsonl.gz"),
    "reward_bench": ("reward_bench", "reward_bench/bon_pairwise.jsonl.gz"),
    "hh_rlhf": ("hh_rlhf", "hh_rlhf/harmless-base_test.jsonl.gz"),
}


def resolve(name: str, path: str | Path | None = None, loader: str | None = None) -> tuple[str, Path | str]:
    """(loader name, path) for a dataset name or a loader name plus a path (or hub id)."""
    if name in DATASETS and path is None:
        from judgesmith.paths import data_file

        default_loader, relative = DATASETS[name]
        return loader or default_loader, data_file(relative)
    loader = loader or (DATASETS[name][0] if name in DATASETS else name)
    if loader not in SOURCES:
        raise ValueError(f"unknown source {name!r}; use a dataset name ({', '.join(sorted(DATASETS))}) "
                         f"or a loader ({', '.join(sorted(SOURCES))}) with a path")
    if path is None:
        raise ValueError(f"source {name!r} (loader {loader!r}) needs a path")
    return loader, path


def load_source(name: str, path: str | Path | None = None, *, loader: str | None = None,
                **options: Any) -> LoadResult:
    """Load a dataset by name (default path under the data dir) or any loader on a given path."""
    loader_name, resolved = resolve(name, path, loader)
    if name != loader_name and "name" not in options:
        options["name"] = name
    return SOURCES[loader_name](resolved, **options)
