"""One SQS batch, end to end, with a partial batch response: the application pipeline as explicit phases.

    parse -> deduplicate -> record facts -> gather -> settle pending intents -> plan -> execute -> mark processed

parse (stockguard.pipeline.parse) fails bad records alone; deduplicate drops NotificationIds already
processed (table) or repeated in the batch; record facts (pipeline.record) writes once per product; then
per (account, marketplace): gather (pipeline.gather: reads), settle (pipeline.settle: crash settlement,
before any decision), plan (pipeline.plan: the pure policy, no I/O); execute (pipeline.execute) carries out
every effect coalesced across groups, and the changes reconcile facts caused are counted as drift
(pipeline.drift); mark processed records the notifications whose effects all applied.
Any record whose facts could not be stored, whose group could not be decided, or whose entities failed or
were throttled is a batch item failure, so SQS delivers it again (and after maxReceiveCount, to the DLQ).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from stockguard.domain.facts import ParsedNotification
from stockguard.domain.outcomes import Outcome
from stockguard.observability import MetricNames
from stockguard.pipeline.drift import drift_of
from stockguard.pipeline.execute import Executor
from stockguard.pipeline.gather import ProductTrigger, gather_group
from stockguard.pipeline.parse import parse_records
from stockguard.pipeline.plan import GroupPlan, Job, jobs_of, plan_group
from stockguard.pipeline.record import record_facts
from stockguard.pipeline.services import Services
from stockguard.pipeline.settle import settle_group

logger = logging.getLogger(__name__)


@dataclass
class BatchResult:
    """What happened to a batch: the partial batch response plus counts for the CLI and tests."""

    failed_message_ids: list[str] = field(default_factory=list)
    rejected: dict[str, str] = field(default_factory=dict)  # messageId -> reason
    duplicates: int = 0
    processed: int = 0
    plans: list[GroupPlan] = field(default_factory=list)
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    drift: dict[str, int] = field(default_factory=dict)  # ReconcileDrift kind -> products (pipeline.drift)

    def response(self) -> dict[str, Any]:
        return {"batchItemFailures": [{"itemIdentifier": m} for m in self.failed_message_ids]}


@dataclass
class _Run:
    """A batch between phases: the records, what each phase found, and the notifications to retry."""

    records: list[dict]
    result: BatchResult = field(default_factory=BatchResult)
    parsed: dict[str, ParsedNotification] = field(default_factory=dict)  # messageId -> notification
    message_ids: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # notificationId -> messageIds
    fresh: dict[str, ParsedNotification] = field(default_factory=dict)  # notificationId -> notification
    quiet: set[str] = field(default_factory=set)  # notifications that changed no product's condition
    jobs: list[Job] = field(default_factory=list)
    job_sources: dict[str, set[str]] = field(default_factory=dict)  # entity ref id -> notification ids
    broken: set[str] = field(default_factory=set)  # notification ids to retry


def process_batch(records: list[dict], services: Services) -> BatchResult:
    run = _Run(records)
    _parse(run, services)
    if not _deduplicate(run, services):
        return _fail_everything(run)
    recorded = record_facts(services, run.fresh)
    run.broken, run.quiet = recorded.broken, recorded.quiet
    if recorded.unchanged:
        services.metrics.count_by(MetricNames.DECISIONS_SKIPPED, "reason", "condition_unchanged", recorded.unchanged)
    for (account_id, marketplace_id), by_asin in recorded.triggers.items():
        _decide_group(run, services, account_id, marketplace_id, list(by_asin.values()))
    _execute(run, services)
    _mark_processed(run, services)
    return run.result


def _parse(run: _Run, services: Services) -> None:
    services.metrics.count(MetricNames.NOTIFICATIONS_RECEIVED, len(run.records))
    run.parsed, run.result.rejected = parse_records(run.records)
    if run.result.rejected:
        services.metrics.count(MetricNames.NOTIFICATIONS_REJECTED, len(run.result.rejected))
    for message_id, notification in run.parsed.items():
        run.message_ids[notification.notification_id].append(message_id)


def _deduplicate(run: _Run, services: Services) -> bool:
    """Drop NotificationIds seen before (the table) or twice in this batch; False when the table is unreadable."""
    try:
        already = services.dedup.seen(run.message_ids)
    except Exception:
        logger.exception("dedup lookup failed; the batch will be retried")
        return False
    result = run.result
    result.duplicates = sum(len(run.message_ids[n]) for n in already) + sum(
        len(ids) - 1 for n, ids in run.message_ids.items() if n not in already
    )
    if result.duplicates:
        services.metrics.count(MetricNames.NOTIFICATIONS_DUPLICATE, result.duplicates)
    run.fresh = {n: run.parsed[ids[0]] for n, ids in run.message_ids.items() if n not in already}
    ignored = sum(len(n.ignored_marketplaces) for n in run.fresh.values())
    if ignored:
        services.metrics.count_by(MetricNames.DECISIONS_SKIPPED, "reason", "marketplace_not_served", ignored)
    return True


def _decide_group(run: _Run, services: Services, account_id: str, marketplace_id: str, triggers: list[ProductTrigger]) -> None:
    """gather -> settle -> plan for one (account, marketplace); any failure retries the group's notifications."""
    group_ids = set().union(*(t.notification_ids for t in triggers))
    try:
        context = settle_group(services, gather_group(services, account_id, marketplace_id, triggers))
        plan = plan_group(services.config, context)
    except Exception:
        logger.exception("planning failed", extra={"account_id": account_id, "marketplace_id": marketplace_id})
        run.broken |= group_ids
        return
    run.result.plans.append(plan)
    for job in jobs_of(plan, group_ids):
        run.job_sources[job.decision.entity.ref.id] = set(job.sources)
        run.jobs.append(job)


def _execute(run: _Run, services: Services) -> None:
    report = Executor(services).run(run.jobs)
    run.result.outcomes = report.outcomes
    for ref_id in report.failed_refs:
        run.broken |= run.job_sources.get(ref_id, set())
    for kind, products in drift_of(run.jobs, report.outcomes, run.fresh).items():
        services.metrics.count_by(MetricNames.RECONCILE_DRIFT, "kind", kind.value, products)
        run.result.drift[kind.value] = run.result.drift.get(kind.value, 0) + products


def _mark_processed(run: _Run, services: Services) -> None:
    """Mark the notifications whose effects all applied; fail the records of the others (and the rejected).

    A quiet notification (it changed no product's condition) is done but not marked: a duplicate of it
    finds its facts already stored, and is then decided in full, which changes nothing that is not due;
    skipping the mark saves the write on the most common notification of all."""
    failed = set(run.result.rejected)
    for notification_id in run.broken:
        failed.update(run.message_ids.get(notification_id, []))
    done = [n for n in run.fresh if n not in run.broken]
    to_mark = [n for n in done if n not in run.quiet]
    if to_mark:
        try:
            services.dedup.mark(to_mark, now=services.wall_clock())
        except Exception:
            # Effects are idempotent: a redelivery re-decides from state and changes nothing.
            logger.exception("could not mark notifications processed")
    run.result.processed = len(done)
    run.result.failed_message_ids = [r["messageId"] for r in run.records if r["messageId"] in failed]


def _fail_everything(run: _Run) -> BatchResult:
    run.result.failed_message_ids = [r["messageId"] for r in run.records]
    return run.result
