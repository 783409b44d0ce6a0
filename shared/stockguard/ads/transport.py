"""One HTTP exchange with the Ads API or Login with Amazon, retried the way Amazon asks (ads-api.md §8).

429 waits Retry-After when given, else capped exponential backoff with full jitter; 5xx, timeouts and
transport errors back off the same way; every other status is returned to the caller untouched.
Backoff state lives in the call, so one profile's throttling never slows another profile's calls.
Log lines carry method, path, status, profile id and attempt, never headers or bodies.
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
from stockguard.ads.retry import RETRYABLE_STATUS, TimeBudget, backoff_seconds, retry_after_seconds

logger = logging.getLogger(__name__)

MIN_ATTEMPT_TIMEOUT = 1.0  # a request is never sent with less time than this (the budget keeps a reserve)


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
        if max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")
        self.http = http
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.base, self.cap = backoff_base, backoff_cap
        self.budget = budget
        self.sleep, self.rng = sleep, rng
        self.stats: Counter[str] = Counter()  # HTTP requests sent (retries included) by "METHOD /path"

    def send(self, info: CallInfo, url: str, **kwargs: Any) -> httpx.Response:
        """The first non-retryable response; AdsApiRetryableError when attempts or the budget run out."""
        attempt = 0
        while True:
            self._check_budget(info, attempt)
            self.stats[f"{info.method} {info.path}"] += 1
            try:
                response = self.http.request(info.method, url, timeout=self._attempt_timeout(), **kwargs)
            except httpx.TransportError as error:  # timeouts included
                status, reason = None, type(error).__name__
                delay = backoff_seconds(attempt, base=self.base, cap=self.cap, rng=self.rng)
            else:
                self._log(logging.DEBUG, "Ads API answer", info, attempt, status=response.status_code)
                if response.status_code not in RETRYABLE_STATUS:
                    return response
                status, reason = response.status_code, f"HTTP {response.status_code}"
                hinted = retry_after_seconds(response.headers.get("Retry-After")) if status == 429 else None
                delay = hinted if hinted is not None else backoff_seconds(attempt, base=self.base, cap=self.cap, rng=self.rng)
            attempt += 1
            if attempt >= self.max_attempts:
                self._log(logging.WARNING, "Ads API call gave up", info, attempt, status=status, reason=reason)
                raise AdsApiRetryableError(f"{info.method} {info.path}: {reason} after {attempt} attempts", status=status)
            if self.budget is not None and not self.budget.allows(delay):
                self._log(logging.WARNING, "Ads API call stopped: time budget", info, attempt, status=status, reason=reason)
                raise AdsApiRetryableError(
                    f"{info.method} {info.path}: {reason}; waiting {delay:.1f}s would pass the time budget", status=status
                )
            self._log(logging.INFO, "Ads API retry", info, attempt, status=status, reason=reason, sleep_seconds=round(delay, 3))
            self.sleep(delay)

    def _check_budget(self, info: CallInfo, attempt: int) -> None:
        if self.budget is not None and self.budget.remaining() <= 0:
            self._log(logging.WARNING, "Ads API call not sent: time budget spent", info, attempt)
            raise AdsApiRetryableError(f"{info.method} {info.path}: time budget spent")

    def _attempt_timeout(self) -> float:
        if self.budget is None:
            return self.timeout
        return max(MIN_ATTEMPT_TIMEOUT, min(self.timeout, self.budget.remaining()))

    @staticmethod
    def _log(level: int, message: str, info: CallInfo, attempt: int, **fields: Any) -> None:
        if logger.isEnabledFor(level):
            extra = {"method": info.method, "path": info.path, "profile_id": info.profile_id, "attempt": attempt}
            extra.update({k: v for k, v in fields.items() if v is not None})
            details = " ".join(f"{k}={v}" for k, v in extra.items() if k not in ("method", "path") and v is not None)
            logger.log(level, "%s: %s %s %s", message, info.method, info.path, details, extra=extra)
