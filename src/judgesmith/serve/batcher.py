"""Micro-batching: work from concurrent requests goes to the model as one call.

Requests submit payloads (judge items, encoded prompts) under a key (same kind,
mode and parameters = same model call). One collector task on the event loop
takes the oldest key's payloads as soon as `max_batch` of them are waiting or
the oldest has waited `max_wait_ms`, and runs the key's runner on the combined
list in a single worker thread: the model never runs on the event loop and never
runs twice at once. While it runs, new requests queue up, so under load batches
fill without waiting. If a combined batch fails, each request is retried alone,
so one bad request cannot fail its neighbours.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Callable, Hashable, Sequence

log = logging.getLogger(__name__)

Runner = Callable[[list[Any]], list[Any]]


@dataclass
class _Entry:
    payload: Any
    future: asyncio.Future
    request: int
    runner: Runner
    arrived: float = field(default_factory=time.monotonic)


class MicroBatcher:
    """Collect payloads per key for up to `max_wait_ms` or `max_batch`, then run them together."""

    def __init__(self, max_batch: int, max_wait_ms: float,
                 on_batch: Callable[[Hashable, int], None] | None = None):
        self.max_batch, self.max_wait = max_batch, max_wait_ms / 1000.0
        self.on_batch = on_batch
        self._executor: ThreadPoolExecutor | None = None
        self._ids = itertools.count()
        self._pending: dict[Hashable, list[_Entry]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task | None = None
        self._wakeup: asyncio.Event | None = None

    async def submit(self, key: Hashable, payloads: Sequence[Any], runner: Runner) -> list[Any]:
        """Results for `payloads`, in order; raises what the runner raised for this request."""
        if not payloads:
            return []
        self._ensure_started()
        loop = asyncio.get_running_loop()
        request = next(self._ids)
        entries = [_Entry(p, loop.create_future(), request, runner) for p in payloads]
        self._pending.setdefault(key, []).extend(entries)
        self._wakeup.set()
        results = await asyncio.gather(*(e.future for e in entries), return_exceptions=True)
        for r in results:
            if isinstance(r, BaseException):
                raise r
        return list(results)

    def _ensure_started(self) -> None:
        loop = asyncio.get_running_loop()
        if self._loop is loop and self._task is not None and not self._task.done():
            return
        self._loop, self._pending = loop, {}  # futures of another (closed) loop cannot be resolved
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="judgesmith-model")
        self._wakeup = asyncio.Event()
        self._task = loop.create_task(self._collect_forever())

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except (asyncio.CancelledError, Exception):  # noqa: BLE001 - shutting down
                pass
        self._task = None
        if self._executor is not None:
            self._executor.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    def _oldest_key(self) -> Hashable | None:
        waiting = [(entries[0].arrived, i, k) for i, (k, entries) in enumerate(self._pending.items()) if entries]
        return min(waiting)[2] if waiting else None

    async def _collect_forever(self) -> None:
        while True:
            key = self._oldest_key()
            if key is None:
                self._wakeup.clear()
                await self._wakeup.wait()
                continue
            await self._fill(key)
            entries = self._pending[key][: self.max_batch]
            del self._pending[key][: len(entries)]
            if not self._pending[key]:
                del self._pending[key]
            await self._dispatch(key, entries)

    async def _fill(self, key: Hashable) -> None:
        """Wait until the key has a full batch or its oldest entry's wait is over."""
        deadline = self._pending[key][0].arrived + self.max_wait
        while len(self._pending[key]) < self.max_batch:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            self._wakeup.clear()
            try:
                await asyncio.wait_for(self._wakeup.wait(), remaining)
            except asyncio.TimeoutError:
                return

    async def _dispatch(self, key: Hashable, entries: list[_Entry]) -> None:
        entries = [e for e in entries if not e.future.done()]  # a client that went away
        if not entries:
            return
        try:
            results = await self._run(key, entries)
        except Exception as exc:  # noqa: BLE001 - handed to the requests that caused it
            requests = sorted({e.request for e in entries})
            if len(requests) == 1:
                _resolve(entries, exc=exc)
                return
            log.warning("batch of %d requests failed (%s); retrying each alone", len(requests), exc)
            for r in requests:
                await self._dispatch_alone(key, [e for e in entries if e.request == r])
            return
        _resolve(entries, results=results)

    async def _dispatch_alone(self, key: Hashable, entries: list[_Entry]) -> None:
        try:
            _resolve(entries, results=await self._run(key, entries))
        except Exception as exc:  # noqa: BLE001
            _resolve(entries, exc=exc)

    async def _run(self, key: Hashable, entries: list[_Entry]) -> list[Any]:
        """One model call in the worker thread (entries of one key share an equivalent runner)."""
        payloads = [e.payload for e in entries]
        if self.on_batch is not None:
            self.on_batch(key, len(payloads))
        runner = entries[0].runner
        results = await asyncio.get_running_loop().run_in_executor(self._executor, runner, payloads)
        if len(results) != len(payloads):
            raise RuntimeError(f"batch runner returned {len(results)} results for {len(payloads)} inputs")
        return results


def _resolve(entries: list[_Entry], results: Sequence[Any] | None = None, exc: BaseException | None = None) -> None:
    for i, e in enumerate(entries):
        if e.future.done():
            continue
        if exc is not None:
            e.future.set_exception(exc)
        else:
            e.future.set_result(results[i])

