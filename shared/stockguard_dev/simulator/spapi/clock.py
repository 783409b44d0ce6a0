"""The simulator's clock: epoch seconds, injectable so token lifetimes, nextToken expiry, rate-limit
refills and lastUpdatedTime are testable without sleeping."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime


class ManualClock:
    """A clock that moves only when told: `clock.advance(31)`. Callable like time.time."""

    def __init__(self, start: float | None = None) -> None:
        self._now = time.time() if start is None else float(start)
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> float:
        with self._lock:
            self._now += seconds
            return self._now

    def set(self, epoch_seconds: float) -> None:
        with self._lock:
            self._now = float(epoch_seconds)


def iso(epoch_seconds: float) -> str:
    """SP-API's ISO 8601 form, UTC, whole seconds: 2026-01-15T08:00:00Z."""
    return datetime.fromtimestamp(int(epoch_seconds), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(value: str) -> float:
    """Epoch seconds of an ISO 8601 date-time (Z or an offset; none = UTC); ValueError otherwise."""
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()
