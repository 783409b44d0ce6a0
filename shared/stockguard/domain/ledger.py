"""Ownership ledger entries: what StockGuard itself paused, so that it resumes only that.

Status lifecycle of one entity (conditional writes in stockguard.state.ledger):

    (none | RELEASED) --pause intent--> PAUSE_PENDING --applied--> PAUSED
    PAUSED --resume intent--> RESUME_PENDING --applied--> RELEASED
    PAUSED --operator re-enabled it (seen at re-read or index sync)--> OVERRIDDEN
    OVERRIDDEN --every pause reason cleared--> RELEASED (no Ads API call)

PAUSE_PENDING / RESUME_PENDING survive a crash between the Ads API call and the final ledger write;
the retry re-reads the entity and converges.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from stockguard.domain.ads import EntityRef


class LedgerStatus(StrEnum):
    PAUSE_PENDING = "PAUSE_PENDING"
    PAUSED = "PAUSED"
    RESUME_PENDING = "RESUME_PENDING"
    RELEASED = "RELEASED"
    OVERRIDDEN = "OVERRIDDEN"


class LedgerEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    ref: EntityRef
    status: LedgerStatus
    reason: str = ""  # the pause reason (Reason value) while held; once RELEASED, why (operator_override)
    asin: str = ""
    # Event time (policy clock) of the last state change StockGuard made; drives the dwell time.
    last_change_at: datetime | None = None
    paused_at: datetime | None = None
    notification_id: str = ""
    version: int = 0
    # The pending (or last) intent, as the Executor audits it: a redelivery that settles a crashed
    # intent writes the same audit key, so the applied change is audited exactly once.
    intent_at: datetime | None = None
    intent_notification_id: str = ""
    intent_asin: str = ""
    intent_reason: str = ""

    @property
    def holds_pause(self) -> bool:
        """StockGuard owns the current pause (and so may resume it)."""
        return self.status in (LedgerStatus.PAUSED, LedgerStatus.PAUSE_PENDING, LedgerStatus.RESUME_PENDING)
