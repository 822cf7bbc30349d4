"""A read timeout for uvicorn: a client must send its whole request (headers and body) in time.

uvicorn's h11 protocol waits as long as a client likes for the bytes of a request, so 40 clients
sending one byte a second held 40 connections for 40 s. The protocol below arms a timer when a
connection opens and when a new request's first bytes arrive, and cancels it as soon as the request
is complete (the judging itself is never timed). When it fires before that, the client gets a 408
and the connection is closed; a response already under way is left alone.
"""

from __future__ import annotations

import json
from typing import Any


def _timeout_response(seconds: float) -> bytes:
    message = f"request not received within {seconds:g} s; send the whole request at once"
    body = json.dumps({"detail": message, "error": {"message": message, "type": "invalid_request_error",
                                                    "code": 408}}).encode()
    head = (f"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/json\r\nconnection: close\r\n"
            f"content-length: {len(body)}\r\n\r\n").encode()
    return head + body


def read_timeout_protocol(seconds: float) -> type:
    """A uvicorn `http=` protocol class (h11) that gives each request `seconds` to arrive in full."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    if seconds <= 0:
        raise ValueError(f"the read timeout must be > 0 seconds, got {seconds}")

    class ReadTimeoutProtocol(H11Protocol):
        read_timeout = seconds
        _read_timer: Any = None

        def connection_made(self, transport: Any) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()  # a connection that never sends a byte is timed too

        def data_received(self, data: bytes) -> None:
            if self._read_timer is None and self.conn.their_state is h11.IDLE:
                self._arm()
            super().data_received(data)
            if self.conn.their_state not in (h11.IDLE, h11.SEND_BODY):
                self._disarm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            self._disarm()
            self._read_timer = self.loop.call_later(self.read_timeout, self._timed_out)

        def _disarm(self) -> None:
            if self._read_timer is not None:
                self._read_timer.cancel()
                self._read_timer = None

        def _timed_out(self) -> None:
            self._read_timer = None
            if self.transport.is_closing() or (self.cycle is not None and self.cycle.response_started):
                return
            self.transport.write(_timeout_response(self.read_timeout))
            if self.cycle is not None:  # the app may be waiting for the body: tell it the client is gone
                self.cycle.disconnected = True
                self.cycle.message_event.set()
            self.transport.close()

    return ReadTimeoutProtocol
