"""SP-API usage plans: a token bucket per operation and seller (reference §10 default rates).

A request takes one token; an empty bucket answers 429 QuotaExceeded. Buckets refill at `rate` tokens
per second of the simulator's clock up to `burst`. Every response of an operation carries
`x-amzn-RateLimit-Limit: <rate>`, as Amazon reports the plan applied.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass

RATE_LIMIT_HEADER = "x-amzn-RateLimit-Limit"


@dataclass(frozen=True)
class RateLimit:
    rate: float  # requests per second
    burst: int

    def header(self) -> str:
        return repr(float(self.rate))


DEFAULT_RATE_LIMITS: dict[str, RateLimit] = {
    "getInventorySummaries": RateLimit(2.0, 2),
    "getListingsItem": RateLimit(5.0, 10),
    "getCompetitiveSummary": RateLimit(0.033, 1),
}


class RateLimiter:
    """`limits` override the defaults per operation name; `enabled=False` never throttles (the header
    is still sent). Both may be changed at runtime (`set_limit`, `enabled`); a new limit resets its buckets."""

    def __init__(
        self,
        limits: Mapping[str, RateLimit | tuple[float, int]] | None = None,
        *,
        enabled: bool = True,
        clock: Callable[[], float],
    ) -> None:
        self.enabled = enabled
        self._clock = clock
        self._limits = dict(DEFAULT_RATE_LIMITS)
        self._buckets: dict[tuple[str, str], tuple[float, float]] = {}  # (operation, seller) -> (tokens, at)
        self._lock = threading.Lock()
        for operation, limit in (limits or {}).items():
            self.set_limit(operation, limit)

    def limit_of(self, operation: str) -> RateLimit:
        with self._lock:
            return self._limits[operation]

    def set_limit(self, operation: str, limit: RateLimit | tuple[float, int]) -> None:
        if operation not in DEFAULT_RATE_LIMITS:
            raise ValueError(f"unknown operation {operation!r}; one of {sorted(DEFAULT_RATE_LIMITS)}")
        made = limit if isinstance(limit, RateLimit) else RateLimit(float(limit[0]), int(limit[1]))
        if made.rate <= 0 or made.burst < 1:
            raise ValueError("a rate limit needs rate > 0 and burst >= 1")
        with self._lock:
            self._limits[operation] = made
            self._buckets = {key: value for key, value in self._buckets.items() if key[0] != operation}

    def reset(self) -> None:
        """Every bucket full again."""
        with self._lock:
            self._buckets.clear()

    def take(self, operation: str, seller_id: str) -> bool:
        """True if the request may proceed (a token was taken or limiting is off)."""
        if not self.enabled:
            return True
        now = self._clock()
        with self._lock:
            limit = self._limits[operation]
            tokens, at = self._buckets.get((operation, seller_id), (float(limit.burst), now))
            tokens = min(float(limit.burst), tokens + max(0.0, now - at) * limit.rate)
            if tokens < 1.0:
                self._buckets[(operation, seller_id)] = (tokens, now)
                return False
            self._buckets[(operation, seller_id)] = (tokens - 1.0, now)
            return True
