"""HTTP for SP-API and LWA: one httpx client, a fixed user-agent, and the shared retry policy
(stockguard.amazon.retry) tuned to the Notifications API.

The Notifications API allows 1 request per second (burst 5), so a retry waits one second (a fixed
backoff, no jitter) unless a 429 says otherwise in Retry-After. Unlike the Ads API, the last 429/5xx
answer is handed back after the final attempt: its error body makes the message the operator reads.
`sleep` is injected so tests never wait.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import httpx

from stockguard.amazon.retry import RETRYABLE_STATUS, RetriesExhausted, RetryEvent, RetryPolicy, send_with_retries
from stockguard.spapi.errors import SpApiRetryableError

__all__ = ["RETRYABLE_STATUS", "USER_AGENT", "Transport"]

USER_AGENT = "stockguard/0.1 (Language=Python)"

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
        self._policy = RetryPolicy.fixed(retry_delay, max_attempts=max(1, max_attempts))
        self._sleep = sleep

    def close(self) -> None:
        self._client.close()

    def send(self, method: str, url: str, *, operation: str, headers: dict[str, str] | None = None, **kwargs: Any) -> httpx.Response:
        """The final response (possibly still a 429/5xx after the last attempt); raises only when the host is unreachable."""
        headers = {"user-agent": USER_AGENT, **(headers or {})}

        def observe(event: RetryEvent) -> None:
            if event.kind == "error":
                log.debug("%s: %s %s failed (%s), attempt %d", operation, method, _path(url), event.reason, event.failures + 1)
            elif event.kind == "answer":
                log.debug("%s: %s %s -> %d, attempt %d", operation, method, _path(url), event.status, event.failures + 1)

        try:
            # No per-attempt timeout (no budget here): the httpx client's own timeout applies.
            return send_with_retries(
                lambda _timeout: self._client.request(method, url, headers=headers, **kwargs),
                policy=self._policy,
                sleep=self._sleep,
                observe=observe,
            )
        except RetriesExhausted as stop:
            if stop.response is not None:
                return stop.response
            raise SpApiRetryableError(f"{operation}: cannot reach {_host(url)} ({stop.reason})") from None


def _path(url: str) -> str:
    return httpx.URL(url).path


def _host(url: str) -> str:
    u = httpx.URL(url)
    return f"{u.scheme}://{u.host}" + (f":{u.port}" if u.port else "")
