"""Merge methods: one small module per mergekit method, turning typed parameters into a config section.

Each module defines `NAME`, `BASE` ("required", "optional" or "unused"), a strict pydantic
`Params` model for the method-level `parameters:` of the recipe, and
`config(models, base, params) -> dict`, the mergekit configuration for that method.
"""

from __future__ import annotations

import importlib
from types import ModuleType

MODULES = {"linear": "linear", "slerp": "slerp", "nuslerp": "nuslerp", "ties": "ties", "dare_linear": "dare_linear"}


def get_method(name: str) -> ModuleType:
    if name not in MODULES:
        raise ValueError(f"unknown merge method {name!r}; choose one of {sorted(MODULES)}")
    return importlib.import_module(f"judgesmith.merge.methods.{MODULES[name]}")
