"""In-memory ownership ledger: the transitions of state.ledger, applied to the same items.

The allowed-from statuses, the new status and the attributes each transition sets come from the DynamoDB
adapter's own definitions (stockguard.state.ledger.pause_intent, ...), and entries are decoded by its
ledger_entry, so both backends accept, refuse and store exactly the same. Like the conditional UpdateItem,
each transition checks and writes under one lock; a `*_many` call ends each entry exactly as its single
transition would (what the adapter's resent transactions guarantee).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from stockguard.clock import iso, utcnow
from stockguard.domain.ads import EntityRef
from stockguard.domain.decisions import Action
from stockguard.domain.ledger import LedgerEntry, LedgerStatus
from stockguard.state.ledger import (
    Intent,
    direction,
    ledger_entry,
    override,
    pause_cancellation,
    pause_confirmation,
    pause_intent,
    release_of_override,
    resume_cancellation,
    resume_confirmation,
    resume_intent,
)
from stockguard_dev.memory._counting import counted


class MemoryLedger:
    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}  # pk (ref id) -> item, as the LedgerTable stores it
        self.calls: Counter[str] = Counter()
        self._lock = threading.Lock()

    # -- reads ----------------------------------------------------------------------------------
    @counted
    def get(self, ref: EntityRef) -> LedgerEntry | None:
        item = self.items.get(ref.id)
        return ledger_entry(item) if item else None

    @counted
    def get_many(self, refs: Iterable[EntityRef]) -> dict[str, LedgerEntry]:
        return {r.id: ledger_entry(self.items[r.id]) for r in refs if r.id in self.items}

    @counted
    def all_held(self) -> list[LedgerEntry]:
        return [ledger_entry(i) for _, i in sorted(self.items.items()) if i["status"] == LedgerStatus.PAUSED.value]

    # -- transitions ----------------------------------------------------------------------------
    @counted
    def intend_pause(self, ref: EntityRef, *, asin: str, reason: str, notification_id: str, now: datetime) -> bool:
        return self._apply(ref, **pause_intent(asin, reason, notification_id, now))

    @counted
    def confirm_pause(self, ref: EntityRef, *, now: datetime) -> bool:
        return self._apply(ref, **pause_confirmation(now))

    @counted
    def cancel_pause(self, ref: EntityRef) -> bool:
        return self._apply(ref, **pause_cancellation())

    @counted
    def intend_resume(self, ref: EntityRef, *, asin: str, reason: str, notification_id: str, now: datetime) -> bool:
        return self._apply(ref, **resume_intent(asin, reason, notification_id, now))

    @counted
    def confirm_resume(self, ref: EntityRef, *, now: datetime) -> bool:
        return self._apply(ref, **resume_confirmation(now))

    @counted
    def cancel_resume(self, ref: EntityRef) -> bool:
        return self._apply(ref, **resume_cancellation())

    @counted
    def mark_overridden(self, ref: EntityRef, *, now: datetime) -> bool:
        return self._apply(ref, **override(now))

    @counted
    def release(self, ref: EntityRef, *, now: datetime, reason: str = "operator_override") -> bool:
        return self._apply(ref, **release_of_override(now, reason))

    # -- many entities per call -----------------------------------------------------------------
    @counted
    def intend_many(self, action: Action, intents: Iterable[Intent]) -> set[str]:
        make = pause_intent if direction(action) else resume_intent
        return self._apply_all({i.ref.id: (i.ref, make(i.asin, i.reason, i.notification_id, i.now)) for i in intents})

    @counted
    def confirm_many(self, action: Action, confirmations: Iterable[tuple[EntityRef, datetime]]) -> set[str]:
        make = pause_confirmation if direction(action) else resume_confirmation
        return self._apply_all({ref.id: (ref, make(now)) for ref, now in confirmations})

    @counted
    def cancel_many(self, action: Action, refs: Iterable[EntityRef]) -> set[str]:
        make = pause_cancellation if direction(action) else resume_cancellation
        return self._apply_all({ref.id: (ref, make()) for ref in refs})

    # -- internals ------------------------------------------------------------------------------
    def _apply_all(self, specs: dict[str, tuple[EntityRef, dict[str, Any]]]) -> set[str]:
        """Each transition on its own (a ref appears once: the last spec of a ref wins, as in the adapter)."""
        return {ref_id for ref_id, (ref, spec) in specs.items() if self._apply(ref, **spec)}

    def _apply(
        self,
        ref: EntityRef,
        *,
        allowed_from: tuple[LedgerStatus, ...],
        to: LedgerStatus,
        allow_missing: bool = False,
        extra: dict | None = None,
    ) -> bool:
        """The conditional UpdateItem of LedgerRepository._spec: status in allowed_from (or no entry when
        allow_missing), then set the status, updated_at, version + 1 and the transition's attributes."""
        with self._lock:
            item = self.items.get(ref.id)
            if item is None and not allow_missing:
                return False
            if item is not None and item["status"] not in {s.value for s in allowed_from}:
                return False
            current = item or {"pk": ref.id}
            version = int(current.get("version", 0)) + 1
            self.items[ref.id] = {**current, "status": to.value, "updated_at": iso(utcnow()), "version": version, **(extra or {})}
            return True
