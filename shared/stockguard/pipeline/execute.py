"""Carry out decisions against the Ads API with the ownership ledger, the index and the audit log.

Pause:  re-read the entities' current state (list by id); only ENABLED ones are paused; ledger intent
        (conditional) -> PUT PAUSED -> ledger PAUSED / intent cancelled, per entity of the multi-status.
Resume: ledger intent (only from a pause StockGuard holds) -> PUT ENABLED -> ledger RELEASED / back to PAUSED.
All entities of a batch are coalesced per (region, profile, ad product, entity type), so the client sends as
few calls as the per-call maximums allow; no Ads API call at all when nothing changes state.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable

from stockguard.ads.errors import AdsApiError, AdsApiRetryableError
from stockguard.ads.port import Outcome, Region, UpdateResult
from stockguard.domain.ads import AdEntity, EntityState
from stockguard.domain.decisions import Action, Decision, Reason
from stockguard.domain.facts import ProductKey
from stockguard.domain.ledger import LedgerEntry, LedgerStatus
from stockguard.observability import MetricNames
from stockguard.pipeline.services import Services
from stockguard.state.audit import AuditEntry

logger = logging.getLogger(__name__)

APPLIED, FAILED, THROTTLED, SKIPPED, MONITOR = "applied", "failed", "throttled", "skipped", "monitor"


@dataclass
class Job:
    """One decision with its context."""

    decision: Decision
    account_id: str
    marketplace_id: str
    region: Region
    now: datetime
    notification_id: str
    skus: tuple[str, ...] = ()
    ledger: LedgerEntry | None = None
    sources: tuple[str, ...] = ()  # every notification of the batch behind this decision (notification_id: the first)


@dataclass
class ExecutionReport:
    outcomes: dict[str, str] = field(default_factory=dict)  # entity ref id -> applied | failed | throttled | skipped | monitor
    calls_failed: bool = False

    @property
    def failed_refs(self) -> set[str]:
        return {ref for ref, outcome in self.outcomes.items() if outcome in (FAILED, THROTTLED)}


def reconcile_pending(
    services: Services,
    region: Region,
    entities: list[AdEntity],
    ledger: dict[str, LedgerEntry],
    *,
    now: datetime,
    account_id: str,
    marketplace_id: str,
    skus_by_asin: dict[str, tuple[str, ...]] | None = None,
) -> tuple[list[AdEntity], dict[str, LedgerEntry]]:
    """Finish what a crashed invocation left between the Ads API call and the ledger write.

    Re-reads the entity: PAUSE_PENDING + PAUSED -> we paused it (confirm); PAUSE_PENDING + anything else ->
    cancel the intent; RESUME_PENDING + ENABLED -> confirm; RESUME_PENDING + PAUSED -> back to PAUSED.
    A confirmed intent is audited first, under the key the crashed invocation used (its intent's event
    time and notification): written once if that invocation died before its audit write, overwritten
    with the same entry if it died after.
    """
    pending = [e for e in entities if (entry := ledger.get(e.ref.id)) and entry.status in (LedgerStatus.PAUSE_PENDING, LedgerStatus.RESUME_PENDING)]
    if not pending:
        return entities, ledger
    current = _read_states(services, region, pending)
    settled: list[tuple[AdEntity, LedgerEntry, EntityState, bool]] = []  # (entity, entry, state read, applied)
    for entity in pending:
        entry = ledger[entity.ref.id]
        state = current.get(entity.ref.id)
        if state is None:
            continue  # could not read (throttled): decide with what we know; the intent stays
        target = EntityState.PAUSED if entry.status is LedgerStatus.PAUSE_PENDING else EntityState.ENABLED
        settled.append((entity, entry, state, state is target))
    applied = [
        _intent_audit(entity, entry, account_id=account_id, marketplace_id=marketplace_id, skus_by_asin=skus_by_asin or {}, now=now)
        for entity, entry, _, was_applied in settled
        if was_applied
    ]
    if applied:
        services.audit.record(applied)  # before the ledger: a crash in between leaves the intent to settle again
    observed = [(entity, state) for entity, _, state, _ in settled if state is not entity.state]
    updated_entities = {e.ref.id: e for e in entities}
    updated_entities.update({e.ref.id: e for e in services.index.update_states(observed)} if observed else {})
    for entity, entry, state, was_applied in settled:
        if entry.status is LedgerStatus.PAUSE_PENDING:
            done = services.ledger.confirm_pause(entity.ref, now=now) if was_applied else services.ledger.cancel_pause(entity.ref)
        else:
            done = services.ledger.confirm_resume(entity.ref, now=now) if was_applied else services.ledger.cancel_resume(entity.ref)
        logger.info("reconciled pending ledger entry", extra={"entity": entity.ref.id, "state": state.value, "applied": was_applied, "settled": done})
    fresh = services.ledger.get_many(e.ref for e in pending)
    merged = {**ledger, **fresh}
    return [updated_entities[e.ref.id] for e in entities], merged


def _intent_audit(
    entity: AdEntity, entry: LedgerEntry, *, account_id: str, marketplace_id: str, skus_by_asin: dict[str, tuple[str, ...]], now: datetime
) -> AuditEntry:
    """The audit entry the Executor wrote (or would have written) for the applied intent of `entry`."""
    pausing = entry.status is LedgerStatus.PAUSE_PENDING
    asin = entry.intent_asin or entry.asin or (entity.asins[0] if entity.asins else "")
    return AuditEntry(
        at=entry.intent_at or now,
        account_id=account_id,
        marketplace_id=marketplace_id,
        asin=asin,
        skus=skus_by_asin.get(asin, ()),
        profile_id=entity.ref.profile_id,
        ad_product=entity.ref.ad_product.value,
        entity_type=entity.ref.entity_type.value,
        entity_id=entity.ref.entity_id,
        from_state=(EntityState.ENABLED if pausing else EntityState.PAUSED).value,
        to_state=(EntityState.PAUSED if pausing else EntityState.ENABLED).value,
        reason=entry.intent_reason or entry.reason,
        notification_id=entry.intent_notification_id or entry.notification_id,
        result=APPLIED,
    )


def _read_states(services: Services, region: Region, entities: list[AdEntity]) -> dict[str, EntityState]:
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


class Executor:
    def __init__(self, services: Services) -> None:
        self.s = services
        self.report = ExecutionReport()
        self._audit: list[AuditEntry] = []  # attempts that changed nothing: written once, at the end
        self._audited: set[str] = set()  # entity ref ids whose applied change is already in the audit log
        # Delayed re-evaluations to send, one per (product, time, source notifications) however many entities wait
        self._waits: dict[tuple[ProductKey, datetime, str], datetime] = {}

    # -- entry point ----------------------------------------------------------------------------
    def run(self, jobs: Iterable[Job]) -> ExecutionReport:
        pauses: dict[tuple, list[Job]] = defaultdict(list)
        resumes: dict[tuple, list[Job]] = defaultdict(list)
        for job in jobs:
            d = job.decision
            if self.s.on_decision:
                self.s.on_decision(
                    {
                        "at": job.now.isoformat(),
                        "marketplaceId": job.marketplace_id,
                        "asin": d.asin,
                        "adProduct": d.entity.ref.ad_product.value,
                        "entityType": d.entity.ref.entity_type.value,
                        "entityId": d.entity.ref.entity_id,
                        "action": d.action.value,
                        "reason": d.reason.value,
                        "monitorOnly": d.monitor_only,
                    }
                )
            key = (job.region, d.entity.ref.profile_id, d.entity.ref.ad_product, d.entity.ref.entity_type)
            if d.action is Action.KEEP:
                self._keep(job)
            elif d.monitor_only:
                self._record(job, MONITOR)
                self.s.metrics.count_by(MetricNames.DECISIONS_SKIPPED, "reason", "monitor_mode")
            elif d.action is Action.PAUSE:
                pauses[key].append(job)
            else:
                resumes[key].append(job)
        for action, groups in ((self._pause, pauses), (self._resume, resumes)):
            for key, group in groups.items():
                try:
                    action(key, group)
                except Exception as error:  # DynamoDB or a bug mid-group: SQS retries, reconcile_pending converges
                    logger.exception("action group failed; its messages will be retried", extra={"group": str(key)})
                    for job in group:
                        ref_id = job.decision.entity.ref.id
                        if ref_id not in self.report.outcomes and ref_id not in self._audited:
                            self._record(job, THROTTLED, error=type(error).__name__)
                        # Even an applied change may lack its ledger write: redeliver so that it settles.
                        self.report.outcomes[ref_id] = THROTTLED
        for (product, at, source), now in self._waits.items():
            self.s.reevaluate.schedule([product], at=at, now=now, source=source)
        if self._audit:
            self.s.audit.record(self._audit)
        return self.report

    # -- keep -----------------------------------------------------------------------------------
    def _keep(self, job: Job) -> None:
        d, entry = job.decision, job.ledger
        ref = d.entity.ref
        if d.reason is Reason.OPERATOR_OVERRIDE and entry and entry.status is LedgerStatus.PAUSED:
            # The index says ENABLED while we hold a pause: re-read before believing an operator did it.
            actual = _read_states(self.s, job.region, [d.entity]).get(ref.id)
            if actual is EntityState.ENABLED:
                self.s.ledger.mark_overridden(ref, now=job.now)
            elif actual is not None and actual is not d.entity.state:
                self.s.index.update_state(d.entity, actual)
        elif d.reason is Reason.CONDITIONS_CLEARED and entry and entry.status is LedgerStatus.OVERRIDDEN:
            self.s.ledger.release(ref, now=job.now)
        elif d.reason is Reason.CONDITIONS_CLEARED and entry and entry.status is LedgerStatus.PAUSED:
            # The operator re-enabled it and the episode is over: end it without an Ads API call.
            self.s.ledger.mark_overridden(ref, now=job.now)
            self.s.ledger.release(ref, now=job.now)
        elif d.reason is Reason.DWELL_TIME and d.retry_at and self.s.reevaluate:
            product = ProductKey(account_id=job.account_id, marketplace_id=job.marketplace_id, asin=d.asin)
            self._waits.setdefault((product, d.retry_at, ",".join(job.sources) or job.notification_id), job.now)
        if d.reason not in (Reason.NO_CHANGE, Reason.ALREADY_PAUSED):
            self.s.metrics.count_by(MetricNames.DECISIONS_SKIPPED, "reason", d.reason.value)

    # -- pause ----------------------------------------------------------------------------------
    def _pause(self, key: tuple, jobs: list[Job]) -> None:
        region, profile_id, product, entity_type = key
        try:
            current = self.s.ads.get_states(region, profile_id, product, entity_type, [j.decision.entity.ref.entity_id for j in jobs])
        except AdsApiRetryableError as error:
            self._fail_all(jobs, THROTTLED, str(error))
            return
        except AdsApiError as error:
            self._fail_all(jobs, FAILED, str(error))
            return
        ready: list[Job] = []
        for job in jobs:
            entity = job.decision.entity
            state = current.get(entity.ref.entity_id)
            if state is not EntityState.ENABLED:
                # Paused by someone else, archived, or gone: not ours to pause, so nothing to resume later.
                if state is not None and state is not entity.state:
                    self.s.index.update_state(entity, state)
                self.report.outcomes[entity.ref.id] = SKIPPED
                self.s.metrics.count_by(MetricNames.DECISIONS_SKIPPED, "reason", "not_enabled_at_reread")
                continue
            if not self.s.ledger.intend_pause(
                entity.ref, asin=job.decision.asin, reason=job.decision.reason.value, notification_id=job.notification_id, now=job.now
            ):
                self.report.outcomes[entity.ref.id] = SKIPPED  # another invocation holds it
                continue
            ready.append(job)
        self._apply(key, ready, EntityState.ENABLED, EntityState.PAUSED)

    # -- resume ---------------------------------------------------------------------------------
    def _resume(self, key: tuple, jobs: list[Job]) -> None:
        ready = [
            job
            for job in jobs
            if self.s.ledger.intend_resume(
                job.decision.entity.ref, asin=job.decision.asin, reason=job.decision.reason.value, notification_id=job.notification_id, now=job.now
            )
        ]
        for job in jobs:
            if job not in ready:
                self.report.outcomes[job.decision.entity.ref.id] = SKIPPED
        self._apply(key, ready, EntityState.PAUSED, EntityState.ENABLED)

    def _apply(self, key: tuple, ready: list[Job], from_state: EntityState, to_state: EntityState) -> None:
        """PUT the new state for the entities whose ledger intent is taken; settle the ledger per result."""
        if not ready:
            return
        pausing = to_state is EntityState.PAUSED
        confirm = self.s.ledger.confirm_pause if pausing else self.s.ledger.confirm_resume
        cancel = self.s.ledger.cancel_pause if pausing else self.s.ledger.cancel_resume
        results = self._set_states(key, ready, to_state)
        # Audit what Amazon applied before any other write, then the index, the ledger last: a crash in
        # between leaves pending intents whose redelivery re-reads the entities and writes the same audit keys
        # (reconcile_pending), so nothing applied goes unaudited or stays unsettled.
        applied = [job for job in ready if results[job.decision.entity.ref.entity_id].outcome is Outcome.APPLIED]
        if applied:
            self.s.audit.record([self._entry(job, APPLIED, from_state=from_state, to_state=to_state) for job in applied])
            self._audited.update(job.decision.entity.ref.id for job in applied)
            self.s.index.update_states([(job.decision.entity, to_state) for job in applied])
        for job in ready:
            ref = job.decision.entity.ref
            result = results[ref.entity_id]
            if result.outcome is Outcome.APPLIED:
                confirm(ref, now=job.now)
                self.s.metrics.count(MetricNames.ADS_PAUSED if pausing else MetricNames.ADS_RESUMED)
                self._lag(job)
            elif result.outcome is Outcome.FAILED:
                cancel(ref)  # Amazon refused it: nothing changed
            # THROTTLED (429, 5xx, timeout, time budget) may still have applied (Amazon often finishes a PUT
            # the client gave up on): keep the intent; the redelivery re-reads the entity and settles it.
            self._finish(job, result, from_state, to_state)

    # -- helpers --------------------------------------------------------------------------------
    def _set_states(self, key: tuple, jobs: list[Job], state: EntityState) -> dict[str, UpdateResult]:
        region, profile_id, product, entity_type = key
        ids = [j.decision.entity.ref.entity_id for j in jobs]
        try:
            results = self.s.ads.set_states(region, profile_id, product, entity_type, [(i, state) for i in ids])
        except AdsApiRetryableError as error:
            results = [UpdateResult(entity_id=i, outcome=Outcome.THROTTLED, error_message=str(error)) for i in ids]
        except AdsApiError as error:
            results = [UpdateResult(entity_id=i, outcome=Outcome.FAILED, error_code=error.code, error_message=str(error)) for i in ids]
        by_id = {r.entity_id: r for r in results}
        return {i: by_id.get(i) or UpdateResult(entity_id=i, outcome=Outcome.FAILED, error_message="no result") for i in ids}

    def _finish(self, job: Job, result: UpdateResult, from_state: EntityState, to_state: EntityState) -> None:
        outcome = {Outcome.APPLIED: APPLIED, Outcome.FAILED: FAILED, Outcome.THROTTLED: THROTTLED}[result.outcome]
        if outcome == FAILED:
            self.s.metrics.count(MetricNames.ADS_API_ERRORS)
        elif outcome == THROTTLED:
            self.s.metrics.count(MetricNames.ADS_API_THROTTLED)
        error = f"{result.error_code}: {result.error_message}".strip(": ") if outcome != APPLIED else ""
        self._record(job, outcome, from_state=from_state, to_state=to_state, error=error)

    def _fail_all(self, jobs: list[Job], outcome: str, error: str) -> None:
        self.s.metrics.count(MetricNames.ADS_API_THROTTLED if outcome == THROTTLED else MetricNames.ADS_API_ERRORS, len(jobs))
        for job in jobs:
            self._record(job, outcome, error=error)

    def _record(self, job: Job, outcome: str, *, from_state=None, to_state=None, error: str = "") -> None:
        d = job.decision
        ref = d.entity.ref
        if from_state is None:
            from_state = EntityState.ENABLED if d.action is Action.PAUSE else EntityState.PAUSED
            to_state = EntityState.PAUSED if d.action is Action.PAUSE else EntityState.ENABLED
        self.report.outcomes[ref.id] = outcome
        if ref.id not in self._audited:
            self._audit.append(self._entry(job, outcome, from_state=from_state, to_state=to_state, error=error))
        if self.s.on_action and outcome in (APPLIED, FAILED, THROTTLED):  # attempted Ads API changes only
            self.s.on_action(
                {
                    "adProduct": ref.ad_product.value,
                    "entityType": ref.entity_type.value,
                    "entityId": ref.entity_id,
                    "profileId": ref.profile_id,
                    "asin": d.asin,
                    "from": from_state.value,
                    "to": to_state.value,
                    "reason": d.reason.value,
                    "result": outcome,
                    "at": job.now.isoformat(),
                    "marketplaceId": job.marketplace_id,
                    "notificationId": job.notification_id,
                }
            )

    @staticmethod
    def _entry(job: Job, outcome: str, *, from_state: EntityState, to_state: EntityState, error: str = "") -> AuditEntry:
        d = job.decision
        ref = d.entity.ref
        return AuditEntry(
            at=job.now,
            account_id=job.account_id,
            marketplace_id=job.marketplace_id,
            asin=d.asin,
            skus=job.skus,
            profile_id=ref.profile_id,
            ad_product=ref.ad_product.value,
            entity_type=ref.entity_type.value,
            entity_id=ref.entity_id,
            from_state=from_state.value,
            to_state=to_state.value,
            reason=d.reason.value,
            notification_id=job.notification_id,
            result=outcome,
            error=error,
        )

    def _lag(self, job: Job) -> None:
        self.s.metrics.seconds(MetricNames.ACTION_LAG_SECONDS, max(0.0, (self.s.wall_clock() - job.now).total_seconds()))
