"""A tiny stdlib HTTP server on 127.0.0.1 that answers scripted responses, for the few answers the
simulator never gives (403/404/422 bodies, Retry-After as an HTTP-date). It also serves LWA tokens."""

from __future__ import annotations

import json
import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class ScriptedServer:
    def __init__(self) -> None:
        self.script: deque[tuple[int, dict[str, str], Any]] = deque()
        self.paths: list[str] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def token_url(self) -> str:
        return self.base_url + "/auth/o2/token"

    def answer(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        self.script.append((status, headers or {}, body))

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _serve(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path.startswith("/auth/o2/token"):
                    status, headers, body = 200, {}, {"access_token": "Atza|scripted", "token_type": "bearer", "expires_in": 3600}
                else:
                    server.paths.append(self.path)
                    status, headers, body = server.script.popleft() if server.script else (500, {}, {"code": "NO_SCRIPT"})
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = _serve

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler
