"""ASGI middleware around the app: metrics outside, then API key and body-size limits.

Pure ASGI (not BaseHTTPMiddleware) so a rejected request never reaches routing
and the body limit holds for chunked uploads without a Content-Length.
"""

from __future__ import annotations

import hmac
import json
import time
from typing import Any, Awaitable, Callable

from judgesmith.serve.metrics import ServerMetrics

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[dict], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

OPEN_PATHS = frozenset({"/healthz", "/"})


async def send_error(send: Send, status: int, message: str, headers: dict[str, str] | None = None) -> None:
    """JSON error with both FastAPI's `detail` and OpenAI's `error` shape, so either client reads it."""
    body = json.dumps({"detail": message, "error": {"message": message, "type": error_type(status),
                                                    "code": status}}).encode()
    raw = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


async def http_error(request: Any, exc: Any) -> Any:
    """FastAPI handler for HTTPException: the same body shape as `send_error`."""
    from fastapi.responses import JSONResponse

    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    body = {"detail": detail, "error": {"message": detail, "type": error_type(exc.status_code),
                                        "code": exc.status_code}}
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


def error_type(status: int) -> str:
    return {401: "authentication_error", 413: "request_too_large"}.get(
        status, "invalid_request_error" if status < 500 else "server_error")


class MetricsMiddleware:
    """Count every HTTP request by endpoint and status, and time it."""

    def __init__(self, app: ASGIApp, metrics: ServerMetrics, known_paths: Callable[[], set[str]]):
        self.app, self.metrics, self.known_paths = app, metrics, known_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start, status = time.perf_counter(), {"code": 500}

        async def send_wrapper(message: dict) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            path = scope.get("path", "")
            endpoint = path if path in self.known_paths() else "other"
            self.metrics.record_request(endpoint, status["code"], time.perf_counter() - start)


class GuardMiddleware:
    """401 without the right `Authorization: Bearer KEY` (when a key is set); 413 past the body limit."""

    def __init__(self, app: ASGIApp, api_key: str | None, max_body_bytes: int):
        self.app, self.api_key, self.max_body = app, api_key, max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.api_key and scope.get("path") not in OPEN_PATHS and not self._authorized(scope):
            await send_error(send, 401, "missing or wrong API key: send 'Authorization: Bearer <key>'",
                             {"WWW-Authenticate": "Bearer"})
            return
        length = _header(scope, b"content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            await send_error(send, 413, f"request body over the {self.max_body}-byte limit")
            return
        if scope.get("method") in ("POST", "PUT", "PATCH"):
            body = await self._read_body(receive)
            if body is None:
                await send_error(send, 413, f"request body over the {self.max_body}-byte limit")
                return
            receive = _replay(body, receive)
        await self.app(scope, receive, send)

    def _authorized(self, scope: Scope) -> bool:
        header = _header(scope, b"authorization") or ""
        scheme, _, token = header.partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(token.strip().encode(), self.api_key.encode())

    async def _read_body(self, receive: Receive) -> bytes | None:
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return b"".join(chunks)
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def _replay(body: bytes, original: Receive) -> Receive:
    """Hand the already-read body to the app once, then pass on the real receive (disconnects)."""
    sent = {"done": False}

    async def receive() -> dict:
        if sent["done"]:
            return await original()
        sent["done"] = True
        return {"type": "http.request", "body": body, "more_body": False}

    return receive
