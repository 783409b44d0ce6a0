"""The audit entry of one change (or attempt), built the same way by the executor and by crash settlement.

One builder matters for exactly-once auditing: an intent settled after a crash must be written under the
same key (event time, entity, notification, result) that the invocation that took it used or would have.
"""

from __future__ import annotations

from datetime import datetime

from stockguard.domain.ads import EntityRef, EntityState
from stockguard.domain.outcomes import Outcome
from stockguard.state.audit import AuditEntry


def change_entry(
    *,
    at: datetime,
    account_id: str,
    marketplace_id: str,
    asin: str,
    skus: tuple[str, ...],
    ref: EntityRef,
    from_state: EntityState,
    to_state: EntityState,
    reason: str,
    notification_id: str,
    result: Outcome,
    error: str = "",
) -> AuditEntry:
    return AuditEntry(
        at=at,
        account_id=account_id,
        marketplace_id=marketplace_id,
        asin=asin,
        skus=skus,
        profile_id=ref.profile_id,
        ad_product=ref.ad_product.value,
        entity_type=ref.entity_type.value,
        entity_id=ref.entity_id,
        from_state=from_state.value,
        to_state=to_state.value,
        reason=reason,
        notification_id=notification_id,
        result=result,
        error=error,
    )
