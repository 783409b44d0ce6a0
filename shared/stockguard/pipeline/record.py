"""Phase "record facts": the facts of a batch's fresh notifications, one conditional write per product.

Each write stores the newest fact per source (an older event never overwrites a newer one) and returns
every fact of the product, so the gather phase reads nothing more for it.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field

from stockguard.domain.facts import OfferFact, ParsedNotification, ProductKey, StockFact
from stockguard.pipeline.gather import ProductTrigger
from stockguard.pipeline.plan import product_state
from stockguard.pipeline.services import Services
from stockguard.policy.assess import condition_of
from stockguard.state.stock import ProductFacts, Recorded, order_key, source_of

logger = logging.getLogger(__name__)


@dataclass
class RecordedBatch:
    """What the phase leaves for the next ones."""

    triggers: dict[tuple[str, str], dict[str, ProductTrigger]] = field(default_factory=lambda: defaultdict(dict))
    broken: set[str] = field(default_factory=set)  # notifications whose facts could not be stored: retried
    quiet: set[str] = field(default_factory=set)  # notifications that changed no product's condition: nothing to decide
    unchanged: int = 0  # products whose new facts left their condition as it was


def record_facts(services: Services, fresh: dict[str, ParsedNotification]) -> RecordedBatch:
    """Store the facts of the batch, one conditional write per product (its newest fact per source), and
    collect the products to decide with the facts each write returned.

    A storage failure fails the notifications with facts for that product (their records are batch item
    failures, so SQS retries them). A product whose write stored newer facts that leave its condition as it
    was (stock on the same side of both thresholds, the same Featured Offer: policy.assess.condition_of) is
    not decided again for the notifications whose every fact the write stored: no decision can differ from
    the last one, and a held-back one comes back as its scheduled re-evaluation. A notification with a stale
    or repeated fact (a redelivery after a failure, a concurrent invocation), even in a batch whose newer
    facts are stored, is always decided, so a retry settles what a failed attempt left.
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
    batch = RecordedBatch()
    recorded: dict[str, ProductFacts | None] = {}
    # product id -> the notifications whose every fact for it this write stored, on a product whose
    # condition the write left as it was: only those may skip the decision
    news: dict[str, set[str]] = {}
    for product_id, facts in facts_of.items():
        try:
            outcome = services.stock.record(products[product_id], facts)
        except Exception:
            logger.exception("could not record facts", extra={"product": product_id, "notification_ids": sorted(writers[product_id])})
            batch.broken |= writers[product_id]
            continue
        recorded[product_id] = outcome.facts
        if _condition_unchanged(services, outcome):
            news[product_id] = _stored_by(facts, outcome)
    batch.unchanged = len(news)
    for notification_id, notification in fresh.items():
        if notification_id in batch.broken:
            continue
        quiet = True
        for product in notification.products:
            if notification_id in news.get(product.id, set()):
                continue
            quiet = False
            group = batch.triggers[(product.account_id, product.marketplace_id)]
            trigger = group.setdefault(product.asin, ProductTrigger(product=product, event_time=notification.event_time))
            trigger.event_time = max(trigger.event_time, notification.event_time)
            trigger.notification_ids.add(notification_id)
            trigger.facts = recorded.get(product.id)
        if quiet and notification.products:
            batch.quiet.add(notification_id)
    return batch


def _stored_by(facts: list[StockFact | OfferFact], outcome: Recorded) -> set[str]:
    """The notifications every one of whose facts the write stored. A notification with a fact that was not
    stored (stale, repeated: a redelivery after a failure, or superseded in the batch) is not among them, so
    it is always decided and settles what its failed attempt left (a pending intent, a throttled change)."""
    by_notification: dict[str, bool] = {}
    for fact in facts:
        stored = (source_of(fact), order_key(fact.event_time, fact.notification_id)) in outcome.stored
        by_notification[fact.notification_id] = by_notification.get(fact.notification_id, True) and stored
    return {n for n, all_stored in by_notification.items() if all_stored}


def _condition_unchanged(services: Services, outcome: Recorded) -> bool:
    """The write stored newer facts, and the product's condition before and after it is the same."""
    if not outcome.stored or outcome.previous is None or outcome.facts is None:
        return False
    config = services.config
    vendor = config.is_vendor(outcome.facts.product.account_id)

    def condition(facts: ProductFacts):
        state = product_state(facts, vendor=vendor, include_inbound=config.include_inbound)
        return condition_of(state, pause_threshold=config.pause_threshold, resume_threshold=config.resume_at)

    return condition(outcome.previous) == condition(outcome.facts)
