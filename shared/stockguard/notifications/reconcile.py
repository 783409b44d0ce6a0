"""STOCKGUARD_RECONCILE: Amazon's own state of one product, read back by the reconciliation (issue 13).

ReconcileFunction reads getInventorySummaries and getCompetitiveSummary and sends, per product whose
facts changed, one of these messages to the inventory queue. InventoryEventsFunction then decides it
exactly as a notification (dedup, the stock table's event-time condition, policy, ledger, coalescing,
audit): the reconciliation has no decision path of its own, so it cannot decide differently.

The facts' source is RECONCILE; they are stored in the same slots as notification facts (FBA#{sku},
OFFER), so a newer notification still wins and an older one never overwrites them. The NotificationId is
derived from seller, marketplace, product, kind and the newest fact time: a retried or repeated run that
read the same state sends the same id, and dedup decides it once. Ids start with `reconcile:`, which is
how the pipeline tells drift (a change a reconcile fact caused) from a notification's change.

Body (camelCase like the re-evaluation message):
    {"notificationType": "STOCKGUARD_RECONCILE", "notificationId": "reconcile:…", "eventTime": "…",
     "sellerId": "A…", "marketplaceId": "ATVPDKIKX0DER", "asin": "B…", "trigger": "change_feed",
     "stock": [{"sellerSku", "fulfillable", "inbound", "reserved", "futureSupplyBuyable", "eventTime"}],
     "offer": {"featured": false, "detail": "other_offer_featured", "eventTime": "…"}}
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum

from pydantic import model_validator

from stockguard.clock import iso
from stockguard.domain.facts import NotificationType, OfferFact, ParsedNotification, ProductKey, StockFact
from stockguard.notifications.build import parsed_notification
from stockguard.notifications.envelope import Message
from stockguard.notifications.fields import Flag, Id, Lenient, Quantity, Timestamp

__all__ = ["RECONCILE_ID_PREFIX", "ReconcileTrigger", "build_reconcile_message", "is_reconcile_id", "parse_reconcile", "reconcile_id"]

RECONCILE_ID_PREFIX = "reconcile:"


class ReconcileTrigger(StrEnum):
    """Which read produced the facts (audit and logs say it)."""

    CHANGE_FEED = "change_feed"  # getInventorySummaries startDateTime = the watermark
    FULL_SWEEP = "full_sweep"  # getInventorySummaries without startDateTime (no watermark, or the periodic sweep)
    OFFER_RECHECK = "offer_recheck"  # getCompetitiveSummary of a product paused for the Featured Offer


class ReconcileStock(Lenient):
    sellerSku: Id
    fulfillable: Quantity
    inbound: Quantity = 0
    reserved: Quantity = 0
    futureSupplyBuyable: Quantity = 0
    eventTime: Timestamp


class ReconcileOffer(Lenient):
    featured: Flag
    detail: str = ""
    eventTime: Timestamp


class ReconcileMessage(Lenient):
    notificationType: str
    notificationId: Id
    eventTime: Timestamp
    sellerId: Id
    marketplaceId: Id
    asin: Id
    trigger: str = ""
    stock: tuple[ReconcileStock, ...] = ()
    offer: ReconcileOffer | None = None

    @model_validator(mode="after")
    def _has_a_fact(self) -> ReconcileMessage:
        if not self.stock and self.offer is None:
            raise ValueError("a reconcile message needs stock or offer")
        return self


def is_reconcile_id(notification_id: str) -> bool:
    return notification_id.startswith(RECONCILE_ID_PREFIX)


def reconcile_id(product: ProductKey, kind: str, fact_time: datetime) -> str:
    """`reconcile:{seller}:{marketplace}:{asin}:{kind}:{newest fact time}`: the same state read twice
    (a retried run, an overlapping change feed) is the same id, so it is decided once."""
    return f"{RECONCILE_ID_PREFIX}{product.account_id}:{product.marketplace_id}:{product.asin}:{kind}:{iso(fact_time)}"


def build_reconcile_message(
    product: ProductKey,
    *,
    trigger: ReconcileTrigger,
    stock: Sequence[StockFact] = (),
    offer: OfferFact | None = None,
) -> tuple[str, str]:
    """(NotificationId, SQS body) of the facts read back for `product` (stock facts per SKU, or one offer)."""
    if not stock and offer is None:
        raise ValueError("a reconcile message needs stock or offer")
    times = [f.event_time for f in stock] + ([offer.event_time] if offer is not None else [])
    newest = max(times)
    notification_id = reconcile_id(product, "stock" if stock else "offer", newest)
    body: dict = {
        "notificationType": NotificationType.STOCKGUARD_RECONCILE.value,
        "notificationId": notification_id,
        "eventTime": iso(newest),
        "sellerId": product.account_id,
        "marketplaceId": product.marketplace_id,
        "asin": product.asin,
        "trigger": trigger.value,
    }
    if stock:
        body["stock"] = [
            {
                "sellerSku": f.sku,
                "fulfillable": f.fulfillable or 0,
                "inbound": f.inbound,
                "reserved": f.reserved,
                "futureSupplyBuyable": f.future_supply_buyable,
                "eventTime": iso(f.event_time),
            }
            for f in stock
        ]
    if offer is not None:
        body["offer"] = {"featured": bool(offer.featured), "detail": offer.detail, "eventTime": iso(offer.event_time)}
    return notification_id, json.dumps(body, separators=(",", ":"))


def parse_reconcile(message: Message) -> ParsedNotification:
    model = message.validate(ReconcileMessage)
    product = ProductKey(account_id=model.sellerId, marketplace_id=model.marketplaceId, asin=model.asin)
    stock = [
        StockFact(
            product=product,
            sku=row.sellerSku,
            source=NotificationType.RECONCILE,
            fulfillable=row.fulfillable,
            inbound=row.inbound,
            reserved=row.reserved,
            future_supply_buyable=row.futureSupplyBuyable,
            event_time=row.eventTime,
            notification_id=model.notificationId,
        )
        for row in model.stock
    ]
    offers = []
    if model.offer is not None:
        offers.append(
            OfferFact(
                product=product,
                featured=model.offer.featured,
                source=NotificationType.RECONCILE,
                detail=model.offer.detail,
                event_time=model.offer.eventTime,
                notification_id=model.notificationId,
            )
        )
    return parsed_notification(
        NotificationType.STOCKGUARD_RECONCILE,
        notification_id=model.notificationId,
        event_time=model.eventTime,
        stock_facts=stock,
        offer_facts=offers,
    )
