"""One HTTP exchange with the Ads API or Login with Amazon, retried by the shared policy (stockguard.amazon.retry).

What is Ads-specific lives here: the retries end in AdsApiRetryableError (the SQS message comes back
later), the invocation's TimeBudget can be replaced per Lambda event, requests are counted for the
benchmarks, and the log lines carry method, path, status, profile id and attempt, never headers or bodies.
"""

from __future__ import annotations

import logging
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from stockguard.ads.errors import AdsApiRetryableError
from stockguard.amazon.budget import TimeBudget
from stockguard.amazon.retry import MIN_ATTEMPT_TIMEOUT, RetriesExhausted, RetryEvent, RetryPolicy, send_with_retries

__all__ = ["MIN_ATTEMPT_TIMEOUT", "CallInfo", "RetryingTransport"]

logger = logging.getLogger(__name__)

_LOG = {  # RetryEvent.kind -> (level, message); transport errors are logged by the retry line that follows
    "answer": (logging.DEBUG, "Ads API answer"),
    "retry": (logging.INFO, "Ads API retry"),
    "gave_up": (logging.WARNING, "Ads API call gave up"),
    "budget_stop": (logging.WARNING, "Ads API call stopped: time budget"),
    "budget_spent": (logging.WARNING, "Ads API call not sent: time budget spent"),
}


@dataclass(frozen=True)
class CallInfo:
    """What may be logged about a call."""

    method: str
    path: str
    profile_id: str | None = None


class RetryingTransport:
    def __init__(
        self,
        http: httpx.Client,
        *,
        timeout: float,
        max_attempts: int,
        backoff_base: float,
        backoff_cap: float,
        budget: TimeBudget | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self.http = http
        self.timeout = timeout
        self.policy = RetryPolicy(max_attempts=max_attempts, backoff_base=backoff_base, backoff_cap=backoff_cap, rng=rng)
        self.budget = budget
        self.sleep = sleep
        self.stats: Counter[str] = Counter()  # HTTP requests sent (retries included) by "METHOD /path"

    @property
    def max_attempts(self) -> int:
        """Kept readable for callers that check the wiring (tests of runtime.build_ads_client)."""
        return self.policy.max_attempts

    def send(self, info: CallInfo, url: str, **kwargs: Any) -> httpx.Response:
        """The first non-retryable response; AdsApiRetryableError when attempts or the budget run out."""

        def attempt(timeout: float | None) -> httpx.Response:
            self.stats[f"{info.method} {info.path}"] += 1
            return self.http.request(info.method, url, timeout=timeout, **kwargs)

        try:
            return send_with_retries(
                attempt, policy=self.policy, budget=self.budget, timeout=self.timeout, sleep=self.sleep, observe=lambda e: _log(info, e)
            )
        except RetriesExhausted as stop:
            raise AdsApiRetryableError(stop.describe(f"{info.method} {info.path}"), status=stop.status) from None


def _log(info: CallInfo, event: RetryEvent) -> None:
    level, message = _LOG.get(event.kind, (logging.NOTSET, ""))
    if not message or not logger.isEnabledFor(level):
        return
    extra: dict[str, Any] = {"method": info.method, "path": info.path, "profile_id": info.profile_id, "attempt": event.failures}
    fields = {"status": event.status, "reason": event.reason, "sleep_seconds": event.sleep_seconds}
    extra.update({k: v for k, v in fields.items() if v is not None})
    details = " ".join(f"{k}={v}" for k, v in extra.items() if k not in ("method", "path") and v is not None)
    logger.log(level, "%s: %s %s %s", message, info.method, info.path, details, extra=extra)
