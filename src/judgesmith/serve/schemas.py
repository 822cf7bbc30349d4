"""HTTP schemas (pydantic, at the edge): judge requests/verdicts and the OpenAI-compatible subset.

A judge request carries `items` (one object or a list); a single item may also be
posted bare (its fields at the top level). Verdicts mirror `Verdict.to_dict()`.
Unknown fields are ignored on the OpenAI endpoints, as OpenAI clients add their own.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

_ITEM_FIELDS = {"instruction", "response", "response_a", "response_b"}


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


class _JudgeRequest(BaseModel):
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
    parse_ok: bool = True
    error: str | None = None
    raw: str | None = None
    samples: list["VerdictOut"] = []


class JudgeResponse(BaseModel):
    model: str
    mode: str
    verdicts: list[VerdictOut]


# --- OpenAI-compatible subset -------------------------------------------------------------


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant", "developer"]
    content: str | list[dict[str, Any]] | None = None


class _SamplingRequest(BaseModel):
    model: str | None = None
    temperature: float = Field(1.0, ge=0.0, le=2.0)
    top_p: float | None = Field(None, gt=0.0, le=1.0)
    n: int = Field(1, ge=1, le=16)
    stop: str | list[str] | None = None
    seed: int | None = None
    stream: bool = False


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
    logprobs: int | None = Field(None, ge=0, le=20)
    echo: Literal[False] = False
