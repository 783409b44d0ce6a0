"""The HTTP side shared by the simulators: a ThreadingHTTPServer on 127.0.0.1 that turns each request
into a RawRequest, asks the simulator's dispatcher for an Outcome, records it and writes the reply."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from stockguard_dev.simulator.exchange import Outcome, RawRequest
from stockguard_dev.simulator.recording import RequestLog

HOST = "127.0.0.1"


class LocalHttpServer:
    """Serves `handle` on 127.0.0.1 (ephemeral port unless `port` is given) in a daemon thread.

    `stopping` is set by stop(): pass `stopping.wait` as the sleep of fault delays so a slow
    request is cut short when the simulator stops."""

    def __init__(
        self,
        handle: Callable[[RawRequest], Outcome],
        log: RequestLog,
        *,
        port: int = 0,
        name: str = "simulator",
        server_version: str = "Simulator/1",
    ) -> None:
        self._handle = handle
        self._log = log
        self._port = port
        self._name = name
        self._server_version = server_version
        self.stopping = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> str:
        if self._server is not None:
            return self.base_url
        self.stopping.clear()
        server = ThreadingHTTPServer((HOST, self._port), _handler_class(self))
        server.daemon_threads = True
        server.block_on_close = False
        self._server = server
        self._thread = threading.Thread(target=server.serve_forever, args=(0.05,), name=self._name, daemon=True)
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        self.stopping.set()
        server, self._server = self._server, None
        if server is not None:
            server.shutdown()
            server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError(f"{self._name} is not started")
        return f"http://{HOST}:{self._server.server_address[1]}"

    def _serve_one(self, raw: RawRequest) -> Outcome:
        outcome = self._handle(raw)
        self._log.append(outcome.record)
        return outcome


def _handler_class(owner: LocalHttpServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = owner._server_version

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length > 0 else b""
            headers: dict[str, str] = {}
            for name, value in self.headers.items():
                key = name.lower()
                headers[key] = f"{headers[key]}, {value}" if key in headers else value
            reply = owner._serve_one(RawRequest(self.command, self.path, headers, body)).reply
            payload = b"" if reply.body is None else json.dumps(reply.body).encode()
            try:
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                self.send_header("Content-Length", str(len(payload)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout tests)
                self.close_connection = True

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

        def log_message(self, format: str, *args: Any) -> None:
            """Silent: request lines would be noise in test output."""

    return Handler
