"""Merge recipe: which models, which mergekit method, with which typed parameters (pydantic, strict)."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal, Optional

from pydantic import Field, model_validator

from judgesmith.config import Strict, load_yaml_model


class MergeInput(Strict):
    """One model to merge: a model folder, a `judgesmith train` output folder (its merged/), or a name."""

    model: str
    weight: float = 1.0
    density: Optional[float] = Field(None, gt=0, le=1)


class MergeRecipe(Strict):
    method: Literal["linear", "slerp", "nuslerp", "ties", "dare_linear"]
    models: list[MergeInput] = Field(min_length=2)
    # The exact base both models were fine-tuned from. nuslerp: task-vector mode (interpolate the
    # deltas from the base); ties/dare_linear: required; linear/slerp: only checked, not used.
    base_model: Optional[str] = None
    use_base: bool = True  # nuslerp: false gives the reference (no-base) merge
    parameters: dict[str, Any] = Field(default_factory=dict)
    dtype: Literal["float32", "bfloat16", "float16"] = "float32"
    output_dir: Path
    verify: bool = True
    seed: int = 0

    @model_validator(mode="after")
    def _weights(self) -> "MergeRecipe":
        if sum(m.weight for m in self.models) == 0:
            raise ValueError("model weights sum to 0")
        return self


def load_merge_recipe(path: str | Path) -> MergeRecipe:
    """A merge recipe; errors name the file and each bad field (see judgesmith.config)."""
    return load_yaml_model(path, MergeRecipe, "merge recipe")
