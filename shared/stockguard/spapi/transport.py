"""HTTP for SP-API and LWA: one httpx client, a fixed user-agent, and the shared retry policy
(stockguard.amazon.retry).

By default the policy is tuned to the Notifications API (`stockguard subscribe`): it allows 1 request per
second (burst 5), so a retry waits one second (a fixed backoff, no jitter) unless a 429 says otherwise in
Retry-After. The pull client (pull_client.py) passes the shared exponential backoff instead, a TimeBudget
and, per request, the token bucket of its operation (rate_limit.py): the bucket is waited for before every
attempt (retries included) and told about every answer (its rate header, a 429).

Unlike the Ads API, the last 429/5xx answer is handed back after the final attempt: its error body makes
the message the operator reads. When the budget stops the loop, SpApiRetryableError is raised instead
(there is nothing more to read than "no time left"). Requests are counted by operation in `stats`.
`sleep` is injected so tests never wait.
"""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

import httpx

from stockguard.amazon.budget import TimeBudget
from stockguard.amazon.retry import RETRYABLE_STATUS, RetriesExhausted, RetryEvent, RetryPolicy, send_with_retries
from stockguard.spapi.errors import SpApiRetryableError
from stockguard.spapi.rate_limit import TokenBucket

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
        policy: RetryPolicy | None = None,
        budget: TimeBudget | None = None,
    ) -> None:
        """`policy` replaces the fixed `retry_delay` policy (then `max_attempts` is the policy's)."""
        self._client = client or httpx.Client(timeout=timeout, headers={"user-agent": USER_AGENT})
        self._policy = policy or RetryPolicy.fixed(retry_delay, max_attempts=max(1, max_attempts))
        self._sleep = sleep
        self._timeout = timeout
        self.budget = budget  # the current invocation's deadline (None: no deadline, the subscribe CLI)
        self.stats: Counter[str] = Counter()  # HTTP requests sent (retries included) by operation

    def close(self) -> None:
        self._client.close()

    def send(
        self,
        method: str,
        url: str,
        *,
        operation: str,
        headers: dict[str, str] | None = None,
        limit: TokenBucket | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """The final response (possibly still a 429/5xx after the last attempt); raises SpApiRetryableError
        when the host is unreachable or the time budget stops the retries (or the wait for `limit`)."""
        headers = {"user-agent": USER_AGENT, **(headers or {})}
        budget = self.budget

        def observe(event: RetryEvent) -> None:
            if event.kind == "error":
                log.debug("%s: %s %s failed (%s), attempt %d", operation, method, _path(url), event.reason, event.failures + 1)
            elif event.kind == "answer":
                log.debug("%s: %s %s -> %d, attempt %d", operation, method, _path(url), event.status, event.failures + 1)

        def attempt(timeout: float | None) -> httpx.Response:
            if limit is not None:
                limit.acquire(budget)
            self.stats[operation] += 1
            # Without a budget no per-attempt timeout is passed: the httpx client's own timeout applies.
            per_attempt = timeout if budget is not None else httpx.USE_CLIENT_DEFAULT
            response = self._client.request(method, url, headers=headers, timeout=per_attempt, **kwargs)
            if limit is not None:
                limit.observe(response)
            return response

        try:
            return send_with_retries(
                attempt,
                policy=self._policy,
                budget=budget,
                timeout=self._timeout if budget is not None else None,
                sleep=self._sleep,
                observe=observe,
            )
        except RetriesExhausted as stop:
            if stop.why != "attempts":
                raise SpApiRetryableError(stop.describe(operation), status=stop.status) from None
            if stop.response is not None:
                return stop.response
            raise SpApiRetryableError(f"{operation}: cannot reach {_host(url)} ({stop.reason})") from None


def _path(url: str) -> str:
    return httpx.URL(url).path


def _host(url: str) -> str:
    u = httpx.URL(url)
    return f"{u.scheme}://{u.host}" + (f":{u.port}" if u.port else "")
