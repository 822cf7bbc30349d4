"""Operations routes: `/healthz` (always open), `/metrics` (Prometheus text), the page at `/`."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, PlainTextResponse

from judgesmith.serve.page import page_html

router = APIRouter(tags=["ops"])


@router.get("/healthz")
async def healthz(request: Request) -> dict[str, Any]:
    """Liveness; open even when an API key is set."""
    state = request.app.state.judgesmith
    return {"status": "ok", "model": state.settings.model_name, "backend": state.backend.name,
            "generation": state.generator is not None}


@router.get("/metrics", response_class=PlainTextResponse)
async def prometheus_metrics(request: Request):  # noqa: ANN201 - a return annotation would become a response model
    """Prometheus text exposition format 0.0.4."""
    text = request.app.state.judgesmith.metrics.render()
    return PlainTextResponse(text, media_type="text/plain; version=0.0.4; charset=utf-8")


@router.get("/", include_in_schema=False, response_class=HTMLResponse)
async def page():  # noqa: ANN201
    return HTMLResponse(page_html())
