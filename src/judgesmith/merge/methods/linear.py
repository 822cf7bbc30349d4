"""Linear: a weighted average of the weights (model soup). The base model is not used."""

from __future__ import annotations

from typing import Any, Optional, Sequence

from judgesmith.merge.methods.common import Model, StrictParams, model_entries, no_density

NAME = "linear"
BASE = "unused"


class Params(StrictParams):
    normalize: bool = True  # divide by the sum of the weights


def config(models: Sequence[Model], base: Optional[str], params: Params) -> dict[str, Any]:
    no_density(models, NAME)
    return {"merge_method": NAME, "models": model_entries(models), "parameters": {"normalize": params.normalize}}
