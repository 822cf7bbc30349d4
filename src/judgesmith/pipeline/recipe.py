"""The build recipe: one YAML file naming every stage's recipe, validated before anything runs.

Paths inside are relative to the recipe file. The build folder overrides where
each stage reads and writes (synthesize -> data -> train -> merge -> bench), so the
stage recipes stay usable on their own. An optional `synthesize:` section makes the
training data from a rubric and a teacher first (the data recipe then reads
`{synthesize}/absolute.jsonl` and `{synthesize}/pairwise.jsonl`); optional
`bench.gold` files (hand-labelled absolute or pairwise JSONL) join the bench suite.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Optional

from pydantic import Field

from judgesmith.bench.targets import TargetSpec
from judgesmith.config import Strict, load_yaml_model
from judgesmith.data.synthesize.config import SynthesizeSection


class TrainPaths(Strict):
    feedback: Path
    preference: Path


class TrainLimits(Strict):
    """Cap the training examples of each specialist (the stage recipes' own caps otherwise)."""

    feedback: Optional[int] = Field(None, ge=1)
    preference: Optional[int] = Field(None, ge=1)


class GoldSpec(Strict):
    """A hand-labelled file for the bench, read by the generic loader (`score` or `label` column)."""

    path: Path
    kind: Literal["absolute", "pairwise"]
    id: Optional[str] = None
    rubric: Optional[Path] = None  # default: the synthesize rubric, else each row's own `rubric`
    limit: Optional[int] = Field(None, ge=1)
    options: dict = Field(default_factory=dict)


class BenchSpec(Strict):
    suite: str = "default"
    mode: Literal["generate", "score"] = "score"
    protocol: Literal["default", "prometheus"] = "default"
    backend: str = "hf"
    limit: Optional[int] = Field(None, ge=1)
    batch_size: int = Field(8, ge=1)
    resamples: int = Field(1000, ge=10)
    consistency: bool = True
    # Reuse verdicts a model with the same weights gave on the same prompts in any earlier run
    # (bench/cache.py): a rebuild does not judge the unchanged base again.
    verdict_cache: bool = True
    # Which models the bench judges: the paired comparison that matters is merged vs base; the two
    # specialists cost as much bench time again each on a CPU.
    models: list[Literal["base", "feedback", "preference", "merged"]] = Field(
        default_factory=lambda: ["base", "feedback", "preference", "merged"], min_length=1)
    gold: list[GoldSpec] = Field(default_factory=list)
    # Learning curve: also bench the merge of the two specialists' snapshots at each of the train
    # recipes' `training.snapshot_fractions` (both recipes must list the same fractions).
    curve: bool = False


class QuickSpec(Strict):
    """`--quick`: the same pipeline on a handful of examples (a smoke run, minutes on CPU)."""

    train_examples: int = Field(4, ge=1)
    eval_examples: int = Field(2, ge=1)
    max_steps: int = Field(2, ge=1)
    max_length: Optional[int] = Field(None, ge=64)  # None: keep each stage recipe's max_length
    bench_limit: int = Field(3, ge=1)
    resamples: int = Field(50, ge=10)


class BuildRecipe(Strict):
    name: str
    description: str = ""
    base_model: str
    synthesize: Optional[SynthesizeSection] = None
    data: Path
    train: TrainPaths
    merge: Path
    train_limits: TrainLimits = TrainLimits()
    bench: BenchSpec = BenchSpec()
    # Quality bars the report checks (bench/targets.py); outside `bench` so that changing them
    # re-renders the report without rerunning the bench.
    targets: list[TargetSpec] = Field(default_factory=list)
    quick: QuickSpec = QuickSpec()
    seed: int = 0  # every training stage trains with this seed (it overrides each specialist recipe's)
    threads: Optional[int] = Field(None, ge=1)


def load_build_recipe(path: str | Path) -> tuple[BuildRecipe, Path]:
    """Parse and validate a build recipe; returns it with the folder its relative paths start from."""
    return load_yaml_model(path, BuildRecipe, "build recipe"), Path(path).expanduser().parent


def resolve(base: Path, path: Path) -> Path:
    """A recipe path: absolute as is, else relative to the recipe file, else to the working folder."""
    if path.is_absolute():
        return path
    here = (base / path)
    return here if here.exists() else Path.cwd() / path
