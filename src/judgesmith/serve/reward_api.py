"""The judge as a remote reward model: OpenRLHF's `POST /get_reward` and vLLM's pointwise `POST /score`.

Both answer with the judge's expected 1-5 score (score mode: one forward pass per item, the label
distribution's expectation) under the rubric the request names, else the server's `--reward-rubric`.

- `/get_reward` takes OpenRLHF's body: `{"query": [full texts], "prompts"?: [...], "labels"?: [...]}`
  and answers `{"rewards": [floats]}`. Each query is the policy's chat-templated prompt plus its
  response; `chat_split` cuts it into instruction and response (after the prompt when `prompts` are
  sent, else after the chat template's last reply marker). `prompts` + `responses` (a judgesmith
  extension) skip the splitting. `labels`, when not empty, are reference answers.
- `/score` (and `/v1/score`) takes vLLM's body: `{"model"?, "queries": str or [..], "documents": str
  or [..]}` (or `text_1`/`text_2`): one query against every document, or query i against document i;
  it answers `{"data": [{"index", "object": "score", "score"}], "usage", ...}` like vLLM's score API.

The same guards as the judge endpoints apply (API key, body size, `--max-items`, `--max-request-tokens`,
422 for NaN, lone surrogates and empty texts); an over-long item is judged with its response cut to fit
rather than failing the whole rollout batch.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from starlette.concurrency import run_in_threadpool
from pydantic import ConfigDict, Field, field_validator, model_validator

from judgesmith.items import rubric_field
from judgesmith.records import AbsoluteItem, Rubric
from judgesmith.rubrics import is_grounded
from judgesmith.serve.chat_split import instruction_of, split_query
from judgesmith.serve.judge_api import check_count, rubric_from, run_records
from judgesmith.serve.limits import judge_work
from judgesmith.serve.schemas import _Checked

router = APIRouter(tags=["reward"])
Texts = list[str] | str | None


def _texts(value: Any, name: str, allow_empty: bool = False) -> list[str] | None:
    """One string or a list of them, as a list; empty strings are refused unless allowed."""
    if value is None:
        return None
    values = [value] if isinstance(value, str) else value
    for i, text in enumerate(values):
        if not allow_empty and not text.strip():
            raise ValueError(f"{name}[{i}] is empty")
    return values


class _RewardBody(_Checked):
    model_config = ConfigDict(extra="ignore")  # RL frameworks add fields of their own
    rubric: str | Rubric | None = Field(None, description="preset name, rendered rubric or object; "
                                                           "default: the server's --reward-rubric")

    @field_validator("rubric", mode="before")
    @classmethod
    def _rubric(cls, value: Any) -> Any:
        return rubric_field(value)


class RewardRequest(_RewardBody):
    """OpenRLHF's remote reward model body, plus `responses` and `rubric`."""

    query: Texts = Field(None, description="full texts: the chat-templated prompt followed by the response")
    prompts: Texts = Field(None, description="the prompts as the policy got them (templated or plain)")
    responses: Texts = Field(None, description="the responses alone (with prompts: no splitting needed)")
    labels: list[str | None] | None = Field(None, description="reference answers; empty strings mean none")

    @model_validator(mode="after")
    def _shape(self) -> "RewardRequest":
        query, prompts = _texts(self.query, "query"), _texts(self.prompts, "prompts")
        responses = _texts(self.responses, "responses", allow_empty=True)
        if responses is None and query is None:
            raise ValueError("send 'query' (full texts), or 'prompts' and 'responses'")
        if responses is not None and prompts is None:
            raise ValueError("'responses' need 'prompts' (the instruction each response answers)")
        n = len(responses if responses is not None else query)
        for name, values in (("prompts", prompts), ("labels", self.labels)):
            if values is not None and len(values) != n:
                raise ValueError(f"'{name}' has {len(values)} entries for {n} responses; send one per response")
        self.query, self.prompts, self.responses = query, prompts, responses
        return self


