"""HTTP for SP-API and LWA: one httpx client, a fixed user-agent, and a small retry on 429 / 5xx.

The Notifications API allows 1 request per second (burst 5), so a retry simply waits one second;
nothing reads Retry-After or rate-limit headers. `sleep` is injected so tests never wait.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import httpx

from stockguard.spapi.errors import SpApiError

USER_AGENT = "stockguard/0.1 (Language=Python)"
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})

log = logging.getLogger("stockguard.spapi")


class Transport:
    def __init__(
        self,
        *,
        client: httpx.Client | None = None,
        max_attempts: int = 4,
        retry_delay: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        timeout: float = 15.0,
    ) -> None:
        self._client = client or httpx.Client(timeout=timeout, headers={"user-agent": USER_AGENT})
        self._max_attempts = max(1, max_attempts)
        self._retry_delay = retry_delay
        self._sleep = sleep

    def close(self) -> None:
        self._client.close()

    def send(self, method: str, url: str, *, operation: str, headers: dict[str, str] | None = None, **kwargs: Any) -> httpx.Response:
        """The final response (possibly still a 429/5xx after the last attempt); raises only when the host is unreachable."""
        headers = {"user-agent": USER_AGENT, **(headers or {})}
        for attempt in range(1, self._max_attempts + 1):
            try:
                response = self._client.request(method, url, headers=headers, **kwargs)
            except httpx.TransportError as exc:
                log.debug("%s: %s %s failed (%s), attempt %d", operation, method, _path(url), type(exc).__name__, attempt)
                if attempt == self._max_attempts:
                    raise SpApiError(f"{operation}: cannot reach {_host(url)} ({type(exc).__name__})") from None
            else:
                log.debug("%s: %s %s -> %d, attempt %d", operation, method, _path(url), response.status_code, attempt)
                if response.status_code not in RETRYABLE_STATUS or attempt == self._max_attempts:
                    return response
            self._sleep(self._retry_delay)
        raise AssertionError("unreachable")  # pragma: no cover


def _path(url: str) -> str:
    return httpx.URL(url).path


def _host(url: str) -> str:
    u = httpx.URL(url)
    return f"{u.scheme}://{u.host}" + (f":{u.port}" if u.port else "")
