"""Drift: a change that a reconcile fact caused, i.e. a notification that was missing, late or wrong.

Counted once per product and kind per batch, for the changes Amazon applied (or monitor mode would have
made), when every notification behind the change is a reconcile message (an id starting `reconcile:`):
a change that a notification of the same batch also called for is not drift.

    out_of_stock                          -> missed_stock_out
    back_in_stock, conditions_cleared     -> missed_restock (conditions_cleared by a stock fact)
    featured_offer_lost / _regained       -> offer_mismatch (conditions_cleared by an offer fact)
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from enum import StrEnum

from stockguard.domain.decisions import Reason
from stockguard.domain.facts import ParsedNotification
from stockguard.domain.outcomes import Outcome
from stockguard.notifications.reconcile import is_reconcile_id
from stockguard.pipeline.plan import Job

CHANGED = frozenset({Outcome.APPLIED, Outcome.MONITOR})


class DriftKind(StrEnum):
    MISSED_STOCK_OUT = "missed_stock_out"
    MISSED_RESTOCK = "missed_restock"
    OFFER_MISMATCH = "offer_mismatch"


def _kind(reason: Reason, sources: Iterable[ParsedNotification]) -> DriftKind | None:
    if reason is Reason.OUT_OF_STOCK:
        return DriftKind.MISSED_STOCK_OUT
    if reason is Reason.BACK_IN_STOCK:
        return DriftKind.MISSED_RESTOCK
    if reason in (Reason.FEATURED_OFFER_LOST, Reason.FEATURED_OFFER_REGAINED):
        return DriftKind.OFFER_MISMATCH
    if reason is Reason.CONDITIONS_CLEARED:
        return DriftKind.MISSED_RESTOCK if any(n.stock_facts for n in sources) else DriftKind.OFFER_MISMATCH
    return None


def drift_of(jobs: Iterable[Job], outcomes: Mapping[str, Outcome], notifications: Mapping[str, ParsedNotification]) -> Counter[DriftKind]:
    """Products per drift kind among the changes of one batch (see the module docstring)."""
    seen: set[tuple[str, str, str, DriftKind]] = set()
    for job in jobs:
        ref_id = job.decision.entity.ref.id
        sources = job.sources or (job.notification_id,)
        if outcomes.get(ref_id) not in CHANGED or not all(is_reconcile_id(s) for s in sources):
            continue
        kind = _kind(job.decision.reason, [notifications[s] for s in sources if s in notifications])
        if kind is not None:
            seen.add((job.account_id, job.marketplace_id, job.decision.asin, kind))
    return Counter(kind for *_, kind in seen)
