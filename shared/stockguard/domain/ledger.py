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

from collections.abc import Mapping
from dataclasses import dataclass
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


class Transition(StrEnum):
    """Every change of a ledger entry's status. Whoever changes one goes through TRANSITIONS."""

    INTEND_PAUSE = "intend_pause"
    CONFIRM_PAUSE = "confirm_pause"
    CANCEL_PAUSE = "cancel_pause"
    INTEND_RESUME = "intend_resume"
    CONFIRM_RESUME = "confirm_resume"
    CANCEL_RESUME = "cancel_resume"
    MARK_OVERRIDDEN = "mark_overridden"
    RELEASE = "release"


@dataclass(frozen=True)
class TransitionRule:
    """From which statuses a transition may start (None: no entry yet) and where it ends."""

    allowed_from: tuple[LedgerStatus | None, ...]
    to: LedgerStatus

    def allows(self, status: LedgerStatus | None) -> bool:
        return status in self.allowed_from

    @property
    def allows_missing(self) -> bool:
        return None in self.allowed_from

    @property
    def statuses(self) -> tuple[LedgerStatus, ...]:
        """The allowed statuses without None (what a conditional write compares the stored status with)."""
        return tuple(s for s in self.allowed_from if s is not None)


# The one transition table: the policy decides with it (what the ledger would accept), the DynamoDB
# ledger turns each rule into a conditional write, the in-memory ledger checks it directly.
TRANSITIONS: Mapping[Transition, TransitionRule] = {
    Transition.INTEND_PAUSE: TransitionRule((None, LedgerStatus.RELEASED, LedgerStatus.PAUSE_PENDING), LedgerStatus.PAUSE_PENDING),
    Transition.CONFIRM_PAUSE: TransitionRule((LedgerStatus.PAUSE_PENDING,), LedgerStatus.PAUSED),
    Transition.CANCEL_PAUSE: TransitionRule((LedgerStatus.PAUSE_PENDING,), LedgerStatus.RELEASED),
    Transition.INTEND_RESUME: TransitionRule((LedgerStatus.PAUSED, LedgerStatus.RESUME_PENDING), LedgerStatus.RESUME_PENDING),
    Transition.CONFIRM_RESUME: TransitionRule((LedgerStatus.RESUME_PENDING,), LedgerStatus.RELEASED),
    Transition.CANCEL_RESUME: TransitionRule((LedgerStatus.RESUME_PENDING,), LedgerStatus.PAUSED),
    Transition.MARK_OVERRIDDEN: TransitionRule((LedgerStatus.PAUSED,), LedgerStatus.OVERRIDDEN),
    Transition.RELEASE: TransitionRule((LedgerStatus.OVERRIDDEN,), LedgerStatus.RELEASED),
}

PENDING = (LedgerStatus.PAUSE_PENDING, LedgerStatus.RESUME_PENDING)


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
