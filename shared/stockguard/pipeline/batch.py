"""One SQS batch, end to end, with a partial batch response.

Phase 1 (per record, powertools BatchProcessor): parse and validate. A bad record fails alone.
Phase 2 (per batch): drop duplicates (NotificationId), record facts (one conditional write per
product, which returns every fact of it), plan decisions per (account, marketplace), execute them
coalesced, each at its entity's own clock, then mark the notifications whose effects all applied. Any record whose facts could not be stored or whose entities failed or were throttled is a
batch item failure, so SQS delivers it again (and after maxReceiveCount, to the DLQ).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, cast

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from stockguard.ads.errors import AdsApiError
from stockguard.domain.facts import OfferFact, ParsedNotification, ProductKey, StockFact
from stockguard.notifications import NotificationError, parse_notification
from stockguard.observability import MetricNames
from stockguard.observability import logger as powertools_logger
from stockguard.pipeline.execute import Executor, Job
from stockguard.pipeline.plan import GroupPlan, ProductTrigger, plan_group
from stockguard.pipeline.services import Services
from stockguard.state.stock import ProductFacts

logger = logging.getLogger(__name__)


@dataclass
class BatchResult:
    """What happened to a batch: the partial batch response plus counts for the CLI and tests."""

    failed_message_ids: list[str] = field(default_factory=list)
    rejected: dict[str, str] = field(default_factory=dict)  # messageId -> reason
    duplicates: int = 0
    processed: int = 0
    plans: list[GroupPlan] = field(default_factory=list)
    outcomes: dict[str, str] = field(default_factory=dict)

    def response(self) -> dict[str, Any]:
        return {"batchItemFailures": [{"itemIdentifier": m} for m in self.failed_message_ids]}


def _parse_records(records: list[dict]) -> tuple[dict[str, ParsedNotification], dict[str, str]]:
    parsed: dict[str, ParsedNotification] = {}

    def record_handler(record: SQSRecord) -> None:
        powertools_logger.set_correlation_id(record.message_id)
        try:
            notification = parse_notification(record.body)
            parsed[record.message_id] = notification
            # Correlation id = the notification's own id: it follows the notification across resends.
            powertools_logger.set_correlation_id(notification.notification_id)
            logger.debug("notification accepted", extra={"message_id": record.message_id, "type": notification.notification_type.value})
        except NotificationError as error:
            logger.error(
                "rejected notification",
                extra={"message_id": record.message_id, "reason": str(error), "receive_count": record.attributes.approximate_receive_count},
            )
            raise

    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    with processor(records=records, handler=record_handler):
        processor.process()
    powertools_logger.set_correlation_id(None)
    # EventType.SQS without a model: every failed record is an SQSRecord (the union type covers all event sources).
    failed = cast(list[SQSRecord], processor.fail_messages)
    rejected = {
        record.message_id: str(exc_info[1]) if exc_info and exc_info[1] else "rejected"
        for exc_info, record in zip(processor.exceptions, failed, strict=False)
    }
    return parsed, rejected


def process_batch(records: list[dict], services: Services) -> BatchResult:
    result = BatchResult()
    services.metrics.count(MetricNames.NOTIFICATIONS_RECEIVED, len(records))
    parsed, result.rejected = _parse_records(records)
    if result.rejected:
        services.metrics.count(MetricNames.NOTIFICATIONS_REJECTED, len(result.rejected))
    failed: set[str] = set(result.rejected)

    # Deduplicate on NotificationId, across deliveries (table) and inside this batch.
    message_ids_by_notification: dict[str, list[str]] = defaultdict(list)
    for message_id, notification in parsed.items():
        message_ids_by_notification[notification.notification_id].append(message_id)
    try:
        already = services.dedup.seen(message_ids_by_notification)
    except Exception:
        logger.exception("dedup lookup failed; the batch will be retried")
        return _fail_everything(result, records)
    result.duplicates = sum(len(message_ids_by_notification[n]) for n in already) + sum(
        len(ids) - 1 for n, ids in message_ids_by_notification.items() if n not in already
    )
    if result.duplicates:
        services.metrics.count(MetricNames.NOTIFICATIONS_DUPLICATE, result.duplicates)
    fresh = {n: parsed[ids[0]] for n, ids in message_ids_by_notification.items() if n not in already}
    ignored = sum(len(n.ignored_marketplaces) for n in fresh.values())
    if ignored:
        services.metrics.count_by(MetricNames.DECISIONS_SKIPPED, "reason", "marketplace_not_served", ignored)

    triggers, broken = _record_facts(services, fresh)

    # Decide and act.
    jobs: list[Job] = []
    job_sources: dict[str, set[str]] = {}
    for (account_id, marketplace_id), by_asin in triggers.items():
        group_ids = set().union(*(t.notification_ids for t in by_asin.values()))
        try:
            plan = plan_group(services, account_id, marketplace_id, list(by_asin.values()))
        except (AdsApiError, Exception):
            logger.exception("planning failed", extra={"account_id": account_id, "marketplace_id": marketplace_id})
            broken |= group_ids
            continue
        result.plans.append(plan)
        if plan.profile_id is None:
            continue
        for job in _jobs(services, plan, group_ids):
            job_sources[job.decision.entity.ref.id] = set(job.sources)
            jobs.append(job)
    report = Executor(services).run(jobs)
    result.outcomes = report.outcomes
    for ref_id in report.failed_refs:
        broken |= job_sources.get(ref_id, set())

    for notification_id in broken:
        failed.update(message_ids_by_notification.get(notification_id, []))
    done = [n for n in fresh if n not in broken]
    if done:
        try:
            services.dedup.mark(done, now=services.wall_clock())
        except Exception:
            # Effects are idempotent: a redelivery re-decides from state and changes nothing.
            logger.exception("could not mark notifications processed")
    result.processed = len(done)
    result.failed_message_ids = [r["messageId"] for r in records if r["messageId"] in failed]
    return result


def _record_facts(
    services: Services, fresh: dict[str, ParsedNotification]
) -> tuple[dict[tuple[str, str], dict[str, ProductTrigger]], set[str]]:
    """Store the facts of the batch, one conditional write per product (its newest fact per source), and
    collect the products to decide with the facts each write returned.

    A storage failure fails the notifications with facts for that product (their records are batch item
    failures, so SQS retries them); a notification that is not broken triggers each of its products.
    """
    facts_of: dict[str, list[StockFact | OfferFact]] = defaultdict(list)
    products: dict[str, ProductKey] = {}
    writers: dict[str, set[str]] = defaultdict(set)  # product id -> notifications with facts for it
    for notification_id, notification in fresh.items():
        notification_facts: tuple[StockFact | OfferFact, ...] = (*notification.stock_facts, *notification.offer_facts)
        for fact in notification_facts:
            facts_of[fact.product.id].append(fact)
            products[fact.product.id] = fact.product
            writers[fact.product.id].add(notification_id)
    recorded: dict[str, ProductFacts | None] = {}
    broken: set[str] = set()
    for product_id, facts in facts_of.items():
        try:
            recorded[product_id] = services.stock.record(products[product_id], facts).facts
        except Exception:
            logger.exception("could not record facts", extra={"product": product_id, "notification_ids": sorted(writers[product_id])})
            broken |= writers[product_id]
    triggers: dict[tuple[str, str], dict[str, ProductTrigger]] = defaultdict(dict)
    for notification_id, notification in fresh.items():
        if notification_id in broken:
            continue
        for product in notification.products:
            group = triggers[(product.account_id, product.marketplace_id)]
            trigger = group.setdefault(product.asin, ProductTrigger(product=product, event_time=notification.event_time))
            trigger.event_time = max(trigger.event_time, notification.event_time)
            trigger.notification_ids.add(notification_id)
            trigger.facts = recorded.get(product.id)
    return triggers, broken


def _jobs(services: Services, plan: GroupPlan, group_ids: set[str]) -> list[Job]:
    """One Job per decision, at its entity's own clock (GroupPlan.clocks)."""
    region = services.region_for(plan.marketplace_id)
    jobs = []
    for decision in plan.decisions:
        ref_id = decision.entity.ref.id
        sources = plan.sources.get(ref_id) or group_ids
        jobs.append(
            Job(
                decision=decision,
                account_id=plan.account_id,
                marketplace_id=plan.marketplace_id,
                region=region,
                now=plan.clocks.get(ref_id, plan.now),
                notification_id=sorted(sources)[0],
                sources=tuple(sorted(sources)),
                skus=plan.skus_by_asin.get(decision.asin, ()),
                ledger=plan.ledger.get(ref_id),
            )
        )
    return jobs


def _fail_everything(result: BatchResult, records: list[dict]) -> BatchResult:
    result.failed_message_ids = [r["messageId"] for r in records]
    return result
