"""Phase "execute": carry out each decision's effect against the Ads API, the ledger, the index and the audit.

PAUSE:  re-read the entities' current state (list by id); only ENABLED ones are paused; ledger intent
        (conditional) -> PUT PAUSED -> audit -> index -> ledger PAUSED / intent cancelled, per entity of the
        multi-status.
RESUME: re-read likewise; only PAUSED ones are resumed: ledger intent (only from a pause StockGuard holds)
        -> PUT ENABLED -> audit -> index -> ledger RELEASED / back to PAUSED. One already ENABLED was
        re-enabled by an operator: no PUT, its pause is released (operator override) and audited as a keep.
        Archived or gone: no PUT, the pause stays held.
REPORT: monitor mode: audited and reported (`on_action`, result monitor), never sent.
MARK_OVERRIDDEN: re-read; ENABLED -> ledger OVERRIDDEN (anything else: only the index learns the state).
RELEASE: ledger OVERRIDDEN -> RELEASED, no Ads API call.   WAIT: one delayed re-evaluation per product.
Either way, a pending intent the re-read shows applied is settled (audited once), never applied again
(stockguard.pipeline.settle). Changes are coalesced per (region, profile, ad product, entity type), so the
client sends as few calls as the per-call maximums allow, and none when nothing changes state. The ledger
writes of a group are batched (LedgerStore.intend_many / confirm_many / cancel_many), each entry ending as
its single-entity transition would. Every result is one stockguard.domain.outcomes.Outcome.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

from stockguard.ads.errors import AdsApiError, AdsApiRetryableError
from stockguard.ads.port import UpdateResult
from stockguard.domain.ads import AdEntity, EntityState
from stockguard.domain.decisions import Action, Effect, Reason
from stockguard.domain.facts import ProductKey
from stockguard.domain.ledger import LedgerStatus
from stockguard.domain.outcomes import Outcome
from stockguard.observability import MetricNames
from stockguard.pipeline.audit_entries import change_entry
from stockguard.pipeline.plan import Job
from stockguard.pipeline.services import Services
from stockguard.pipeline.settle import intent_applied, read_states, settle_intents
from stockguard.state.audit import AuditEntry
from stockguard.state.ledger import Intent

logger = logging.getLogger(__name__)

GroupKey = tuple  # (region, profile id, ad product, entity type): one coalesced group of changes


@dataclass
class ExecutionReport:
    outcomes: dict[str, Outcome] = field(default_factory=dict)  # entity ref id -> its outcome
    calls_failed: bool = False

    @property
    def failed_refs(self) -> set[str]:
        return {ref for ref, outcome in self.outcomes.items() if outcome.retried}


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
        """Apply every job's effect: the keep effects at once, the changes coalesced per group."""
        changes: dict[Effect, dict[GroupKey, list[Job]]] = {Effect.PAUSE: defaultdict(list), Effect.RESUME: defaultdict(list)}
        for job in jobs:
            self._announce(job)
            effect = job.decision.what
            if effect in changes:
                ref = job.decision.entity.ref
                changes[effect][(job.region, ref.profile_id, ref.ad_product, ref.entity_type)].append(job)
            else:
                self._apply_keep(job)
                self._count_skip(job)
        for effect, groups in changes.items():
            if groups:
                self._change(effect, groups)
        self._send_waits()
        if self._audit:
            self.s.audit.record(self._audit)
        return self.report

    def _announce(self, job: Job) -> None:
        """Every decision, keep included, to the demo's timeline (`on_decision`)."""
        if not self.s.on_decision:
            return
        d = job.decision
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

    def _change(self, effect: Effect, groups: dict[GroupKey, list[Job]]) -> None:
        """Every coalesced group of one effect: each group re-read (one list call), then the ledger intents of
        all groups in one batched write, the PUTs per group, then one audit write, one index write and one
        ledger confirmation for all of them. Each entity still goes intent -> PUT -> audit -> index -> ledger,
        so every crash point leaves what the settle phase converges from."""
        pausing = effect is Effect.PAUSE
        candidates: dict[GroupKey, list[Job]] = {}
        observed: list[tuple[AdEntity, EntityState]] = []  # what the resume re-reads taught the index
        for key, group in groups.items():
            with self._retried_on_failure(group, key):
                seen: list[tuple[AdEntity, EntityState]] = []
                candidates[key] = self._pause_candidates(key, group) if pausing else self._resume_candidates(key, group, seen)
                observed += seen  # only from a group that got through: a failed one leaves the index as it was
        with self._retried_on_failure([j for key in candidates for j in groups[key]], "all groups"):
            took = {j.decision.entity.ref.id for j in self._intend(Action.PAUSE if pausing else Action.RESUME, self._flat(candidates))}
            if observed:
                # After the ledger intents: a crash in between leaves the index stale until the next index
                # sync, never a pause held (or an override left open) for an ad the operator runs.
                self.s.index.update_states(observed)
            ready = {key: [j for j in jobs if j.decision.entity.ref.id in took] for key, jobs in candidates.items()}
            self._apply(ready, *((EntityState.ENABLED, EntityState.PAUSED) if pausing else (EntityState.PAUSED, EntityState.ENABLED)))

    @contextmanager
    def _retried_on_failure(self, jobs: list[Job], where: object) -> Iterator[None]:
        """A storage failure or a bug makes every job not yet settled THROTTLED, so SQS redelivers them and
        the settle phase converges (even an applied change may lack its ledger write)."""
        try:
            yield
        except Exception as error:
            logger.exception("action group failed; its messages will be retried", extra={"group": str(where)})
            for job in jobs:
                ref_id = job.decision.entity.ref.id
                if ref_id not in self.report.outcomes and ref_id not in self._audited:
                    self._record(job, Outcome.THROTTLED, error=type(error).__name__)
                self.report.outcomes[ref_id] = Outcome.THROTTLED

    @staticmethod
    def _flat(by_key: dict[GroupKey, list[Job]]) -> list[Job]:
        return [job for jobs in by_key.values() for job in jobs]

    def _send_waits(self) -> None:
        reevaluate = self.s.reevaluate  # _waits is filled only when a scheduler is wired
        if reevaluate is not None:
            for (product, at, source), now in self._waits.items():
                reevaluate.schedule([product], at=at, now=now, source=source)

    # -- the effects of a keep (no state change at Amazon) ----------------------------------------
    def _report(self, job: Job) -> None:
        """Monitor mode: the would-be change is audited and reported, never sent."""
        self._record(job, Outcome.MONITOR)

    def _mark_overridden(self, job: Job) -> None:
        """The index says ENABLED while we hold a pause: re-read before believing an operator did it."""
        entity = job.decision.entity
        if job.ledger is None or job.ledger.status is not LedgerStatus.PAUSED:
            return
        actual = read_states(self.s, job.region, [entity]).get(entity.ref.id)
        if actual is EntityState.ENABLED:
            self.s.ledger.mark_overridden(entity.ref, now=job.now)
        elif actual is not None and actual is not entity.state:
            self.s.index.update_state(entity, actual)

    def _release(self, job: Job) -> None:
        """The operator's episode is over (every pause condition cleared): OVERRIDDEN -> RELEASED."""
        if job.ledger is not None and job.ledger.status is LedgerStatus.OVERRIDDEN:
            self.s.ledger.release(job.decision.entity.ref, now=job.now)

    def _wait(self, job: Job) -> None:
        """Held back by the dwell time: one re-evaluation per (product, time, sources), however many entities wait."""
        d = job.decision
        if d.retry_at is None or self.s.reevaluate is None:
            return
        product = ProductKey(account_id=job.account_id, marketplace_id=job.marketplace_id, asin=d.asin)
        self._waits.setdefault((product, d.retry_at, ",".join(job.sources) or job.notification_id), job.now)

    def _apply_keep(self, job: Job) -> None:
        """The effect of a decision that changes nothing at Amazon (Effect.NONE: nothing at all)."""
        match job.decision.what:
            case Effect.REPORT:
                self._report(job)
            case Effect.MARK_OVERRIDDEN:
                self._mark_overridden(job)
            case Effect.RELEASE:
                self._release(job)
            case Effect.WAIT:
                self._wait(job)

    def _count_skip(self, job: Job) -> None:
        """DecisionsSkipped by reason: every keep but the quiet ones; a monitor-mode change as monitor_mode."""
        d = job.decision
        if d.what is Effect.REPORT:
            self.s.metrics.count_by(MetricNames.DECISIONS_SKIPPED, "reason", "monitor_mode")
        elif d.reason not in (Reason.NO_CHANGE, Reason.ALREADY_PAUSED):
            self.s.metrics.count_by(MetricNames.DECISIONS_SKIPPED, "reason", d.reason.value)

    # -- pause ----------------------------------------------------------------------------------
    def _pause_candidates(self, key: GroupKey, jobs: list[Job]) -> list[Job]:
        """The group's jobs still ENABLED at the re-read: the ones to pause. Our own intent already applied is
        settled; paused by someone else, archived or gone is not ours to pause (so nothing to resume later)."""
        current = self._reread(key, jobs)
        if current is None:
            return []
        enabled: list[Job] = []
        for job in jobs:
            entity = job.decision.entity
            state = current.get(entity.ref.entity_id)
            if state is not None and intent_applied(job.ledger, state):
                self._settle_own_intent(job, state)
            elif state is EntityState.ENABLED:
                enabled.append(job)
            else:
                if state is not None and state is not entity.state:
                    self.s.index.update_state(entity, state)
                self.report.outcomes[entity.ref.id] = Outcome.SKIPPED
                self.s.metrics.count_by(MetricNames.DECISIONS_SKIPPED, "reason", "not_enabled_at_reread")
        return enabled

    # -- resume ---------------------------------------------------------------------------------
    def _resume_candidates(self, key: GroupKey, jobs: list[Job], observed: list[tuple[AdEntity, EntityState]]) -> list[Job]:
        """The group's jobs still PAUSED at the re-read: the ones to resume (the index the decision came from
        can be an hour old). ENABLED: our own pending resume that applied is settled; otherwise an operator
        re-enabled it and the pause is released as an operator override (audited as a keep). Anything else
        (archived, pending review, gone): nothing StockGuard may enable, the pause stays held. States the
        re-read found different from the index go to `observed` (written after the intents)."""
        current = self._reread(key, jobs)
        if current is None:
            return []
        paused: list[Job] = []
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
        return paused

    def _intend(self, action: Action, jobs: list[Job]) -> list[Job]:
        """Take the ledger intent of each job in one batched write; the jobs that took it, in order.

        A job whose condition failed is Outcome.SKIPPED: another invocation holds the entity (or, for a resume, no
        pause StockGuard holds). A storage failure raises, and run() makes the whole group Outcome.THROTTLED."""
        intents = [Intent(j.decision.entity.ref, j.decision.asin, j.decision.reason.value, j.notification_id, j.now) for j in jobs]
        took = self._ledger_write("intend", action, intents)
        for job in jobs:
            if job.decision.entity.ref.id not in took:
                self.report.outcomes[job.decision.entity.ref.id] = Outcome.SKIPPED  # another invocation holds it
        return [job for job in jobs if job.decision.entity.ref.id in took]

    def _operator_reenabled(self, job: Job) -> None:
        """We hold a pause, yet the entity is ENABLED: an operator re-enabled it during the episode.

        The README's promise: an ad the operator re-enables is left alone. The episode is over (the
        resume means every pause reason cleared), so the pause ends as Executor._keep ends an override
        (OVERRIDDEN, then RELEASED) without an Ads API call; the audit records a keep (ENABLED -> ENABLED,
        operator_override, result skipped), never an applied change, and --json gets no line for it.
        """
        ref = job.decision.entity.ref
        self.report.outcomes[ref.id] = Outcome.SKIPPED
        self.s.ledger.mark_overridden(ref, now=job.now)  # False when the index sync already marked it
        if not self.s.ledger.release(ref, now=job.now):
            # Neither PAUSED nor OVERRIDDEN any more: another invocation took a resume intent (its PUT may be
            # what the re-read saw). That invocation settles and audits it; claim nothing here.
            return
        self.s.metrics.count_by(MetricNames.DECISIONS_SKIPPED, "reason", Reason.OPERATOR_OVERRIDE.value)
        e = EntityState.ENABLED
        self._audit.append(self._entry(job, Outcome.SKIPPED, from_state=e, to_state=e, reason=Reason.OPERATOR_OVERRIDE))

    def _not_resumable(self, job: Job, state: EntityState | None) -> None:
        """Archived, pending review, user-deleted or gone from the list: nothing StockGuard may enable.

        No PUT, and the ledger keeps the pause: releasing it cannot be undone, and would be wrong for a
        transient state (an SB ad in moderation that comes back PAUSED is still ours to resume). Holding
        costs nothing: an entity that stays archived is not decided again (entity_not_active), the index
        sync drops a vanished one, and one someone re-enables is seen as an override by the sync or a re-read.
        """
        self.report.outcomes[job.decision.entity.ref.id] = Outcome.SKIPPED
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
        self.report.outcomes[entity.ref.id] = Outcome.APPLIED
        self._audited.add(entity.ref.id)

    def _reread(self, key: GroupKey, jobs: list[Job]) -> dict[str, EntityState] | None:
        """The group's current states, one list call (the client pages it); None when it failed, and then
        every job is Outcome.THROTTLED or Outcome.FAILED so that SQS retries its message (nothing was changed)."""
        region, profile_id, product, entity_type = key
        try:
            return self.s.ads.get_states(region, profile_id, product, entity_type, [j.decision.entity.ref.entity_id for j in jobs])
        except AdsApiRetryableError as error:
            self._fail_all(jobs, Outcome.THROTTLED, str(error))
        except AdsApiError as error:
            self._fail_all(jobs, Outcome.FAILED, str(error))
        return None

    def _apply(self, ready: dict[GroupKey, list[Job]], from_state: EntityState, to_state: EntityState) -> None:
        """PUT the new state per group for the entities whose ledger intent is taken; then, for all groups at
        once, audit what Amazon applied (before any other write), the index, the ledger last: a crash in
        between leaves pending intents whose redelivery re-reads the entities and writes the same audit keys
        (pipeline.settle), so nothing applied goes unaudited or stays unsettled."""
        jobs = self._flat(ready)
        if not jobs:
            return
        action = Action.PAUSE if to_state is EntityState.PAUSED else Action.RESUME
        results: dict[str, UpdateResult] = {}
        for key, group in ready.items():
            if group:
                results.update((j.decision.entity.ref.id, r) for j, r in zip(group, self._set_states(key, group, to_state), strict=True))
        applied = [job for job in jobs if results[job.decision.entity.ref.id].outcome is Outcome.APPLIED]
        if applied:
            self.s.audit.record([self._entry(job, Outcome.APPLIED, from_state=from_state, to_state=to_state) for job in applied])
            self._audited.update(job.decision.entity.ref.id for job in applied)
            self.s.index.update_states([(job.decision.entity, to_state) for job in applied])
            self._ledger_write("confirm", action, [(job.decision.entity.ref, job.now) for job in applied])
        refused = [job.decision.entity.ref for job in jobs if results[job.decision.entity.ref.id].outcome is Outcome.FAILED]
        self._ledger_write("cancel", action, refused)  # Amazon refused them: nothing changed
        # THROTTLED (429, 5xx, timeout, time budget) may still have applied (Amazon often finishes a PUT the
        # client gave up on): keep the intent; the redelivery re-reads the entity and settles it.
        for job in jobs:
            result = results[job.decision.entity.ref.id]
            if result.outcome is Outcome.APPLIED:
                self.s.metrics.count(MetricNames.ADS_PAUSED if action is Action.PAUSE else MetricNames.ADS_RESUMED)
                self._lag(job)
            self._finish(job, result, from_state, to_state)

    # -- helpers --------------------------------------------------------------------------------
    def _ledger_write(self, kind: str, action: Action, items: list) -> set[str]:
        """One ledger transition ("intend" an Intent, "confirm" a (ref, event time), "cancel" a ref) for each
        item; the ref ids whose condition held. None: no call. One: the single-entity UpdateItem (a one-item
        transaction costs twice the write units). More: LedgerRepository.*_many, TransactWriteItems per 100.
        Any storage failure (TransactionIncomplete included) raises: run() makes the group Outcome.THROTTLED."""
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

    def _set_states(self, key: GroupKey, jobs: list[Job], state: EntityState) -> list[UpdateResult]:
        """One result per job, in order: a PUT per chunk (the client chunks), an error for all, or "no result"."""
        region, profile_id, product, entity_type = key
        ids = [j.decision.entity.ref.entity_id for j in jobs]
        try:
            results = self.s.ads.set_states(region, profile_id, product, entity_type, [(i, state) for i in ids])
        except AdsApiRetryableError as error:
            results = [UpdateResult(entity_id=i, outcome=Outcome.THROTTLED, error_message=str(error)) for i in ids]
        except AdsApiError as error:
            results = [UpdateResult(entity_id=i, outcome=Outcome.FAILED, error_code=error.code, error_message=str(error)) for i in ids]
        by_id = {r.entity_id: r for r in results}
        return [by_id.get(i) or UpdateResult(entity_id=i, outcome=Outcome.FAILED, error_message="no result") for i in ids]

    def _finish(self, job: Job, result: UpdateResult, from_state: EntityState, to_state: EntityState) -> None:
        outcome = result.outcome  # the port's vocabulary is the executor's (stockguard.domain.outcomes)
        if outcome == Outcome.FAILED:
            self.s.metrics.count(MetricNames.ADS_API_ERRORS)
        elif outcome == Outcome.THROTTLED:
            self.s.metrics.count(MetricNames.ADS_API_THROTTLED)
        error = f"{result.error_code}: {result.error_message}".strip(": ") if outcome != Outcome.APPLIED else ""
        self._record(job, outcome, from_state=from_state, to_state=to_state, error=error)

    def _fail_all(self, jobs: list[Job], outcome: Outcome, error: str) -> None:
        self.s.metrics.count(MetricNames.ADS_API_THROTTLED if outcome == Outcome.THROTTLED else MetricNames.ADS_API_ERRORS, len(jobs))
        for job in jobs:
            self._record(job, outcome, error=error)

    def _record(self, job: Job, outcome: Outcome, *, from_state=None, to_state=None, error: str = "") -> None:
        d = job.decision
        ref = d.entity.ref
        if from_state is None:
            from_state = EntityState.ENABLED if d.action is Action.PAUSE else EntityState.PAUSED
            to_state = EntityState.PAUSED if d.action is Action.PAUSE else EntityState.ENABLED
        self.report.outcomes[ref.id] = outcome
        if ref.id not in self._audited:
            self._audit.append(self._entry(job, outcome, from_state=from_state, to_state=to_state, error=error))
        if self.s.on_action and outcome in (
            Outcome.APPLIED,
            Outcome.FAILED,
            Outcome.THROTTLED,
            Outcome.MONITOR,
        ):  # attempted (or, in monitor mode, would-be) changes
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
                    "result": outcome.value,
                    "at": job.now.isoformat(),
                    "marketplaceId": job.marketplace_id,
                    "notificationId": job.notification_id,
                }
            )

    @staticmethod
    def _entry(
        job: Job, outcome: Outcome, *, from_state: EntityState, to_state: EntityState, error: str = "", reason: Reason | None = None
    ) -> AuditEntry:
        d = job.decision
        return change_entry(
            at=job.now,
            account_id=job.account_id,
            marketplace_id=job.marketplace_id,
            asin=d.asin,
            skus=job.skus,
            ref=d.entity.ref,
            from_state=from_state,
            to_state=to_state,
            reason=(reason or d.reason).value,
            notification_id=job.notification_id,
            result=outcome,
            error=error,
        )

    def _lag(self, job: Job) -> None:
        self.s.metrics.seconds(MetricNames.ACTION_LAG_SECONDS, max(0.0, (self.s.wall_clock() - job.now).total_seconds()))
