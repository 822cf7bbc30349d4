"""NuSLERP of two models, with the base (task-vector mode, default) or without it.

With a base, mergekit interpolates the two *deltas* from the base spherically and adds
the result back: two LoRA fine-tunes of one base share almost all their weights, so
without the base the two weight vectors are nearly parallel and NuSLERP is close to
a plain average. The interpolation factor is the second model's share of the weights.
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

from judgesmith.merge.methods.common import Model, StrictParams, exactly_two, model_entries, no_density

NAME = "nuslerp"
BASE = "optional"


class Params(StrictParams):
    nuslerp_flatten: bool = True  # one angle per tensor (False: per row or column)
    nuslerp_row_wise: bool = False  # with flatten off: interpolate rows instead of columns


def config(models: Sequence[Model], base: Optional[str], params: Params) -> dict[str, Any]:
    exactly_two(models, NAME)
    no_density(models, NAME)
    out: dict[str, Any] = {"merge_method": NAME, "models": model_entries(models),
                           "parameters": params.model_dump()}
    if base is not None:
        out["base_model"] = base
    return out
