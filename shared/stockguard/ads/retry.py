"""Retry policy of the Ads API client: Retry-After when Amazon sends it, otherwise capped exponential
backoff with full jitter (ads-api.md §8), and a time budget so a Lambda never sleeps past its timeout."""

from __future__ import annotations

import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Callable

RETRYABLE_STATUS = {429, 500, 502, 503, 504}


@dataclass(frozen=True)
class TimeBudget:
    deadline: float  # time.monotonic()

    @classmethod
    def seconds(cls, n: float) -> "TimeBudget":
        return cls(time.monotonic() + n)

    @classmethod
    def from_lambda_context(cls, context: Any, reserve_seconds: float = 10) -> "TimeBudget":
        remaining = context.get_remaining_time_in_millis() / 1000
        return cls(time.monotonic() + max(0.0, remaining - reserve_seconds))

    def remaining(self) -> float:
        return self.deadline - time.monotonic()


def retry_after_seconds(value: str | None) -> float | None:
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


def backoff_seconds(attempt: int, *, base: float, cap: float, rng: Callable[[], float]) -> float:
    """Full jitter: uniform in [0, min(cap, base * 2**attempt)]."""
    return rng() * min(cap, base * (2**attempt))
