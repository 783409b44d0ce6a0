"""Client-side rate limiting of the SP-API pull operations: one token bucket per (operation, seller).

Why a bucket before every request, when the retry policy already handles 429: the SP-API meters each
operation per selling partner and application (a usage plan: a rate in requests per second and a burst),
and getCompetitiveSummary allows one call every ~30 s. Sending blindly and backing off after each 429
would spend the Lambda's time budget on refused calls, so the client
waits for its own bucket first and a 429 becomes the exception.

- Default usage plans (reference sp-api-notifications.md §10): getInventorySummaries 2/s burst 2,
  getListingsItem 5/s burst 10, getCompetitiveSummary 0.033/s burst 1. A bucket starts full.
- Amazon reports the plan it actually applies in the `x-amzn-RateLimit-Limit` response header (§9):
  when an answer carries it, the bucket adopts that rate (the burst stays the default's).
- A 429 empties the bucket: Amazon says we are over the plan, so the next attempt waits one whole
  interval (1 / rate), besides the retry policy's backoff or Retry-After (the bucket refills while the
  retry loop sleeps, so the two waits overlap rather than add up).
- Never past the TimeBudget: when the wait for a token would pass the invocation's deadline, nothing is
  slept and SpApiRetryableError is raised (the SQS message, or the next scheduled run, tries again).

A request reserves its token under the bucket's lock and sleeps outside it, so concurrent callers of
one bucket queue up in order. `clock` and `sleep` are injectable: tests advance a fake clock.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import httpx

from stockguard.amazon.budget import TimeBudget
from stockguard.spapi.errors import SpApiRetryableError

__all__ = ["DEFAULT_PLANS", "RATE_LIMIT_HEADER", "RateLimiter", "TokenBucket", "UsagePlan", "rate_limit_header"]

RATE_LIMIT_HEADER = "x-amzn-RateLimit-Limit"


@dataclass(frozen=True)
class UsagePlan:
    """Requests per second and how many may be sent at once after a pause."""

    rate: float
    burst: int

    def __post_init__(self) -> None:
        if self.rate <= 0 or self.burst < 1:
            raise ValueError("a usage plan needs a positive rate and a burst of at least 1")


DEFAULT_PLANS: Mapping[str, UsagePlan] = {
    "getInventorySummaries": UsagePlan(rate=2.0, burst=2),
    "getListingsItem": UsagePlan(rate=5.0, burst=10),
    "getCompetitiveSummary": UsagePlan(rate=0.033, burst=1),
}
# An operation without a known plan: the most conservative plan SP-API documents for a read.
FALLBACK_PLAN = UsagePlan(rate=0.5, burst=1)


def rate_limit_header(response: httpx.Response) -> float | None:
    """The rate of `x-amzn-RateLimit-Limit` (requests per second), None when absent or unreadable."""
    value = response.headers.get(RATE_LIMIT_HEADER)
    if not value:
        return None
    try:
        rate = float(value)
    except ValueError:
        return None
    return rate if math.isfinite(rate) and rate > 0 else None


class TokenBucket:
    """The bucket of one (operation, seller)."""

    def __init__(self, operation: str, plan: UsagePlan, *, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        self.operation = operation
        self.burst = plan.burst
        self._rate = plan.rate
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._tokens = float(plan.burst)  # may go negative: tokens reserved by callers still waiting
        self._updated = clock()

    def __repr__(self) -> str:
        return f"TokenBucket({self.operation!r}, rate={self._rate}, burst={self.burst})"

    @property
    def rate(self) -> float:
        return self._rate

    def acquire(self, budget: TimeBudget | None = None) -> float:
        """Take one token, sleeping until it is there; returns the seconds waited.

        Raises SpApiRetryableError, without sleeping or taking the token, when the wait would pass `budget`."""
        with self._lock:
            self._refill()
            wait = 0.0 if self._tokens >= 1 else (1 - self._tokens) / self._rate
            if wait > 0 and budget is not None and not budget.allows(wait):
                raise SpApiRetryableError(
                    f"{self.operation}: rate limited ({self._rate:g} requests/s); waiting {wait:.1f}s would pass the time budget",
                    status=429,
                    code="RateLimited",
                )
            self._tokens -= 1
        if wait > 0:
            self._sleep(wait)
        return wait

    def observe(self, response: httpx.Response) -> None:
        """What an answer says about the plan: the rate of its header, and a 429 empties the bucket."""
        rate = rate_limit_header(response)
        with self._lock:
            self._refill()
            if rate is not None:
                self._rate = rate
            if response.status_code == 429:
                self._tokens = min(self._tokens, 0.0)

    def _refill(self) -> None:
        now = self._clock()
        self._tokens = min(float(self.burst), self._tokens + (now - self._updated) * self._rate)
        self._updated = now


class RateLimiter:
    """Buckets by (operation, seller key), made on first use; share one limiter between the clients of a
    process so that two clients of the same seller draw from the same buckets."""

    def __init__(
        self,
        plans: Mapping[str, UsagePlan] = DEFAULT_PLANS,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._plans = dict(plans)
        self._clock = clock
        self._sleep = sleep
        self._buckets: dict[tuple[str, str], TokenBucket] = {}
        self._lock = threading.Lock()

    def bucket(self, operation: str, seller: str) -> TokenBucket:
        with self._lock:
            key = (operation, seller)
            if key not in self._buckets:
                plan = self._plans.get(operation, FALLBACK_PLAN)
                self._buckets[key] = TokenBucket(operation, plan, clock=self._clock, sleep=self._sleep)
            return self._buckets[key]
