"""One HTTP retry policy for every Amazon call (Ads API, SP-API, Login with Amazon), ads-api.md §8.

Amazon throttles both APIs the same way, so one loop decides for both: a 429 waits Retry-After when it is
given; 429 without it, 5xx, timeouts and transport errors back off exponentially with full jitter up to a
cap; every other status goes back to the caller untouched. It stops after `max_attempts`, or earlier
when the next wait would pass the invocation's TimeBudget. Backoff state lives in the call, so one
caller's throttling never slows another's.

The loop neither logs nor raises an API's own errors: it reports RetryEvents to an observer and raises
RetriesExhausted, and each transport turns those into its API's log lines and exceptions (the Ads API
raises a retryable error, the SP-API hands the last answer back so its error body can be read).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from email.utils import parsedate_to_datetime
from typing import Literal

import httpx

from stockguard.amazon.budget import TimeBudget

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})
MIN_ATTEMPT_TIMEOUT = 1.0  # a request is never sent with less time than this (the budget keeps a reserve)


def retry_after_seconds(value: str | None, *, now: Callable[[], float] = time.time) -> float | None:
    """Retry-After as seconds: a number (int or float) or an HTTP-date; None when absent or unreadable."""
    if not value or not value.strip():
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = parsedate_to_datetime(value).timestamp() - now()
        except (TypeError, ValueError, IndexError):
            return None
    if seconds != seconds or seconds in (float("inf"), float("-inf")):  # NaN / inf are unreadable
        return None
    return max(0.0, seconds)


def backoff_seconds(attempt: int, *, base: float, cap: float, rng: Callable[[], float]) -> float:
    """Full jitter: rng() * min(cap, base * 2**attempt), attempt counted from 0."""
    return rng() * min(cap, base * (2**attempt))


def no_jitter() -> float:
    """An rng that always draws the top of the range: the backoff becomes deterministic."""
    return 1.0


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait; `rng` is injectable so tests know the jitter they get."""

    max_attempts: int = 6
    backoff_base: float = 0.5
    backoff_cap: float = 20.0
    rng: Callable[[], float] = field(default=random.random, compare=False)

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1")

    @classmethod
    def fixed(cls, delay: float, *, max_attempts: int) -> RetryPolicy:
        """The same wait before every retry (the SP-API's 1 request/s): a backoff whose base is its cap, without jitter."""
        return cls(max_attempts=max_attempts, backoff_base=delay, backoff_cap=delay, rng=no_jitter)

    def delay(self, failures: int, response: httpx.Response | None) -> float:
        """The wait before the next attempt, after `failures` failed ones (the latest answered `response`)."""
        if response is not None and response.status_code == 429:
            hinted = retry_after_seconds(response.headers.get("Retry-After"))
            if hinted is not None:
                return hinted
        return backoff_seconds(failures, base=self.backoff_base, cap=self.backoff_cap, rng=self.rng)


EventKind = Literal["answer", "error", "retry", "gave_up", "budget_stop", "budget_spent"]
StopReason = Literal["attempts", "budget", "spent"]


@dataclass(frozen=True)
class RetryEvent:
    """What happened in the loop, for the transport to log: never a header or a body.

    answer / error: an attempt got a response / a transport error; retry: about to sleep; gave_up: out of
    attempts; budget_stop: the next wait would pass the budget; budget_spent: nothing sent, no time left.
    `failures` counts the failed attempts before this event (so 0 on the first answer)."""

    kind: EventKind
    failures: int
    status: int | None = None
    reason: str | None = None
    sleep_seconds: float | None = None


class RetriesExhausted(Exception):
    """The loop stopped without a usable answer; `response` is the last retryable answer, if any."""

    def __init__(
        self, why: StopReason, *, reason: str, attempts: int, status: int | None, response: httpx.Response | None, delay: float = 0.0
    ) -> None:
        super().__init__(reason)
        self.why = why
        self.reason = reason
        self.attempts = attempts
        self.status = status
        self.response = response
        self.delay = delay

    def describe(self, call: str) -> str:
        """One line for the error message: `call` is what may be shown of the request ("GET /v2/profiles")."""
        if self.why == "spent":
            return f"{call}: time budget spent"
        if self.why == "budget":
            return f"{call}: {self.reason}; waiting {self.delay:.1f}s would pass the time budget"
        return f"{call}: {self.reason} after {self.attempts} attempts"


def _ignore(event: RetryEvent) -> None:
    return None


def attempt_timeout(timeout: float | None, budget: TimeBudget | None) -> float | None:
    """The timeout of one attempt: never past the budget, never below MIN_ATTEMPT_TIMEOUT; None = the client's own."""
    if timeout is None or budget is None:
        return timeout
    return max(MIN_ATTEMPT_TIMEOUT, min(timeout, budget.remaining()))


def send_with_retries(
    attempt: Callable[[float | None], httpx.Response],
    *,
    policy: RetryPolicy,
    budget: TimeBudget | None = None,
    timeout: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
    observe: Callable[[RetryEvent], None] = _ignore,
) -> httpx.Response:
    """The first non-retryable response of `attempt(timeout)`; RetriesExhausted when attempts or the budget run out.

    `attempt` sends the request once with the given per-attempt timeout (None: the client's default)."""
    failures = 0
    while True:
        if budget is not None and budget.remaining() <= 0:
            observe(RetryEvent("budget_spent", failures))
            raise RetriesExhausted("spent", reason="time budget spent", attempts=failures, status=None, response=None)
        response: httpx.Response | None
        try:
            response = attempt(attempt_timeout(timeout, budget))
        except httpx.TransportError as error:  # timeouts included
            response, status, reason = None, None, type(error).__name__
            observe(RetryEvent("error", failures, reason=reason))
        else:
            observe(RetryEvent("answer", failures, status=response.status_code))
            if response.status_code not in RETRYABLE_STATUS:
                return response
            status, reason = response.status_code, f"HTTP {response.status_code}"
        delay = policy.delay(failures, response)
        failures += 1
        if failures >= policy.max_attempts:
            observe(RetryEvent("gave_up", failures, status=status, reason=reason))
            raise RetriesExhausted("attempts", reason=reason, attempts=failures, status=status, response=response)
        if budget is not None and not budget.allows(delay):
            observe(RetryEvent("budget_stop", failures, status=status, reason=reason))
            raise RetriesExhausted("budget", reason=reason, attempts=failures, status=status, response=response, delay=delay)
        observe(RetryEvent("retry", failures, status=status, reason=reason, sleep_seconds=round(delay, 3)))
        sleep(delay)
