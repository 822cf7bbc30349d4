"""OpenAI-compatible backend: any server speaking `/v1/chat/completions` (vLLM, llama.cpp server,
judgesmith's own `serve`, hosted APIs), through the official `openai` client.

When the server returns `logprobs`/`top_logprobs`, the label distribution is read
at the first label token after `[RESULT]`. Score mode continues a final assistant
message (`continue_final_message`, as vLLM and `judgesmith serve` accept) for one
token and reads its top logprobs.
"""

from __future__ import annotations

import logging
from typing import Any, Sequence

from judgesmith.judge.backends.base import Generation
from judgesmith.judge.backends.common import label_after_mark, probs_from_top
from judgesmith.prompts import Prompt
from judgesmith.redact import redact

log = logging.getLogger(__name__)


def label_probs_from_logprobs(content: Sequence[Any] | None, labels: Sequence[str]) -> dict[str, float] | None:
    """Find the label token right after `[RESULT]` in per-token logprobs; renormalize its top alternatives."""
    if not content:
        return None
    at = label_after_mark([_get(entry, "token") or "" for entry in content], labels)
    return None if at is None else _top_to_probs(_get(content[at], "top_logprobs") or [], labels)


def _get(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, dict) else getattr(obj, key, None)


def _top_to_probs(top: Sequence[Any], labels: Sequence[str]) -> dict[str, float] | None:
    return probs_from_top(((_get(alt, "token"), _get(alt, "logprob")) for alt in top), labels)


def _api_problem(exc: Exception, where: str, model: str) -> str | None:
    """What an openai client error means for the user, or None when it is not an API error."""
    try:
        import openai
    except ImportError:  # pragma: no cover
        return None
    status = getattr(exc, "status_code", None)
    if isinstance(exc, openai.AuthenticationError) or status == 401:
        return f"the server at {where} refused the API key (HTTP 401); pass the right --api-key"
    if isinstance(exc, openai.PermissionDeniedError) or status == 403:
        return f"the server at {where} refused access (HTTP 403); check the --api-key and its permissions"
    if isinstance(exc, openai.NotFoundError) or status == 404:
        return f"the server at {where} has no model {model!r} or no chat completions endpoint (HTTP 404)"
    if isinstance(exc, openai.APITimeoutError):
        return f"the server at {where} did not answer in time; check it is running and not overloaded"
    if isinstance(exc, openai.APIConnectionError):
        return f"cannot reach the server at {where}; check --base-url and that the server is running"
    if isinstance(exc, openai.APIStatusError):
        message = " ".join(str(getattr(exc, "message", "") or exc).split())[:300]
        return f"the server at {where} answered HTTP {status}: {message}"
    return None


class OpenAIBackend:
    """Judge through an OpenAI-compatible endpoint (`base_url`, `api_key`, `model`)."""

    name = "openai"

    def __init__(self, model: str, base_url: str | None = None, api_key: str | None = None,
                 top_logprobs: int = 20, timeout: float = 600.0, client: Any = None):
        if client is None:
            try:
                from openai import OpenAI
            except ImportError as exc:  # pragma: no cover - depends on the install
                raise RuntimeError("the openai backend needs `pip install judgesmith[openai]`") from exc
            client = OpenAI(base_url=base_url, api_key=api_key or "EMPTY", timeout=timeout)
        self.client, self.model, self.top_logprobs = client, model, top_logprobs
        self.base_url, self._api_key = base_url, api_key

    def _create(self, **request: Any) -> Any:
        """One chat completion; a refused key, an unknown model or an unreachable server is a one-line
        ValueError saying what to fix (the key itself masked), not a client traceback."""
        try:
            return self.client.chat.completions.create(**request)
        except Exception as exc:  # noqa: BLE001 - classified below; anything unknown is raised as it is
            problem = _api_problem(exc, self.base_url or "the OpenAI API", self.model)
            if problem is None:
                raise
            raise ValueError(redact(problem, self._api_key)) from None

    def generate(self, prompts: Sequence[Prompt], *, labels: Sequence[str], n: int = 1,
                 temperature: float = 0.0, max_new_tokens: int = 256) -> list[list[Generation]]:
        out = []
        for prompt in prompts:
            resp = self._create(
                model=self.model, messages=prompt.messages(), n=n, temperature=temperature,
                max_tokens=max_new_tokens, logprobs=True, top_logprobs=self.top_logprobs,
            )
            gens = []
            for choice in resp.choices:
                lp = getattr(choice, "logprobs", None)
                probs = label_probs_from_logprobs(getattr(lp, "content", None), labels) if lp else None
                gens.append(Generation(choice.message.content or "", probs))
            out.append(gens)
        return out

    def score(self, prompts: Sequence[Prompt], *, prefix: str, labels: Sequence[str]) -> list[dict[str, float]]:
        out = []
        for prompt in prompts:
            messages = prompt.messages() + [{"role": "assistant", "content": prefix + " "}]
            resp = self._create(
                model=self.model, messages=messages, max_tokens=1, temperature=0.0, logprobs=True,
                top_logprobs=self.top_logprobs,
                extra_body={"continue_final_message": True, "add_generation_prompt": False},
            )
            lp = getattr(resp.choices[0], "logprobs", None)
            content = getattr(lp, "content", None) or []
            probs = _top_to_probs(_get(content[0], "top_logprobs") or [], labels) if content else None
            if probs is None:
                log.warning("server returned no label logprobs for score mode; is logprobs supported?")
            out.append(probs or {})
        return out
