"""Carry out decisions against the Ads API with the ownership ledger, the index and the audit log.

Pause:  re-read the entities' current state (list by id); only ENABLED ones are paused; ledger intent
        (conditional) -> PUT PAUSED -> ledger PAUSED / intent cancelled, per entity of the multi-status.
Resume: re-read likewise; only PAUSED ones are resumed: ledger intent (only from a pause StockGuard holds)
        -> PUT ENABLED -> ledger RELEASED / back to PAUSED. One already ENABLED was re-enabled by an operator:
        no PUT, its pause is released (operator override) and audited as a keep. Archived or gone: no PUT.
Either way, a pending intent the re-read shows applied is settled (audited once), never applied again.
All entities of a batch are coalesced per (region, profile, ad product, entity type), so the client sends as
few calls as the per-call maximums allow; no Ads API call at all when nothing changes state.
The ledger writes of a group are batched (LedgerRepository.intend_many / confirm_many / cancel_many: one
TransactWriteItems per 100 entities), each entry ending as its single-entity transition would.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from stockguard.ads.errors import AdsApiError, AdsApiRetryableError
from stockguard.ads.port import Outcome, Region, UpdateResult
from stockguard.domain.ads import AdEntity, EntityState
from stockguard.domain.decisions import Action, Decision, Reason
from stockguard.domain.facts import ProductKey
from stockguard.domain.ledger import LedgerEntry, LedgerStatus
from stockguard.observability import MetricNames
from stockguard.pipeline.services import Services
from stockguard.state.audit import AuditEntry
from stockguard.state.ledger import Intent

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
    """Finish what a crashed invocation left between the Ads API call and the ledger write, before deciding.

    Re-reads the entities with a pending intent (one list call per group) and settles each from its real
    state (settle_intents), so the policy decides from a ledger that says what really happened.
    """
    pending = [
        e for e in entities if (entry := ledger.get(e.ref.id)) and entry.status in (LedgerStatus.PAUSE_PENDING, LedgerStatus.RESUME_PENDING)
    ]
    if not pending:
        return entities, ledger
    current = _read_states(services, region, pending)
    # An entity that could not be read (throttled) is decided with what we know; its intent stays, and the
    # Executor's own re-read may still settle it (Executor._settle_own_intent).
    read = [(entity, ledger[entity.ref.id], state) for entity in pending if (state := current.get(entity.ref.id)) is not None]
    updated_entities = {e.ref.id: e for e in entities}
    updated_entities.update(
        settle_intents(services, read, now=now, account_id=account_id, marketplace_id=marketplace_id, skus_by_asin=skus_by_asin or {})
    )
    fresh = services.ledger.get_many(e.ref for e in pending)
    merged = {**ledger, **fresh}
    return [updated_entities[e.ref.id] for e in entities], merged


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
    """Confirm or cancel pending intents from the states just read; returns the entities whose index state changed.

    PAUSE_PENDING + PAUSED -> we paused it (confirm); PAUSE_PENDING + anything else -> cancel the intent;
    RESUME_PENDING + ENABLED -> confirm; RESUME_PENDING + anything else -> back to PAUSED. A confirmed intent
    is audited first, under the key the invocation that took it used (its intent's event time and
    notification): written once if that invocation died before its audit write, overwritten with the same
    entry if it died after. Then the index, the ledger last, so a crash in between leaves the intent to settle again.
    """
    applied = [
        _intent_audit(entity, entry, account_id=account_id, marketplace_id=marketplace_id, skus_by_asin=skus_by_asin, now=now)
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
        reevaluate = self.s.reevaluate  # _waits is filled only when a scheduler is wired
        if reevaluate is not None:
            for (product, at, source), now in self._waits.items():
                reevaluate.schedule([product], at=at, now=now, source=source)
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
        current = self._reread(key, jobs)
        if current is None:
            return
        enabled: list[Job] = []
        for job in jobs:
            entity = job.decision.entity
            state = current.get(entity.ref.entity_id)
            if state is not None and intent_applied(job.ledger, state):
                self._settle_own_intent(job, state)
            elif state is EntityState.ENABLED:
                enabled.append(job)
            else:
                # Paused by someone else, archived, or gone: not ours to pause, so nothing to resume later.
                if state is not None and state is not entity.state:
                    self.s.index.update_state(entity, state)
                self.report.outcomes[entity.ref.id] = SKIPPED
                self.s.metrics.count_by(MetricNames.DECISIONS_SKIPPED, "reason", "not_enabled_at_reread")
        self._apply(key, self._intend(Action.PAUSE, enabled), EntityState.ENABLED, EntityState.PAUSED)

    # -- resume ---------------------------------------------------------------------------------
    def _resume(self, key: tuple, jobs: list[Job]) -> None:
        """Resume only what is still PAUSED at Amazon now: the index the decision came from can be an hour old.

        One re-read (list) per group, as for pauses. PAUSED -> ledger intent, PUT, audit, index, ledger.
        ENABLED -> not in the PUT: our own pending resume that applied is settled; otherwise an operator
        re-enabled it and the pause is released as an operator override (audited as a keep). Anything
        else (archived, pending review, gone) -> nothing StockGuard may enable: no PUT, the pause stays held.
        """
        current = self._reread(key, jobs)
        if current is None:
            return
        paused: list[Job] = []
        observed: list[tuple[AdEntity, EntityState]] = []  # what the re-read taught the index
        for job in jobs:
            entity = job.decision.entity
            state = current.get(entity.ref.entity_id)
            if state is not None and intent_applied(job.ledger, state):
                self._settle_own_intent(job, state)  # writes the index itself, audit first
                continue
            if state is not None and state is not entity.state:
                observed.append((entity, state))
            if state is EntityState.ENABLED:
                self._operator_reenabled(job)
            elif state is EntityState.PAUSED:
                paused.append(job)
            else:
                self._not_resumable(job, state)
        ready = self._intend(Action.RESUME, paused)
        if observed:
            # After the ledger writes above: a crash in between leaves the index stale until the next index
            # sync, never a pause held (or an override left open) for an ad the operator runs.
            self.s.index.update_states(observed)
        self._apply(key, ready, EntityState.PAUSED, EntityState.ENABLED)

    def _intend(self, action: Action, jobs: list[Job]) -> list[Job]:
        """Take the ledger intent of each job in one batched write; the jobs that took it, in order.

        A job whose condition failed is SKIPPED: another invocation holds the entity (or, for a resume, no
        pause StockGuard holds). A storage failure raises, and run() makes the whole group THROTTLED."""
        intents = [Intent(j.decision.entity.ref, j.decision.asin, j.decision.reason.value, j.notification_id, j.now) for j in jobs]
        took = self._ledger_write("intend", action, intents)
        for job in jobs:
            if job.decision.entity.ref.id not in took:
                self.report.outcomes[job.decision.entity.ref.id] = SKIPPED  # another invocation holds it
        return [job for job in jobs if job.decision.entity.ref.id in took]

    def _operator_reenabled(self, job: Job) -> None:
        """We hold a pause, yet the entity is ENABLED: an operator re-enabled it during the episode.

        The README's promise: an ad the operator re-enables is left alone. The episode is over (the
        resume means every pause reason cleared), so the pause ends as Executor._keep ends an override
        (OVERRIDDEN, then RELEASED) without an Ads API call; the audit records a keep (ENABLED -> ENABLED,
        operator_override, result skipped), never an applied change, and --json gets no line for it.
        """
        ref = job.decision.entity.ref
        self.report.outcomes[ref.id] = SKIPPED
        self.s.ledger.mark_overridden(ref, now=job.now)  # False when the index sync already marked it
        if not self.s.ledger.release(ref, now=job.now):
            # Neither PAUSED nor OVERRIDDEN any more: another invocation took a resume intent (its PUT may be
            # what the re-read saw). That invocation settles and audits it; claim nothing here.
            return
        self.s.metrics.count_by(MetricNames.DECISIONS_SKIPPED, "reason", Reason.OPERATOR_OVERRIDE.value)
        e = EntityState.ENABLED
        self._audit.append(self._entry(job, SKIPPED, from_state=e, to_state=e, reason=Reason.OPERATOR_OVERRIDE))

    def _not_resumable(self, job: Job, state: EntityState | None) -> None:
        """Archived, pending review, user-deleted or gone from the list: nothing StockGuard may enable.

        No PUT, and the ledger keeps the pause: releasing it cannot be undone, and would be wrong for a
        transient state (an SB ad in moderation that comes back PAUSED is still ours to resume). Holding
        costs nothing: an entity that stays archived is not decided again (entity_not_active), the index
        sync drops a vanished one, and one someone re-enables is seen as an override by the sync or a re-read.
        """
        self.report.outcomes[job.decision.entity.ref.id] = SKIPPED
        self.s.metrics.count_by(MetricNames.DECISIONS_SKIPPED, "reason", "not_paused_at_reread")
        logger.info("not resumed: not PAUSED at the re-read", extra={"entity": job.decision.entity.ref.id, "state": state and state.value})

    def _settle_own_intent(self, job: Job, state: EntityState) -> None:
        """Our pending intent already applied (an invocation died after its PUT, or the PUT timed out yet
        applied) and the settling re-read before deciding could not see it: settle it now, from this re-read,
        as reconcile_pending would (audited once, under the intent's own key). A second PUT would be a
        change made twice, and a second audit under this invocation's key an applied change audited twice."""
        entity, entry = job.decision.entity, job.ledger
        assert entry is not None  # intent_applied() holds
        settle_intents(
            self.s,
            [(entity, entry, state)],
            now=job.now,
            account_id=job.account_id,
            marketplace_id=job.marketplace_id,
            skus_by_asin={job.decision.asin: job.skus},
        )
        self.report.outcomes[entity.ref.id] = APPLIED
        self._audited.add(entity.ref.id)

    def _reread(self, key: tuple, jobs: list[Job]) -> dict[str, EntityState] | None:
        """The group's current states, one list call (the client pages it); None when it failed, and then
        every job is THROTTLED or FAILED so that SQS retries its message (nothing was changed)."""
        region, profile_id, product, entity_type = key
        try:
            return self.s.ads.get_states(region, profile_id, product, entity_type, [j.decision.entity.ref.entity_id for j in jobs])
        except AdsApiRetryableError as error:
            self._fail_all(jobs, THROTTLED, str(error))
        except AdsApiError as error:
            self._fail_all(jobs, FAILED, str(error))
        return None

    def _apply(self, key: tuple, ready: list[Job], from_state: EntityState, to_state: EntityState) -> None:
        """PUT the new state for the entities whose ledger intent is taken; settle the ledger per result."""
        if not ready:
            return
        pausing = to_state is EntityState.PAUSED
        action = Action.PAUSE if pausing else Action.RESUME
        results = self._set_states(key, ready, to_state)
        # Audit what Amazon applied before any other write, then the index, the ledger last: a crash in
        # between leaves pending intents whose redelivery re-reads the entities and writes the same audit keys
        # (reconcile_pending), so nothing applied goes unaudited or stays unsettled.
        applied = [job for job in ready if results[job.decision.entity.ref.entity_id].outcome is Outcome.APPLIED]
        if applied:
            self.s.audit.record([self._entry(job, APPLIED, from_state=from_state, to_state=to_state) for job in applied])
            self._audited.update(job.decision.entity.ref.id for job in applied)
            self.s.index.update_states([(job.decision.entity, to_state) for job in applied])
            self._ledger_write("confirm", action, [(job.decision.entity.ref, job.now) for job in applied])
        refused = [job.decision.entity.ref for job in ready if results[job.decision.entity.ref.entity_id].outcome is Outcome.FAILED]
        self._ledger_write("cancel", action, refused)  # Amazon refused them: nothing changed
        # THROTTLED (429, 5xx, timeout, time budget) may still have applied (Amazon often finishes a PUT
        # the client gave up on): keep the intent; the redelivery re-reads the entity and settles it.
        for job in ready:
            result = results[job.decision.entity.ref.entity_id]
            if result.outcome is Outcome.APPLIED:
                self.s.metrics.count(MetricNames.ADS_PAUSED if pausing else MetricNames.ADS_RESUMED)
                self._lag(job)
            self._finish(job, result, from_state, to_state)

    # -- helpers --------------------------------------------------------------------------------
    def _ledger_write(self, kind: str, action: Action, items: list) -> set[str]:
        """One ledger transition ("intend" an Intent, "confirm" a (ref, event time), "cancel" a ref) for each
        item; the ref ids whose condition held. None: no call. One: the single-entity UpdateItem (a one-item
        transaction costs twice the write units). More: LedgerRepository.*_many, TransactWriteItems per 100.
        Any storage failure (TransactionIncomplete included) raises: run() makes the group THROTTLED."""
        ledger = self.s.ledger
        if len(items) != 1:
            return getattr(ledger, f"{kind}_many")(action, items) if items else set()
        single = getattr(ledger, f"{kind}_{'pause' if action is Action.PAUSE else 'resume'}")
        (item,) = items
        if kind == "intend":
            ref, held = item.ref, single(item.ref, asin=item.asin, reason=item.reason, notification_id=item.notification_id, now=item.now)
        elif kind == "confirm":
            ref, held = item[0], single(item[0], now=item[1])
        else:
            ref, held = item, single(item)
        return {ref.id} if held else set()

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
        if self.s.on_action and outcome in (APPLIED, FAILED, THROTTLED, MONITOR):  # attempted (or, in monitor mode, would-be) changes
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
    def _entry(
        job: Job, outcome: str, *, from_state: EntityState, to_state: EntityState, error: str = "", reason: Reason | None = None
    ) -> AuditEntry:
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
            reason=(reason or d.reason).value,
            notification_id=job.notification_id,
            result=outcome,
            error=error,
        )

    def _lag(self, job: Job) -> None:
        self.s.metrics.seconds(MetricNames.ACTION_LAG_SECONDS, max(0.0, (self.s.wall_clock() - job.now).total_seconds()))
