"""Run the app under uvicorn in a background thread (tests, benchmarks, notebooks).

The socket is bound before the server starts (port 0 = a free port chosen by
the OS), so there is no race between picking a port and using it. Requests get the app's read
timeout (`ServeSettings.read_timeout_s`, see `serve.timeouts`), as under `judgesmith serve`.
"""

from __future__ import annotations

import socket
import threading
import time
from typing import Any


class LiveServer:
    """`with LiveServer(app) as server: server.url ...` starts uvicorn on loopback and stops it on exit."""

    def __init__(self, app: Any, host: str = "127.0.0.1", port: int = 0, startup_timeout: float = 30.0):
        self.app, self.host, self.port, self.startup_timeout = app, host, port, startup_timeout
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> "LiveServer":
        import uvicorn

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((self.host, self.port))
        self.port = sock.getsockname()[1]
        from judgesmith.serve.timeouts import read_timeout_protocol

        state = getattr(getattr(self.app, "state", None), "judgesmith", None)
        seconds = getattr(getattr(state, "settings", None), "read_timeout_s", 10.0)
        config = uvicorn.Config(self.app, log_level="warning", access_log=False, lifespan="on",
                                http=read_timeout_protocol(seconds))
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True,
                                        name="judgesmith-uvicorn")
        self._thread.start()
        deadline = time.monotonic() + self.startup_timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"uvicorn did not start on {self.url} within {self.startup_timeout} s")
            time.sleep(0.02)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)

    def __enter__(self) -> "LiveServer":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
