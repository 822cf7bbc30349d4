"""Async client for any OpenAI-compatible teacher (hosted API, vLLM, llama.cpp server, `judgesmith serve`).

Calls are limited by a semaphore (`concurrency`); 429, 5xx, timeouts and broken
connections are retried with exponential backoff (honouring `Retry-After`), so a
rate-limited API slows the run down instead of dropping rows. Other 4xx answers
(wrong key, unknown model) stop the run: retrying cannot fix them. Token usage is
read from each answer's `usage`.
"""

from __future__ import annotations

import asyncio
import logging
import random
from dataclasses import dataclass
from typing import Any, Callable

from judgesmith.prompts import Prompt

log = logging.getLogger(__name__)

RETRY_STATUS = {408, 409, 425, 429, 500, 502, 503, 504}


class TeacherError(RuntimeError):
    """The teacher could not answer after every retry (the call is not recorded; a rerun tries again)."""


class TeacherFatal(ValueError):
    """The teacher refused in a way retrying cannot fix (401, 404, a bad request)."""


@dataclass(frozen=True)
class TeacherConfig:
    base_url: str
    model: str
    api_key: str | None = None
    concurrency: int = 4
    max_retries: int = 5
    backoff_s: float = 1.0
    timeout_s: float = 300.0
    temperature: float = 0.7
    max_tokens: int = 1024


@dataclass(frozen=True)
class Answer:
    text: str
    finish_reason: str | None
    tokens_in: int
    tokens_out: int


@dataclass
class Usage:
    """What this process spent: calls, tokens and transport retries (429/5xx/timeouts)."""

    calls: int = 0
    tokens_in: int = 0
    tokens_out: int = 0
    http_retries: int = 0
    failed_calls: int = 0


class Teacher:
    """`await teacher.chat(prompt, seed=...)` -> Answer; use as `async with Teacher(config) as t`."""

    def __init__(self, config: TeacherConfig, transport: Any = None):
        self.config = config
        self.usage = Usage()
        self._transport = transport
        self._client: Any = None
        self._sem = asyncio.Semaphore(config.concurrency)

    async def __aenter__(self) -> "Teacher":
        try:
            import httpx
        except ImportError:
            raise ValueError("synthesis needs httpx: pip install 'judgesmith[synthesize]'") from None

        if logging.getLogger("httpx").level == logging.NOTSET:
            logging.getLogger("httpx").setLevel(logging.WARNING)  # not one INFO line per request
        headers = {"Authorization": f"Bearer {self.config.api_key}"} if self.config.api_key else {}
        self._client = httpx.AsyncClient(base_url=self.config.base_url.rstrip("/") + "/", headers=headers,
                                         timeout=self.config.timeout_s, transport=self._transport)
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self._client.aclose()

    def _body(self, prompt: Prompt, seed: int, max_tokens: int | None) -> dict[str, Any]:
        return {"model": self.config.model, "messages": prompt.messages(), "temperature": self.config.temperature,
                "max_tokens": max_tokens or self.config.max_tokens, "seed": seed}

    async def chat(self, prompt: Prompt, seed: int, max_tokens: int | None = None,
                   gate: Callable[[], None] | None = None) -> Answer:
        """One chat completion, retried on transient errors; raises TeacherError or TeacherFatal.

        `gate` runs once a concurrency slot is free, right before the call (a budget check
        there sees every answer that came back while this call waited).
        """
        async with self._sem:
            if gate is not None:
                gate()
            return await self._with_retries(self._body(prompt, seed, max_tokens))

    async def _with_retries(self, body: dict[str, Any]) -> Answer:
        import httpx

        last = "no attempt"
        for attempt in range(self.config.max_retries + 1):
            if attempt:
                self.usage.http_retries += 1
            try:
                r = await self._client.post("chat/completions", json=body)
            except (httpx.TimeoutException, httpx.TransportError) as exc:
                last, wait = f"{type(exc).__name__}: {exc}", None
            else:
                if r.status_code == 200:
                    return self._answer(r)
                if r.status_code not in RETRY_STATUS:
                    raise TeacherFatal(f"teacher {self.config.base_url} answered {r.status_code}: {r.text[:300]} "
                                       "(check --teacher-base-url, --teacher-model and --api-key)")
                last, wait = f"HTTP {r.status_code}", _retry_after(r)
            if attempt < self.config.max_retries:
                delay = wait if wait is not None else self.config.backoff_s * 2 ** attempt * (0.5 + random.random())
                log.debug("teacher: %s; retry %d in %.2f s", last, attempt + 1, delay)
                await asyncio.sleep(delay)
        self.usage.failed_calls += 1
        raise TeacherError(f"teacher failed after {self.config.max_retries + 1} attempts: {last}")

    def _answer(self, r: Any) -> Answer:
        try:
            data = r.json()
            choice = data["choices"][0]
            text = (choice.get("message") or {}).get("content") or ""
        except (ValueError, KeyError, IndexError, TypeError, AttributeError):
            text, choice, data = "", {}, {}
        usage = data.get("usage") or {} if isinstance(data, dict) else {}
        answer = Answer(str(text), choice.get("finish_reason"), int(usage.get("prompt_tokens") or 0),
                        int(usage.get("completion_tokens") or 0))
        self.usage.calls += 1
        self.usage.tokens_in += answer.tokens_in
        self.usage.tokens_out += answer.tokens_out
        return answer


def _retry_after(r: Any) -> float | None:
    try:
        return min(float(r.headers.get("retry-after")), 60.0)
    except (TypeError, ValueError):
        return None
