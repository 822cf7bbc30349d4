"""The `data build` recipe: a YAML file validated with pydantic (unknown keys are errors).

    seed: 0
    sources:                      # what trains
      - name: mt_bench            # a dataset name (default file under the data dir) ...
        absolute: true            # write its absolute rows into absolute/
        pairs_from_absolute: true # derive pairwise rows from its graded responses
      - name: mine                # ... or any loader with a path
        loader: generic
        path: my.jsonl
        options: {kind: pairwise, labels: {"A>B": A, "B>A": B}}
    absolute: {targets: all}      # all three GPT-4 feedbacks, or `first`
    pairs: {margin: 1.0, mismatched: transcript, swap_augment: true}
    completions: {label_only_share: 0.25}   # or {absolute: 0.5, pairwise: 0.25}
    shorten: {max_words: 400}     # judged responses only; off (null) by default
    split: {eval_fraction: 0.1}
    decontamination:
      n: 13
      drop: [vicuna, autoj_pairwise, llmbar_natural, pandalm]   # overlapping questions are removed
      check: known                # also report overlaps with every other known benchmark
    mix: {token_share: {multilingual: 0.2}}   # sources with `group: multilingual` get 20% of each
                                              # training file's tokens (`data.mix`); off by default

A source or benchmark file that gives no rows at all (empty, truncated, every row bad) stops the build
with an error naming it, unless the recipe marks it optional (`optional: true` on the source or the
benchmark entry, or its name in `decontamination.optional`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

from judgesmith.config import Strict, load_yaml_model
from judgesmith.data.pairs import DEFAULT_TEMPLATE


class SourceSpec(Strict):
    """A training source: a dataset name, or a loader with a path (or hub id)."""

    name: str
    loader: str | None = None
    path: str | None = None
    options: dict[str, Any] = Field(default_factory=dict)
    enabled: bool = True
    absolute: bool = True
    pairwise: bool = True
    pairs_from_absolute: bool = False
    pairs_margin: float | None = Field(default=None, gt=0)  # overrides `pairs.margin` for this source
    pairs_max_per_question: int | None = Field(default=None, ge=1)  # seeded sample of a question's pairs
    limit: int | None = Field(default=None, ge=1)  # the first N rows of the file
    sample: int | None = Field(default=None, ge=1)  # a seeded random sample of N of the loaded examples
    optional: bool = False  # a file that gives no rows is a warning, not an error
    group: str | None = None  # a group named in `mix.token_share` (e.g. multilingual); None: the main mix

    @model_validator(mode="after")
    def _known(self) -> "SourceSpec":
        from judgesmith.data.catalogue import lookup
        from judgesmith.data.sources import DATASETS, SOURCES

        row = lookup(self.name)
        loader = self.loader or (row.loader if row is not None else self.name)
        if loader not in SOURCES:
            raise ValueError(f"unknown source {self.name!r}: use a dataset ({', '.join(sorted(DATASETS))}) "
                             f"or set loader to one of {', '.join(sorted(SOURCES))}")
        if (row is None or row.path is None) and self.path is None:
            raise ValueError(f"source {self.name!r} needs a path")
        if row is not None and not row.may_train and self.path is None:
            raise ValueError(f"source {self.name!r} is a benchmark (may_train: false in data/catalogue.py): "
                             "training on it would leak into the bench; remove it, or give your own file "
                             "with `path:` under another name")
        return self


class BenchSpec(Strict):
    """A benchmark file to check against (a dataset name, or a loader with a path)."""

    name: str
    loader: str | None = None
    path: str | None = None
    options: dict[str, Any] = Field(default_factory=dict)
    optional: bool = False  # a file that gives no rows is a warning, not an error


class AbsoluteSpec(Strict):
    targets: Literal["first", "all"] = "all"


class PairsSpec(Strict):
    margin: float = Field(default=1.0, gt=0)
    mismatched: Literal["skip", "transcript"] = "skip"
    template: str = DEFAULT_TEMPLATE
    swap_augment: bool = False  # train split: every pair also in the other order, label flipped


class CompletionsSpec(Strict):
    """How completions are written: `label_only_share` of the feedback-bearing records (a number for
    both kinds, or `{absolute: x, pairwise: y}`) become label-only, the text score mode forces."""

    label_only_share: float | dict[Literal["absolute", "pairwise"], float] = 0.0

    @model_validator(mode="after")
    def _shares(self) -> "CompletionsSpec":
        for kind in ("absolute", "pairwise"):
            if not 0 <= self.share(kind) <= 1:
                raise ValueError(f"label_only_share for {kind} must be in [0, 1], got {self.share(kind)}")
        return self

    def share(self, kind: str) -> float:
        value = self.label_only_share
        return float(value.get(kind, 0.0)) if isinstance(value, dict) else float(value)


class ShortenSpec(Strict):
    """Off by default: judged responses longer than `max_words` words keep their first `max_words` + " [...]"."""

    max_words: int | None = Field(default=None, ge=1)


class SplitSpec(Strict):
    eval_fraction: float = Field(default=0.1, ge=0, lt=1)


class DecontamSpec(Strict):
    n: int = Field(default=13, ge=1)
    min_ngrams: int = Field(default=1, ge=1)
    drop: list[str | BenchSpec] = Field(default_factory=list)
    check: Literal["known", "drop_only"] = "known"
    enabled: bool = True
    optional: list[str] = Field(default_factory=list)  # benchmarks whose file may give no rows (a warning)


class MixSpec(Strict):
    """Token shares of source groups in each training file (`data.mix`); the main mix gets the rest."""

    token_share: dict[str, float] = Field(default_factory=dict)
    tokenizer: str | None = None  # counts tokens with this model's tokenizer; None: UTF-8 bytes / 4

    @model_validator(mode="after")
    def _shares(self) -> "MixSpec":
        if "main" in self.token_share:
            raise ValueError("token_share: `main` is the rest of the mix; give shares of named groups only")
        if any(not 0 < v < 1 for v in self.token_share.values()) or sum(self.token_share.values()) >= 1:
            raise ValueError(f"token_share: each share must be in (0, 1) and all together below 1, "
                             f"got {self.token_share}")
        return self


class Recipe(Strict):
    seed: int = 0
    data_dir: str | None = None
    sources: list[SourceSpec] = Field(min_length=1)
    absolute: AbsoluteSpec = Field(default_factory=AbsoluteSpec)
    pairs: PairsSpec = Field(default_factory=PairsSpec)
    completions: CompletionsSpec = Field(default_factory=CompletionsSpec)
    shorten: ShortenSpec = Field(default_factory=ShortenSpec)
    split: SplitSpec = Field(default_factory=SplitSpec)
    decontamination: DecontamSpec = Field(default_factory=DecontamSpec)
    mix: MixSpec = Field(default_factory=MixSpec)

    @model_validator(mode="after")
    def _groups(self) -> "Recipe":
        named = {s.group for s in self.sources if s.enabled and s.group}
        for group in self.mix.token_share:
            if group not in named:
                raise ValueError(f"mix.token_share names group {group!r}, but no enabled source has "
                                 f"`group: {group}` (groups: {sorted(named) or 'none'})")
        return self


def load_recipe(path: str | Path) -> Recipe:
    """Read and validate a recipe; errors name the file, the key path and what is wrong."""
    return load_yaml_model(path, Recipe, "data recipe")
