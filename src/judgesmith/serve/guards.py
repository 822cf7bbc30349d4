"""ASGI middleware around the app: metrics outside, then Host allow-list, API key and body-size limits.

Pure ASGI (not BaseHTTPMiddleware) so a rejected request never reaches routing
and the body limit holds for chunked uploads without a Content-Length. Without an
API key, a web page on another site could reach a loopback server by rebinding
its DNS name to 127.0.0.1; the browser then still sends that name as `Host`, so
only IP literals, the loopback names and configured names are answered.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import time
from typing import Any, Awaitable, Callable

from judgesmith.items import FIELD_ERROR
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


def _safe(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")  # never fail to encode an error


def _json_error(status: int, message: str, headers: dict[str, str] | None = None, detail: Any = None) -> Any:
    from fastapi.responses import JSONResponse

    message = _safe(message)
    body = {"detail": message if detail is None else detail,
            "error": {"message": message, "type": error_type(status), "code": status}}
    return JSONResponse(body, status_code=status, headers=headers)


async def http_error(request: Any, exc: Any) -> Any:
    """FastAPI handler for HTTPException: the same body shape as `send_error`."""
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    return _json_error(exc.status_code, detail, exc.headers)


def _where(loc: Any) -> str:
    """("body", "items", 0, "instruction") -> "items[0].instruction"."""
    out = ""
    for part in list(loc)[1:] if loc and loc[0] == "body" else list(loc):
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


async def validation_error(request: Any, exc: Any) -> Any:
    """422 naming each bad field (FastAPI's `detail` list, less the echoed input) plus one readable message.

    The input is never echoed: a NaN or a lone surrogate in it cannot be encoded back
    (FastAPI's own handler then fails with a 500 and drops the connection).
    """
    errors = [{"loc": list(e.get("loc", ())), "msg": _safe(str(e.get("msg", "invalid value"))),
               "type": str(e.get("type", "value_error"))} for e in exc.errors()]
    parts = []
    for err in errors[:5]:
        loc = err["loc"][:-1] if err["type"] == FIELD_ERROR else err["loc"]  # the message names its field
        where, msg = _where(loc), err["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {msg}" if where and not msg.startswith(where) else msg)
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    return _json_error(422, "; ".join(parts) + more, detail=errors)


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


def host_name(header: str) -> str:
    """`Host` header -> lower-case name without port or IPv6 brackets ("[::1]:8000" -> "::1")."""
    value = header.strip().lower()
    if value.startswith("["):
        return value[1:].partition("]")[0]
    name, colon, port = value.rpartition(":")
    if colon and port.isdigit() and ":" not in name:
        value = name
    return value.rstrip(".")


def host_allowed(header: str | None, names: frozenset[str] | None, server: Any) -> bool:
    """IP literals, the server's own address and `names` pass; None means any Host will do."""
    if names is None or header is None:
        return True
    name = host_name(header)
    try:
        ipaddress.ip_address(name)
        return True  # an IP literal cannot be rebound
    except ValueError:
        pass
    own = str(server[0]).lower() if server else None
    return name in names or name == own


class GuardMiddleware:
    """400 for a Host outside the allow-list (no key); 401 without the right key (when set); 413 past the body limit."""

    def __init__(self, app: ASGIApp, api_key: str | None, max_body_bytes: int,
                 host_names: frozenset[str] | None = None):
        self.app, self.api_key, self.max_body, self.host_names = app, api_key, max_body_bytes, host_names

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = _header(scope, b"host")
        if not host_allowed(host, self.host_names, scope.get("server")):
            await send_error(send, 400, f"Host {host_name(host or '')!r} is not allowed: without an API key this "
                                        "server answers only to IP addresses, localhost and the names given with "
                                        "--allowed-hosts (DNS-rebinding protection); add the name there or set "
                                        "--api-key")
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
