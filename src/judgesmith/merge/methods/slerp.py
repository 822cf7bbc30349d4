"""SLERP between two models: mergekit interpolates from its `base_model` (here the first model) to the other.

`t` defaults to the second model's share of the weights (0.5 for equal weights).
"""

from __future__ import annotations

from typing import Any, Optional, Sequence

from pydantic import Field

from judgesmith.merge.methods.common import Model, StrictParams, exactly_two, no_density

NAME = "slerp"
BASE = "unused"


class Params(StrictParams):
    t: Optional[float] = Field(None, ge=0, le=1)


def config(models: Sequence[Model], base: Optional[str], params: Params) -> dict[str, Any]:
    exactly_two(models, NAME)
    no_density(models, NAME)
    (first, w0, _), (second, w1, _) = models
    t = params.t if params.t is not None else w1 / (w0 + w1)
    return {"merge_method": NAME, "base_model": first, "models": [{"model": first}, {"model": second}],
            "parameters": {"t": t}}
