"""The reconciliation's watermark of one (seller, marketplace): a plain value, stored by a WatermarkStore."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Watermark:
    seller_id: str
    marketplace_id: str
    since: datetime | None = None  # the next change feed's startDateTime (the last successful read's call time)
    last_full_sweep_at: datetime | None = None
    last_success_at: datetime | None = None
    last_failure_at: datetime | None = None
    last_error: str = ""

    def full_sweep_due(self, now: datetime, every: timedelta) -> bool:
        """No change feed to start from yet, or the last full sweep is `every` old."""
        return self.since is None or self.last_full_sweep_at is None or now - self.last_full_sweep_at >= every
