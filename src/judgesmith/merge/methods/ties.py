"""TIES: trim each task vector to its largest entries (`density`), elect signs, merge the agreeing parts."""

from __future__ import annotations

from typing import Any, Optional, Sequence

from pydantic import Field

from judgesmith.merge.methods.common import Model, StrictParams, model_entries

NAME = "ties"
BASE = "required"


class Params(StrictParams):
    normalize: bool = True
    int8_mask: bool = False
    lambda_: float = Field(1.0, alias="lambda")  # scale of the merged task vector


def config(models: Sequence[Model], base: Optional[str], params: Params) -> dict[str, Any]:
    if base is None:
        raise ValueError("ties needs `base_model` (the model both were fine-tuned from) and use_base: true")
    return {"merge_method": NAME, "base_model": base, "models": model_entries(models, with_density=True),
            "parameters": params.model_dump(by_alias=True)}
