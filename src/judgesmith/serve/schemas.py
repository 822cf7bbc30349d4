"""HTTP schemas (pydantic, at the edge): judge requests/verdicts and the OpenAI-compatible subset.

A judge request carries `items` (one object or a list); a single item may also be
posted bare (its fields at the top level). Verdicts mirror `Verdict.to_dict()`.
Unknown fields are ignored on the OpenAI endpoints, as OpenAI clients add their own.
Every request body is first checked for values JSON allows but nothing downstream
can use (NaN/Infinity, lone UTF-16 surrogates), so they get a 422 naming the field
instead of a 500 from the tokenizer or the error encoder.
"""

from __future__ import annotations

import math
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

_ITEM_FIELDS = {"instruction", "response", "response_a", "response_b"}
MIN_TEMPERATURE = 1e-5  # below this (but above 0) sampling divides logits into inf/NaN; 0 means greedy


def _bad_value(value: Any) -> str | None:
    if isinstance(value, float) and not math.isfinite(value):
        return f"{'NaN' if math.isnan(value) else 'Infinity'} is not valid JSON; send a finite number"
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            return (f"holds a lone surrogate ({value[exc.start]!r} at character {exc.start}), "
                    "which is not valid Unicode; send valid UTF-8 text")
    return None


def check_values(data: Any, path: str = "") -> None:
    """Raise ValueError naming the first NaN/Infinity or lone-surrogate value anywhere in `data`."""
    stack = [(path, data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, dict):
            stack += [(f"{where}.{k}" if where else str(k), v) for k, v in value.items()]
            stack += [(f"{where} key", k) for k in value]
        elif isinstance(value, list):
            stack += [(f"{where}[{i}]", v) for i, v in enumerate(value)]
        elif (problem := _bad_value(value)) is not None:
            raise ValueError(f"{where or 'body'}: {problem}")


class _Checked(BaseModel):
    """A request body: reject NaN/Infinity and lone surrogates before field validation."""

    @model_validator(mode="before")
    @classmethod
    def _sane_values(cls, data: Any) -> Any:
        check_values(data)
        return data


class RubricIn(BaseModel):
    """An inline Prometheus rubric (pairwise prompts use only `criteria`)."""

    model_config = ConfigDict(extra="forbid")
    criteria: str = Field(min_length=1)
    score1_description: str = ""
    score2_description: str = ""
    score3_description: str = ""
    score4_description: str = ""
    score5_description: str = ""


RubricField = str | RubricIn


class _ItemBase(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str | None = None
    instruction: str
    rubric: RubricField = Field("helpfulness", description="preset name, rendered rubric text, or an object")
    reference_answer: str | None = None
    context: str | None = None


class AbsoluteIn(_ItemBase):
    response: str


class PairwiseIn(_ItemBase):
    response_a: str
    response_b: str


class _JudgeRequest(_Checked):
    model_config = ConfigDict(extra="forbid")
    mode: Literal["generate", "score"] | None = Field(None, description="default: the server's --mode")
    swap: bool = Field(False, description="pairwise: judge both orders and aggregate")

    @model_validator(mode="before")
    @classmethod
    def _bare_item(cls, data: Any) -> Any:
        """Accept one item posted bare: move its fields under `items`."""
        if isinstance(data, dict) and "items" not in data and _ITEM_FIELDS & set(data):
            options = {k: data[k] for k in ("mode", "swap") if k in data}
            item = {k: v for k, v in data.items() if k not in options}
            return {**options, "items": [item]}
        if isinstance(data, dict) and isinstance(data.get("items"), dict):
            return {**data, "items": [data["items"]]}
        return data


class AbsoluteRequest(_JudgeRequest):
    items: list[AbsoluteIn] = Field(description="one item or a list")


class PairwiseRequest(_JudgeRequest):
    items: list[PairwiseIn] = Field(description="one item or a list")


class VerdictOut(BaseModel):
    id: str
    kind: Literal["absolute", "pairwise"]
    feedback: str | None = None
    score: int | None = None
    winner: str | None = None
    probabilities: dict[str, float] | None = None
    expected_score: float | None = None
    p_a: float | None = None
    parse_ok: bool = True
    error: str | None = None
    raw: str | None = None
    swapped: bool = False
    samples: list["VerdictOut"] = []


class JudgeResponse(BaseModel):
    model: str
    mode: str
    verdicts: list[VerdictOut]


# --- OpenAI-compatible subset -------------------------------------------------------------


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant", "developer"]
    content: str | list[dict[str, Any]] | None = None


class _SamplingRequest(_Checked):
    model: str | None = None
    temperature: float = Field(1.0, ge=0.0, le=2.0)
    top_p: float | None = Field(None, gt=0.0, le=1.0)
    n: int = Field(1, ge=1, le=16)
    stop: str | list[str] | None = None
    seed: int | None = None
    stream: bool = False

    @field_validator("temperature")
    @classmethod
    def _samplable(cls, value: float) -> float:
        if 0.0 < value < MIN_TEMPERATURE:
            raise ValueError(f"temperature={value:g} is too small to sample with (the logits overflow); "
                             f"send 0 for greedy decoding or a value >= {MIN_TEMPERATURE:g}")
        return value


class ChatCompletionRequest(_SamplingRequest):
    messages: list[ChatMessage] = Field(min_length=1)
    max_tokens: int | None = Field(None, ge=1)
    max_completion_tokens: int | None = Field(None, ge=1)
    logprobs: bool = False
    top_logprobs: int | None = Field(None, ge=0, le=20)
    add_generation_prompt: bool = Field(True, description="vLLM extension")
    continue_final_message: bool = Field(False, description="vLLM extension: continue the last assistant message")


class CompletionRequest(_SamplingRequest):
    prompt: str | list[str]
    max_tokens: int = Field(16, ge=1)

    @field_validator("prompt")
    @classmethod
    def _not_empty(cls, value: str | list[str]) -> str | list[str]:
        for i, text in enumerate([value] if isinstance(value, str) else value):
            if not text:
                where = "prompt" if isinstance(value, str) else f"prompt[{i}]"
                raise ValueError(f"{where} is empty; the model needs at least one character to continue")
        return value
    logprobs: int | None = Field(None, ge=0, le=20)
    echo: Literal[False] = False
