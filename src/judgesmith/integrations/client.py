"""One way to ask for verdicts, whether the judge is a local `Judge` or a running `judgesmith serve`.

A local judge grades in-process with whatever backend it was built on. A URL is
the base of a `judgesmith serve` (with or without its `/v1` suffix, so the same
string works for the OpenAI-compatible endpoints): items go to
`/v1/judge/absolute|pairwise` in chunks of `max_items`, so one reward call is
one or a few HTTP requests that the server micro-batches into model calls.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from typing import Any, Sequence

from judgesmith.judge.engine import Judge
from judgesmith.records import AbsoluteItem, PairwiseItem, Verdict

log = logging.getLogger(__name__)

Item = AbsoluteItem | PairwiseItem


def _payload(item: Item) -> dict[str, Any]:
    d = item.to_dict()
    return {k: v for k, v in d.items() if v is not None}


def server_root(url: str) -> str:
    """`http://host:8000/v1/` -> `http://host:8000`: the judge endpoints sit next to the OpenAI ones."""
    root = url.strip().rstrip("/")
    return root[: -len("/v1")] if root.endswith("/v1") else root


def _verdicts(response: Any, expected: int) -> list[Verdict]:
    if response.status_code != 200:
        try:
            detail = response.json().get("detail", response.text)
        except ValueError:
            detail = response.text
        raise RuntimeError(f"judge server answered {response.status_code}: {detail}")
    verdicts = [Verdict.from_dict(v) for v in response.json()["verdicts"]]
    if len(verdicts) != expected:
        raise RuntimeError(f"judge server returned {len(verdicts)} verdicts for {expected} items")
    return verdicts


class JudgeClient:
    """Grade items on a local `Judge` or a `judgesmith serve` URL; errors propagate (callers decide)."""

    def __init__(self, judge_or_url: Judge | str, *, api_key: str | None = None, judge_mode: str | None = None,
                 max_items: int = 64, timeout: float = 600.0):
        if isinstance(judge_or_url, str):
            if not judge_or_url.startswith(("http://", "https://")):
                raise ValueError(f"{judge_or_url!r} is not a URL; pass a Judge or the http(s) URL of a "
                                 "`judgesmith serve`")
            self.judge, self.root = None, server_root(judge_or_url)
        elif isinstance(judge_or_url, Judge):
            self.judge, self.root = judge_or_url, None
        else:
            raise TypeError(f"expected a judgesmith Judge or a server URL, got {type(judge_or_url).__name__}")
        if max_items < 1:
            raise ValueError(f"max_items must be >= 1, got {max_items}")
        self.api_key, self.judge_mode, self.max_items, self.timeout = api_key, judge_mode, max_items, timeout

    def __repr__(self) -> str:
        return f"JudgeClient({self.root or self.judge.backend.name!r})"

    # --- local -------------------------------------------------------------------------------------

    def _local(self, kind: str, items: Sequence[Item], swap: bool) -> list[Verdict]:
        judge = self.judge
        if kind == "pairwise" and judge.config.swap != swap:
            judge = Judge(judge.backend, replace(judge.config, swap=swap))
        return judge.grade_absolute(items) if kind == "absolute" else judge.grade_pairwise(items)

    # --- server ------------------------------------------------------------------------------------

    def _requests(self, kind: str, items: Sequence[Item], swap: bool) -> list[tuple[str, dict, int]]:
        body: dict[str, Any] = {"swap": swap} if kind == "pairwise" else {}
        if self.judge_mode:
            body["mode"] = self.judge_mode
        url = f"{self.root}/v1/judge/{kind}"
        return [(url, {**body, "items": [_payload(it) for it in items[i:i + self.max_items]]},
                 len(items[i:i + self.max_items])) for i in range(0, len(items), self.max_items)]

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}

    def grade(self, kind: str, items: Sequence[Item], swap: bool = False) -> list[Verdict]:
        """Verdicts in item order; raises on a judge or server failure."""
        if not items:
            return []
        if self.judge is not None:
            return self._local(kind, items, swap)
        import httpx

        out: list[Verdict] = []
        with httpx.Client(timeout=self.timeout, headers=self._headers()) as client:
            for url, body, n in self._requests(kind, items, swap):
                out.extend(_verdicts(client.post(url, json=body), n))
        return out

    async def agrade(self, kind: str, items: Sequence[Item], swap: bool = False) -> list[Verdict]:
        """Async `grade`: chunks go out concurrently; a local judge runs in a worker thread."""
        if not items:
            return []
        if self.judge is not None:
            return await asyncio.to_thread(self._local, kind, items, swap)
        import httpx

        async with httpx.AsyncClient(timeout=self.timeout, headers=self._headers()) as client:
            requests = self._requests(kind, items, swap)
            responses = await asyncio.gather(*(client.post(url, json=body) for url, body, _ in requests))
        return [v for resp, (_, _, n) in zip(responses, requests) for v in _verdicts(resp, n)]
