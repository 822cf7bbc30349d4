"""The judge server: `create_app(backend, settings)` wires the routes, batcher, metrics and guards.

Any `Backend` can judge (tests inject a `ScriptedBackend`); the OpenAI-compatible
generation endpoints need a backend that holds a transformers `model` and
`tokenizer` (the HF backend), and answer 501 otherwise.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, AsyncIterator

from judgesmith.judge.backends.base import Backend
from judgesmith.serve.batcher import MicroBatcher
from judgesmith.serve.metrics import ServerMetrics
from judgesmith.serve.settings import ServeSettings


@dataclass
class ServerState:
    """What the route handlers share (on `app.state.judgesmith`)."""

    backend: Backend
    settings: ServeSettings
    batcher: MicroBatcher
    metrics: ServerMetrics
    generator: Any = None


def _generator_for(backend: Any) -> Any:
    if getattr(backend, "model", None) is None or getattr(backend, "tokenizer", None) is None:
        return None
    from judgesmith.serve.generation import Generator

    return Generator(backend.model, backend.tokenizer)


def _batch_label(key: tuple) -> str:
    return str(key[1]) if key[0] == "judge" else str(key[0])


def create_app(backend: Backend, settings: ServeSettings | None = None) -> Any:
    """A FastAPI app serving `backend` (routes in judge_api, openai_api, ops_api)."""
    from fastapi import FastAPI, HTTPException
    from fastapi.exceptions import RequestValidationError

    from judgesmith.serve import judge_api, openai_api, ops_api, reward_api
    from judgesmith.serve.guards import GuardMiddleware, MetricsMiddleware, http_error, validation_error

    settings = settings or ServeSettings()
    metrics = ServerMetrics()
    batcher = MicroBatcher(settings.max_batch, settings.max_wait_ms,
                           on_batch=lambda key, size: metrics.record_batch(_batch_label(key), size))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await batcher.close()

    app = FastAPI(title="judgesmith judge server", version="0.1.0", docs_url=None, redoc_url=None,
                  lifespan=lifespan,
                  description="Prometheus-style LLM judge: absolute and pairwise verdicts, rewards for RL "
                              "(OpenRLHF /get_reward, vLLM-style /score), OpenAI-compatible generation with "
                              "logprobs, Prometheus metrics.")
    app.state.judgesmith = ServerState(backend, settings, batcher, metrics, _generator_for(backend))
    routers = (judge_api.router, reward_api.router, openai_api.router, ops_api.router)
    for router in routers:
        app.include_router(router)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(RequestValidationError, validation_error)
    known = {r.path for router in routers for r in router.routes}
    app.add_middleware(GuardMiddleware, api_key=settings.api_key, max_body_bytes=settings.max_body_bytes,
                       host_names=settings.host_names())
    app.add_middleware(MetricsMiddleware, metrics=metrics, known_paths=lambda: known)
    return app
