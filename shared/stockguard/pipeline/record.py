"""Phase "record facts": the facts of a batch's fresh notifications, one conditional write per product.

Each write stores the newest fact per source (an older event never overwrites a newer one) and returns
every fact of the product, so the gather phase reads nothing more for it.
"""

from __future__ import annotations

import logging
from collections import defaultdict

from stockguard.domain.facts import OfferFact, ParsedNotification, ProductKey, StockFact
from stockguard.pipeline.gather import ProductTrigger
from stockguard.pipeline.services import Services
from stockguard.state.stock import ProductFacts

logger = logging.getLogger(__name__)


def record_facts(
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
