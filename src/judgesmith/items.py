"""The one schema of a user item to judge (absolute or pairwise), checked the same way at every edge.

The batch CLI's JSONL reader (`jsonio`), the server's request bodies (`serve.schemas`) and the
generic data loader (`data.sources.generic`) all validate an item with these pydantic models, so a
field is accepted, and a bad value explained, in one place: the reason reads
`'score' must be a number 1-5, got 7` whether it comes back as `line 17: ...` in the CLI's errors
file, as a skipped row of a data build, or as `items[3]: ...` in the server's 422.

Fields (absolute / pairwise): `id`?, `instruction`, `response` / `response_a` + `response_b`,
`reference_answer`?, `context`?, `rubric`? (a preset name, rendered `[criteria]\\nScore 1: ...` text
or rubric file path, or a `{criteria, score1_description..}` object), and the gold label under
either name the project has used: `gold_score` or `score` (a number 1-5), `gold` or `label`
("A", "B" or "tie"); when both names are given the first wins.

What stays with each edge: unknown fields (ignored; the server rejects them), the id of an item
without one (its line number, list index or `<source>-<row>`), the default rubric, and how a
rubric given by name is resolved (the CLI and the loader may read rubric files; the server never does).
"""

from __future__ import annotations

import math
import re
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from judgesmith.records import AbsoluteItem, PairwiseItem, Rubric
from judgesmith.rubrics import is_grounded, resolve_rubric

FIELD_ERROR = "item_field"  # a field's own error; its message names the field (the server reports it at the item)
ITEM_ERROR = "item"  # an error about the whole item
GOLD_PAIR = ("A", "B", "tie")
LANGUAGE = re.compile(r"[A-Za-z]{2,3}")  # ISO 639-1 (two letters); 639-3 codes pass too
# The order bad fields are reported in (an item with several problems names the first).
ORDER = ("id", "instruction", "response", "response_a", "response_b", "reference_answer", "context", "language",
         "rubric", "gold_score", "score", "gold", "label")

__all__ = ["AbsoluteItemIn", "PairwiseItemIn", "check_unicode", "lone_surrogate", "reason", "rubric_field", "show",
           "typed", "validate_item"]


def show(value: Any, limit: int = 60) -> str:
    """A short, safe rendering of a bad value for an error message (no giant or deeply nested reprs)."""
    if isinstance(value, (list, dict)):
        return "a JSON " + ("array" if isinstance(value, list) else "object")
    text = ascii(value)
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} chars)"


def typed(value: Any) -> str:
    """`int 5`, `bool True`, `a JSON array`: what a wrong-typed field holds."""
    return show(value) if isinstance(value, (list, dict)) else f"{type(value).__name__} {show(value)}"


def lone_surrogate(text: str) -> str | None:
    """What is wrong with text holding a lone surrogate (`\\ud800` in JSON), or None: UTF-8 cannot encode it."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return f"holds a lone surrogate {text[exc.start]!a} at character {exc.start + 1}; send valid Unicode text"
    return None


def check_unicode(value: str, where: str, key: str) -> None:
    """Raise `where: 'key' holds a lone surrogate ...` for text that cannot be encoded."""
    if (problem := lone_surrogate(value)) is not None:
        raise ValueError(f"{where}: {key!r} {problem}")


def _bad(message: str, kind: str = FIELD_ERROR) -> PydanticCustomError:
    return PydanticCustomError(kind, "{reason}", {"reason": message})


def _text(value: Any, name: str, required: bool) -> str | None:
    """A text field: a string (required ones not blank) without lone surrogates."""
    if value is None:
        if required:
            raise _bad(f"missing field {name!r}")
        return None
    if not isinstance(value, str):
        raise _bad(f"{name!r} must be a string, got {typed(value)}")
    if required and not value.strip():
        raise _bad(f"{name!r} is empty")
    if (problem := lone_surrogate(value)) is not None:
        raise _bad(f"{name!r} {problem}")
    return value


def rubric_field(value: Any) -> str | Rubric | None:
    """A `rubric` field: names stay names (each edge resolves them); objects become a Rubric with the CLI's
    messages."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return _text(value, "rubric", False)
    try:
        rubric = resolve_rubric(value, where="rubric")
    except ValueError as exc:
        raise _bad(str(exc)) from None
    for name, text in rubric.to_dict().items():
        if (problem := lone_surrogate(text)) is not None:
            raise _bad(f"rubric: {name!r} {problem}")
    return rubric


def _required(*names: str) -> Any:
    """`json_schema_extra` that lists the texts as required (they default to None only to word the error)."""
    def extra(schema: dict[str, Any]) -> None:
        schema["required"] = list(names)
        for name in names:
            schema["properties"][name].pop("default", None)
    return extra


