"""Helpers shared by the merge-method modules."""

from __future__ import annotations

from typing import Any, Optional, Sequence

from pydantic import ConfigDict

from judgesmith.config import Strict

Model = tuple[str, float, Optional[float]]  # (resolved path, weight, density)


class StrictParams(Strict):
    model_config = ConfigDict(populate_by_name=True)


def no_density(models: Sequence[Model], method: str) -> None:
    if any(density is not None for _, _, density in models):
        raise ValueError(f"{method}: `density` applies to ties and dare_linear only; remove it")


def exactly_two(models: Sequence[Model], method: str) -> None:
    if len(models) != 2:
        raise ValueError(f"{method} merges exactly two models, got {len(models)}")


def model_entries(models: Sequence[Model], with_density: bool = False) -> list[dict[str, Any]]:
    out = []
    for path, weight, density in models:
        params: dict[str, Any] = {"weight": weight}
        if with_density and density is not None:
            params["density"] = density
        out.append({"model": path, "parameters": params})
    return out
