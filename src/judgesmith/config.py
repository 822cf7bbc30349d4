"""YAML configuration files (recipes, suites) read into strict pydantic models, with one error style.

Every recipe-like file goes through `load_yaml_model`, so a typo or a bad value reads
the same everywhere: the file, then one line per problem `field.path: message`.
"""

from __future__ import annotations

import types
from pathlib import Path
from typing import Any, Mapping, Optional, Type, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, ValidationError

M = TypeVar("M", bound=BaseModel)


class Strict(BaseModel):
    """A config section: unknown keys are errors, never silently ignored (a typo must not change a run)."""

    model_config = ConfigDict(extra="forbid")


def _members(tp: Any) -> list:
    """The types a union allows (None left out); a plain type is a union of one."""
    if get_origin(tp) in (Union, types.UnionType):
        return [a for a in get_args(tp) if a is not type(None)]
    return [tp]


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _walk(cls: Type[BaseModel], loc: tuple) -> tuple[Any, tuple]:
    """(the type at `loc` inside `cls`, `loc` without pydantic's union-member tags such as `BenchSpec`).

    The type is None where an ambiguous union or a mapping is on the way (the rest of `loc` is kept as is).
    """
    tp: Any = cls
    shown: list = []
    for i, part in enumerate(loc):
        members = _members(tp)
        named = [m for m in members if getattr(m, "__name__", None) == part]
        if named:  # pydantic names the union member it tried; the user never wrote it
            tp = named[0]
            continue
        shown.append(part)
        tp = members[0] if len(members) == 1 else None
        if isinstance(part, int) and get_origin(tp) in (list, tuple):
            tp = get_args(tp)[0]
        elif isinstance(part, str) and _is_model(tp) and part in tp.model_fields:
            tp = tp.model_fields[part].annotation
        else:
            return None, (*shown, *loc[i + 1:])
    return tp, tuple(shown)


def _known_keys(tp: Any) -> Optional[str]:
    members = _members(tp) if tp is not None else []
    if len(members) != 1 or not _is_model(members[0]):
        return None
    return ", ".join(f.alias or name for name, f in members[0].model_fields.items())


def format_validation_error(exc: ValidationError, where: str, cls: Type[BaseModel], what: str = "recipe") -> str:
    """`where: invalid what`, then one line per problem, `field.path: message`, so users see what to fix."""
    lines = []
    for err in exc.errors():
        loc, msg = tuple(err["loc"]), err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            known = _known_keys(_walk(cls, loc[:-1])[0])
            msg = f"unknown key (check the spelling; known keys here: {known})" if known else \
                "unknown key (check the spelling)"
        shown = _walk(cls, loc)[1]
        lines.append(f"  {'.'.join(str(p) for p in shown) or '(top level)'}: {msg}")
    return f"{where}: invalid {what}\n" + "\n".join(lines)


def read_yaml_mapping(path: str | Path, what: str = "recipe") -> dict:
    """The top-level mapping of a YAML file (an empty file is an empty mapping)."""
    import yaml

    path = Path(path).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"{what} {path} does not exist")
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML: {exc}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: a {what} must be a YAML mapping (`key: value` lines), "
                         f"got a {type(data).__name__}")
    return data


def validate_model(data: Any, cls: Type[M], where: str, what: str = "recipe") -> M:
    """`cls.model_validate(data)` with errors in the `format_validation_error` style."""
    try:
        return cls.model_validate(data)
    except ValidationError as exc:
        raise ValueError(format_validation_error(exc, where, cls, what)) from None


def load_yaml_model(path: str | Path, cls: Type[M], what: str = "recipe",
                    defaults: Optional[Mapping[str, Any]] = None) -> M:
    """Read a YAML file into a strict pydantic model; `defaults` fill keys the file leaves out."""
    data = read_yaml_mapping(path, what)
    for key, value in (defaults or {}).items():
        data.setdefault(key, value)
    return validate_model(data, cls, str(Path(path).expanduser()), what)