class _ItemIn(BaseModel):
    """Fields and checks both kinds share."""

    model_config = ConfigDict(extra="ignore")
    TEXTS: ClassVar[tuple[str, ...]] = ()

    id: str | None = Field(None, description="string or integer; default: the line number or list index")
    instruction: str = Field(None, validate_default=True, description="the task the response(s) answer")
    reference_answer: str | None = Field(None, description="a score-5 answer, if you have one")
    context: str | None = Field(None, description="text the instruction refers to (documents, a conversation)")
    language: str | None = Field(None, description="ISO 639-1 code of the judged text, e.g. 'de' (optional)")
    rubric: str | Rubric | None = Field(
        None, description="preset name, rendered '[criteria]\\nScore 1: ...' text or an object; default: the run's")

    @model_validator(mode="before")
    @classmethod
    def _an_object(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            raise _bad(f"expected a JSON object, got {show(data)}", ITEM_ERROR)
        if "id" in data and data["id"] is None:  # absent means "number it for me"; an explicit null is a bug
            raise _bad(f"'id' must be a string or integer, got {typed(None)}", ITEM_ERROR)
        return data

    @field_validator("id", mode="before")
    @classmethod
    def _id(cls, value: Any) -> str | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise _bad(f"'id' must be a string or integer, got {typed(value)}")
        text = str(value)
        if not text.strip():
            raise _bad("'id' is empty")
        return _text(text, "id", True)

    @field_validator("instruction", "response", "response_a", "response_b", mode="before", check_fields=False)
    @classmethod
    def _required_text(cls, value: Any, info: ValidationInfo) -> str | None:
        return _text(value, info.field_name, True)

    @field_validator("reference_answer", "context", mode="before")
    @classmethod
    def _optional_text(cls, value: Any, info: ValidationInfo) -> str | None:
        return _text(value, info.field_name, False)

    @field_validator("language", mode="before")
    @classmethod
    def _language(cls, value: Any) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str) or not LANGUAGE.fullmatch(value.strip()):
            raise _bad(f"'language' must be an ISO 639-1 code such as 'en' or 'de', got {show(value)}")
        return value.strip().lower()

    @field_validator("rubric", mode="before")
    @classmethod
    def _rubric(cls, value: Any) -> str | Rubric | None:
        return rubric_field(value)

    def record_fields(self, rubric: Rubric, fallback_id: str) -> dict[str, Any]:
        if is_grounded(rubric) and (self.context is None or not self.context.strip()):
            raise ValueError(f"the rubric [{rubric.criteria[:60]}] judges the response against a context, but "
                             + ("'context' is empty" if self.context is not None else "the item has no 'context'")
                             + "; add the document the response must be supported by, or choose another rubric")
        return dict(id=self.id if self.id is not None else fallback_id, instruction=self.instruction, rubric=rubric,
                    reference_answer=self.reference_answer, context=self.context, language=self.language,
                    **{name: getattr(self, name) for name in self.TEXTS})


class AbsoluteItemIn(_ItemIn):
    """One response to grade 1-5; `gold_score` (or `score`) is the gold grade, used by metrics, never by the judge."""

    model_config = ConfigDict(json_schema_extra=_required("instruction", "response"))
    TEXTS: ClassVar[tuple[str, ...]] = ("response",)

    response: str = Field(None, validate_default=True, description="the response to grade")
    gold_score: int | float | None = Field(None, description="gold grade 1-5 (optional)")
    score: int | float | None = Field(None, description="the same as gold_score (the generic loader's name)")

    @field_validator("gold_score", "score", mode="before")
    @classmethod
    def _grade(cls, value: Any, info: ValidationInfo) -> int | float | None:
        if value is None:
            return None
        if (isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value)
                or not 1 <= value <= 5):
            raise _bad(f"{info.field_name!r} must be a number 1-5, got {show(value)}")
        return value

    @property
    def gold_value(self) -> int | float | None:
        """`gold_score`, else `score`."""
        return self.gold_score if self.gold_score is not None else self.score

    def to_record(self, rubric: Rubric, fallback_id: str) -> AbsoluteItem:
        return AbsoluteItem(**self.record_fields(rubric, fallback_id))


class PairwiseItemIn(_ItemIn):
    """Two responses to one instruction; `gold` (or `label`) is the better one: "A", "B" or "tie"."""

    model_config = ConfigDict(json_schema_extra=_required("instruction", "response_a", "response_b"))
    TEXTS: ClassVar[tuple[str, ...]] = ("response_a", "response_b")

    response_a: str = Field(None, validate_default=True, description="the first response")
    response_b: str = Field(None, validate_default=True, description="the second response")
    gold: Literal["A", "B", "tie"] | None = Field(None, description="gold winner (optional)")
    label: Literal["A", "B", "tie"] | None = Field(None, description="the same as gold (the generic loader's name)")

    @field_validator("gold", "label", mode="before")
    @classmethod
    def _winner(cls, value: Any, info: ValidationInfo) -> str | None:
        if value is not None and (not isinstance(value, str) or value not in GOLD_PAIR):
            raise _bad(f"{info.field_name!r} must be 'A', 'B' or 'tie', got {show(value)}")
        return value

    @property
    def gold_value(self) -> str | None:
        """`gold`, else `label`."""
        return self.gold if self.gold is not None else self.label

    def to_record(self, rubric: Rubric, fallback_id: str) -> PairwiseItem:
        return PairwiseItem(**self.record_fields(rubric, fallback_id))


MODELS: dict[str, type[_ItemIn]] = {"absolute": AbsoluteItemIn, "pairwise": PairwiseItemIn}


def reason(exc: ValidationError) -> str:
    """The message of the first bad field (in `ORDER`), worded the same on every edge."""
    errors = exc.errors(include_input=False, include_url=False)
    rank = {name: i for i, name in enumerate(ORDER)}
    first = min(errors, key=lambda e: rank.get(str(e["loc"][0]) if e["loc"] else "", -1))
    if first["type"] in (FIELD_ERROR, ITEM_ERROR):
        return first["msg"]
    where = ".".join(str(part) for part in first["loc"])
    return f"{where!r}: {first['msg']}" if where else first["msg"]


def validate_item(data: Any, kind: str) -> AbsoluteItemIn | PairwiseItemIn:
    """Check one item of `kind`; raises ValueError with the reason, no location (the caller adds `line N`)."""
    if kind not in MODELS:
        raise ValueError(f"kind must be 'absolute' or 'pairwise', got {kind!r}")
    try:
        return MODELS[kind].model_validate(data)
    except ValidationError as exc:
        raise ValueError(reason(exc)) from None
