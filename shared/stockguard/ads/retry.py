"""Retry policy of the Ads API client: Retry-After when Amazon sends it, otherwise capped exponential
backoff with full jitter (ads-api.md §8), and a time budget so a Lambda never sleeps past its timeout."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any

RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class TimeBudget:
    """A deadline on time.monotonic(): no sleep, and no new attempt, may go past it."""

    deadline: float  # a time.monotonic() value

    @classmethod
    def seconds(cls, n: float) -> TimeBudget:
        return cls(time.monotonic() + n)

    @classmethod
    def from_lambda_context(cls, context: Any, reserve_seconds: float = 10) -> TimeBudget:
        """The Lambda's remaining time minus a reserve for writing the ledger and answering SQS."""
        remaining = context.get_remaining_time_in_millis() / 1000
        return cls(time.monotonic() + max(0.0, remaining - reserve_seconds))

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def allows(self, seconds: float) -> bool:
        return seconds < self.remaining()


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