class ScoreRequest(_RewardBody):
    """vLLM's score API body (`queries`/`documents`, or the older `text_1`/`text_2`), plus `rubric`."""

    model: str | None = None
    queries: Texts = Field(None, description="the instruction(s)")
    documents: Texts = Field(None, description="the response(s) to score")
    text_1: Texts = Field(None, description="vLLM's older name for queries")
    text_2: Texts = Field(None, description="vLLM's older name for documents")

    @model_validator(mode="after")
    def _shape(self) -> "ScoreRequest":
        queries = _texts(self.queries if self.queries is not None else self.text_1, "queries")
        documents = _texts(self.documents if self.documents is not None else self.text_2, "documents")
        if queries is None or documents is None:
            raise ValueError("send 'queries' and 'documents' (or 'text_1' and 'text_2')")
        if len(queries) not in (1, len(documents)):
            raise ValueError(f"{len(queries)} queries for {len(documents)} documents: send one query, or one "
                             "per document")
        self.queries, self.documents = queries * (len(documents) if len(queries) == 1 else 1), documents
        return self


def reward_item(index: int, instruction: str, response: str, rubric: Rubric,
                reference: str | None = None) -> AbsoluteItem:
    """The absolute item a reward is judged from (one place to add fields such as a context)."""
    return AbsoluteItem(str(index), instruction, response, rubric, reference_answer=reference or None)


def _split(body: RewardRequest, fmt: Any) -> list[tuple[str, str]]:
    """(instruction, response) per query: given directly, or cut out of the full text (400 naming the query)."""
    if body.responses is not None:
        return [(instruction_of(p, fmt), r) for p, r in zip(body.prompts, body.responses)]
    out = []
    for i, query in enumerate(body.query):
        try:
            instruction, response = split_query(query, fmt, body.prompts[i] if body.prompts else None)
        except ValueError as exc:
            raise HTTPException(400, f"query[{i}]: {exc}") from None
        if not instruction:
            raise HTTPException(400, f"query[{i}]: no user message found before the response; send 'prompts' "
                                     "and 'responses'")
        out.append((instruction, response))
    return out


async def expected_scores(state: Any, items: list[AbsoluteItem]) -> list[float]:
    """The judge's expected score per item (score mode; over-long responses cut to fit)."""
    verdicts = await run_records(state, "absolute", items, "score", False, overlong="truncate")
    missing = [f"{v.id}: {v.error}" for v in verdicts if v.expected_score is None]
    if missing:
        raise HTTPException(500, f"the judge gave no score distribution for items {missing[:3]}")
    return [float(v.expected_score) for v in verdicts]


def _rubric(state: Any, body: _RewardBody) -> Rubric:
    """The request's rubric, else the server's; a grounded rubric is refused (these bodies carry no context)."""
    rubric = rubric_from(body.rubric, "rubric") if body.rubric is not None else (
        state.settings.reward_rubric or rubric_from(None, "rubric"))
    if is_grounded(rubric):
        raise HTTPException(400, f"rubric: [{rubric.criteria[:60]}] judges a response against a context, which "
                                 "this endpoint does not take; choose another rubric or use /v1/judge/absolute")
    return rubric


@router.post("/get_reward")
async def get_reward(body: RewardRequest, request: Request) -> dict[str, Any]:
    """OpenRLHF remote reward model: `{"query": [...]}` -> `{"rewards": [expected 1-5 scores]}`."""
    state = request.app.state.judgesmith
    check_count(state.settings, len(body.responses if body.responses is not None else body.query), "queries")
    rubric, labels = _rubric(state, body), body.labels or []
    pairs = _split(body, state.settings.policy_format)
    items = [reward_item(i, ins, resp, rubric, labels[i] if labels else None) for i, (ins, resp) in enumerate(pairs)]
    return {"rewards": await expected_scores(state, items), "model": state.settings.model_name}


@router.post("/score")
@router.post("/v1/score")
async def score(body: ScoreRequest, request: Request) -> dict[str, Any]:
    """vLLM-style pointwise score (both paths, as vLLM serves them): each (query, document) pair -> the
    judge's expected 1-5 score; `usage` counts the judge prompts' tokens."""
    state = request.app.state.judgesmith
    check_count(state.settings, len(body.documents), "documents")
    rubric = _rubric(state, body)
    items = [reward_item(i, q, d, rubric) for i, (q, d) in enumerate(zip(body.queries, body.documents))]
    scores = await expected_scores(state, items)
    tokens = await run_in_threadpool(judge_work, state.backend, items, "score", False, 0)
    return {"id": f"score-{uuid.uuid4().hex}", "object": "list", "created": int(time.time()),
            "model": state.settings.model_name,
            "data": [{"index": i, "object": "score", "score": s} for i, s in enumerate(scores)],
            "usage": {"prompt_tokens": tokens, "total_tokens": tokens, "completion_tokens": 0}}
