"""The time an invocation may still spend on Amazon calls, so a Lambda never sleeps past its own timeout."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any


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
