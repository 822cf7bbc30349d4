"""OpenAI-compatible `/v1/chat/completions`, `/v1/completions` and `/v1/models`.

Enough of the API for the official `openai` client and LiteLLM (prometheus-eval)
to use the judge model unchanged: messages or prompt, max_tokens, temperature,
top_p, n, stop, logprobs/top_logprobs, plus vLLM's `continue_final_message` and
`add_generation_prompt`. No streaming. Prompts with the same sampling settings
are micro-batched into one `generate` call.
"""

from __future__ import annotations

import time
import uuid
from typing import Any

from fastapi import APIRouter, HTTPException, Request

from judgesmith.serve.generation import Completion, GenParams, render_chat
from judgesmith.serve.limits import check_work
from judgesmith.serve.schemas import ChatCompletionRequest, ChatMessage, CompletionRequest

router = APIRouter(tags=["openai"])


def _text(message: ChatMessage, index: int) -> str:
    if message.content is None:
        return ""
    if isinstance(message.content, str):
        return message.content
    parts = []
    for part in message.content:
        if part.get("type") != "text" or not isinstance(part.get("text"), str):
            raise HTTPException(400, f"messages[{index}].content: only text parts are supported")
        parts.append(part["text"])
    return "".join(parts)


def _params(state: Any, body: ChatCompletionRequest | CompletionRequest, max_tokens: int,
            top_logprobs: int | None) -> GenParams:
    if body.stream:
        raise HTTPException(400, "stream=true is not supported by this server; send stream=false")
    cap = state.settings.max_completion_tokens
    if max_tokens > cap:
        raise HTTPException(400, f"max_tokens={max_tokens} is over this server's limit of {cap}")
    stop = (body.stop,) if isinstance(body.stop, str) else tuple(body.stop or ())
    return GenParams(max_tokens=max_tokens, temperature=body.temperature, top_p=body.top_p, n=body.n,
                     stop=tuple(s for s in stop if s), top_logprobs=top_logprobs)


def _generator(state: Any) -> Any:
    if state.generator is None:
        raise HTTPException(501, f"backend {state.backend.name!r} exposes no transformers model to generate with")
    return state.generator


async def _run(state: Any, prompts: list[list[int]], params: GenParams) -> list[list[Completion]]:
    generator = state.generator
    runs = 1 if params.temperature == 0.0 else params.n
    check_work(state.settings, sum(len(ids) + params.max_tokens * runs for ids in prompts), f"{len(prompts)} prompts")
    try:
        for ids in prompts:
            generator.check_length(len(ids), params.max_tokens)
        return await state.batcher.submit(("generate", params), prompts,
                                          lambda batch: generator.generate(batch, params))
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    except Exception as exc:  # noqa: BLE001
        raise HTTPException(500, f"generation failed: {type(exc).__name__}: {exc}") from None


def _usage(results: list[list[Completion]]) -> dict[str, int]:
    prompt = sum(r[0].prompt_tokens for r in results)
    completion = sum(c.completion_tokens for r in results for c in r)
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _chat_logprobs(c: Completion) -> dict[str, Any] | None:
    if c.tokens is None:
        return None
    entry = lambda tok, lp: {"token": tok, "logprob": lp, "bytes": list(tok.encode("utf-8"))}  # noqa: E731
    return {"content": [{**entry(t.token, t.logprob), "top_logprobs": [entry(tok, lp) for tok, lp in t.top]}
                        for t in c.tokens], "refusal": None}


def _completion_logprobs(c: Completion) -> dict[str, Any] | None:
    if c.tokens is None:
        return None
    return {"tokens": [t.token for t in c.tokens], "token_logprobs": [t.logprob for t in c.tokens],
            "top_logprobs": [{**dict(t.top), t.token: t.logprob} for t in c.tokens],
            "text_offset": [t.offset for t in c.tokens]}


@router.post("/v1/chat/completions")
async def chat_completions(body: ChatCompletionRequest, request: Request) -> dict[str, Any]:
    """Chat completion through the model's chat template (vLLM's continue_final_message supported)."""
    state = request.app.state.judgesmith
    generator = _generator(state)
    max_tokens = body.max_completion_tokens or body.max_tokens or state.settings.max_new_tokens
    params = _params(state, body, max_tokens, (body.top_logprobs or 0) if body.logprobs else None)
    messages = [{"role": m.role, "content": _text(m, i)} for i, m in enumerate(body.messages)]
    try:
        text, templated = render_chat(generator.tokenizer, messages, body.add_generation_prompt,
                                      body.continue_final_message)
    except ValueError as exc:
        raise HTTPException(400, str(exc)) from None
    results = await _run(state, [generator.encode(text, templated)], params)
    choices = [{"index": j, "message": {"role": "assistant", "content": c.text},
                "logprobs": _chat_logprobs(c), "finish_reason": c.finish_reason}
               for j, c in enumerate(results[0])]
    return {"id": f"chatcmpl-{uuid.uuid4().hex}", "object": "chat.completion", "created": int(time.time()),
            "model": state.settings.model_name, "choices": choices, "usage": _usage(results)}


@router.post("/v1/completions")
async def completions(body: CompletionRequest, request: Request) -> dict[str, Any]:
    """Plain-text completion (BOS added unless the prompt starts with it)."""
    state = request.app.state.judgesmith
    generator = _generator(state)
    prompts = [body.prompt] if isinstance(body.prompt, str) else body.prompt
    if not prompts or len(prompts) > state.settings.max_items:
        raise HTTPException(413 if prompts else 422, f"prompt: send 1 to {state.settings.max_items} prompts")
    params = _params(state, body, body.max_tokens, body.logprobs)
    results = await _run(state, [generator.encode(p, templated=False) for p in prompts], params)
    choices = [{"index": i * body.n + j, "text": c.text, "logprobs": _completion_logprobs(c),
                "finish_reason": c.finish_reason}
               for i, r in enumerate(results) for j, c in enumerate(r)]
    return {"id": f"cmpl-{uuid.uuid4().hex}", "object": "text_completion", "created": int(time.time()),
            "model": state.settings.model_name, "choices": choices, "usage": _usage(results)}


@router.get("/v1/models")
async def models(request: Request) -> dict[str, Any]:
    """The one model this server holds (clients may pass any `model` name; it is answered by this one)."""
    name = request.app.state.judgesmith.settings.model_name
    return {"object": "list", "data": [{"id": name, "object": "model", "created": 0, "owned_by": "judgesmith"}]}
