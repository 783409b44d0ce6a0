"""Phase "settle": finish what a crashed invocation left between its Ads API call and its ledger write.

Runs after gather and before plan, so the policy decides from a ledger that says what really happened.
Entities with a pending intent (PAUSE_PENDING / RESUME_PENDING) are re-read (one list call per group) and
each intent settled from the real state (`settle_intents`):

    PAUSE_PENDING  + PAUSED   -> we paused it: audit, confirm      + anything else -> cancel the intent
    RESUME_PENDING + ENABLED  -> we resumed it: audit, confirm     + anything else -> back to PAUSED

A confirmed intent is audited first, under the key the invocation that took it used (its intent's event
time and notification): written once if that invocation died before its audit write, overwritten with the
same entry if it died after. Then the index, the ledger last, so a crash in between leaves the intent to
settle again. The executor settles the same way when its own re-read finds an intent already applied.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import replace
from datetime import datetime

from stockguard.ads.errors import AdsApiRetryableError
from stockguard.ads.port import Region
from stockguard.domain.ads import AdEntity, EntityState
from stockguard.domain.ledger import PENDING, LedgerEntry, LedgerStatus
from stockguard.domain.outcomes import Outcome
from stockguard.observability import MetricNames
from stockguard.pipeline.audit_entries import change_entry
from stockguard.pipeline.gather import GroupContext
from stockguard.pipeline.services import Services
from stockguard.state.audit import AuditEntry

logger = logging.getLogger(__name__)


def settle_group(services: Services, ctx: GroupContext) -> GroupContext:
    """The group with its pending intents settled: entities as re-read, ledger entries as now stored.

    Once per distinct entity clock, so that each settled intent is stamped with its own entity's clock.
    A no-op (no call at all) without pending intents."""
    pending = [e for e in ctx.entities if (entry := ctx.ledger.get(e.ref.id)) and entry.status in PENDING]
    if not pending:
        return ctx
    current = read_states(services, ctx.region, pending)
    # An entity that could not be read (throttled) is decided with what we know; its intent stays, and the
    # executor's own re-read may still settle it.
    by_clock: dict[datetime, list[tuple[AdEntity, LedgerEntry, EntityState]]] = defaultdict(list)
    for entity in pending:
        if (state := current.get(entity.ref.id)) is not None:
            by_clock[ctx.clocks[entity.ref.id]].append((entity, ctx.ledger[entity.ref.id], state))
    updated: dict[str, AdEntity] = {}
    for now, read in sorted(by_clock.items()):
        updated.update(
            settle_intents(
                services, read, now=now, account_id=ctx.account_id, marketplace_id=ctx.marketplace_id, skus_by_asin=ctx.skus_by_asin
            )
        )
    ledger = {**ctx.ledger, **services.ledger.get_many(e.ref for e in pending)}
    return replace(ctx, entities=[updated.get(e.ref.id, e) for e in ctx.entities], ledger=ledger)


def intent_applied(entry: LedgerEntry | None, state: EntityState | None) -> bool:
    """The entity is in the state its pending intent asked for: the change that intent made applied."""
    if entry is None or state is None:
        return False
    return (entry.status, state) in ((LedgerStatus.PAUSE_PENDING, EntityState.PAUSED), (LedgerStatus.RESUME_PENDING, EntityState.ENABLED))


def settle_intents(
    services: Services,
    read: list[tuple[AdEntity, LedgerEntry, EntityState]],
    *,
    now: datetime,
    account_id: str,
    marketplace_id: str,
    skus_by_asin: dict[str, tuple[str, ...]],
) -> dict[str, AdEntity]:
    """Confirm or cancel pending intents from the states just read (see the module docstring); returns the
    entities whose index state changed."""
    applied = [
        intent_audit(entity, entry, account_id=account_id, marketplace_id=marketplace_id, skus_by_asin=skus_by_asin, now=now)
        for entity, entry, state in read
        if intent_applied(entry, state)
    ]
    if applied:
        services.audit.record(applied)
    observed = [(entity, state) for entity, _, state in read if state is not entity.state]
    updated = {e.ref.id: e for e in services.index.update_states(observed)} if observed else {}
    for entity, entry, state in read:
        was_applied = intent_applied(entry, state)
        if entry.status is LedgerStatus.PAUSE_PENDING:
            done = services.ledger.confirm_pause(entity.ref, now=now) if was_applied else services.ledger.cancel_pause(entity.ref)
        else:
            done = services.ledger.confirm_resume(entity.ref, now=now) if was_applied else services.ledger.cancel_resume(entity.ref)
        logger.info(
            "settled pending ledger entry", extra={"entity": entity.ref.id, "state": state.value, "applied": was_applied, "settled": done}
        )
    return updated


def intent_audit(
    entity: AdEntity, entry: LedgerEntry, *, account_id: str, marketplace_id: str, skus_by_asin: dict[str, tuple[str, ...]], now: datetime
) -> AuditEntry:
    """The audit entry the executor wrote (or would have written) for the applied intent of `entry`."""
    pausing = entry.status is LedgerStatus.PAUSE_PENDING
    asin = entry.intent_asin or entry.asin or (entity.asins[0] if entity.asins else "")
    return change_entry(
        at=entry.intent_at or now,
        account_id=account_id,
        marketplace_id=marketplace_id,
        asin=asin,
        skus=skus_by_asin.get(asin, ()),
        ref=entity.ref,
        from_state=EntityState.ENABLED if pausing else EntityState.PAUSED,
        to_state=EntityState.PAUSED if pausing else EntityState.ENABLED,
        reason=entry.intent_reason or entry.reason,
        notification_id=entry.intent_notification_id or entry.notification_id,
        result=Outcome.APPLIED,
    )


def read_states(services: Services, region: Region, entities: list[AdEntity]) -> dict[str, EntityState]:
    """Current states by entity ref id, one list call per (profile, ad product, entity type); a throttled
    group is left out (counted), so its entities are decided with what is known."""
    states: dict[str, EntityState] = {}
    groups: dict[tuple, list[AdEntity]] = defaultdict(list)
    for e in entities:
        groups[(e.ref.profile_id, e.ref.ad_product, e.ref.entity_type)].append(e)
    for (profile_id, product, entity_type), members in groups.items():
        try:
            found = services.ads.get_states(region, profile_id, product, entity_type, [e.ref.entity_id for e in members])
        except AdsApiRetryableError:
            services.metrics.count(MetricNames.ADS_API_THROTTLED)
            continue
        for e in members:
            if e.ref.entity_id in found:
                states[e.ref.id] = found[e.ref.entity_id]
    return states
