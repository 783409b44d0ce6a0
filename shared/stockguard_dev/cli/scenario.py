"""The demo's scenario: one seller (US and DE) and one vendor, a day of notifications.

Each step is one SQS batch, delivered through the real handlers: in stock, low stock, a duplicate and a
malformed message, a late out-of-order event, a stock-out, stock between the thresholds, a restock, the
Featured Offer lost and regained within the dwell time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

SELLER = "A3TH9S8BH6GOGM"
VENDOR_ACCOUNT = "amzn1.vg.DEMOVENDOR"
US, DE = "ATVPDKIKX0DER", "A1PA6795UKMFR9"
WIDGET, GADGET, GIZMO, VENDOR_ASIN = "B00001ABCD", "B00002EFGH", "B00003IJKL", "B0V0000001"
DAY = datetime(2026, 11, 2, tzinfo=UTC)

DEMO_CONFIG = {
    "mode": "pause_and_resume",
    "pause_threshold": 2,
    "resume_threshold": 5,
    "dwell_minutes": 10,
    "profile_mapping": {VENDOR_ACCOUNT: {US: "3333333333333333"}},
}


@dataclass(frozen=True)
class Step:
    at: datetime
    signal: str
    bodies: tuple[str, ...]


def _t(hh: int, mm: int = 0) -> datetime:
    return DAY + timedelta(hours=hh, minutes=mm)


def _iso(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%S.000Z")


def fba(sku: str, asin: str, quantities: dict[str, int], at: datetime, nid: str) -> str:
    return json.dumps(
        {
            "NotificationVersion": "1.0",
            "NotificationType": "FBA_INVENTORY_AVAILABILITY_CHANGES",
            "PayloadVersion": "1.0",
            "EventTime": _iso(at),
            "NotificationMetadata": {
                "ApplicationId": "amzn1.sellerapps.app.demo",
                "SubscriptionId": "demo-sub",
                "PublishTime": _iso(at),
                "NotificationId": nid,
            },
            "Payload": {
                "SellerId": SELLER,
                "FNSKU": "X00" + sku[-1] * 7,
                "ASIN": asin,
                "SKU": sku,
                "FulfillmentInventoryByMarketplace": [
                    {
                        "MarketplaceId": marketplace,
                        "ItemName": "Demo product",
                        "FulfillmentInventory": {
                            "Fulfillable": qty,
                            "Unfulfillable": 0,
                            "Researching": 0,
                            "InboundQuantityBreakdown": {"Working": 0, "Shipped": 0, "Receiving": 0},
                            "ReservedQuantityBreakdown": {"WarehouseProcessing": 0, "WarehouseTransfer": 0, "PendingCustomerOrder": 0},
                            "FutureSupplyBuyable": 0,
                            "PendingCustomerOrderInTransit": 0,
                        },
                    }
                    for marketplace, qty in quantities.items()
                ],
            },
        }
    )


def item_inventory(asin: str, qty: int, at: datetime, nid: str) -> str:
    return json.dumps(
        {
            "notificationVersion": "2020-09-04",
            "notificationType": "ITEM_INVENTORY_EVENT_CHANGE",
            "payloadVersion": "2020-09-04",
            "eventTime": _iso(at),
            "payload": {
                "itemInventoryEventChanges": [
                    {
                        "accountId": VENDOR_ACCOUNT,
                        "marketplaceId": US,
                        "startTime": _iso(at - timedelta(hours=1)),
                        "endTime": _iso(at),
                        "asin": asin,
                        "highlyAvailableInventory": qty,
                    }
                ]
            },
            "notificationMetadata": {
                "applicationId": "amzn1.sellerapps.app.demo",
                "subscriptionId": "demo-sub",
                "publishTime": _iso(at),
                "notificationId": nid,
            },
        }
    )


def any_offer_changed(asin: str, we_win: bool, at: datetime, nid: str) -> str:
    def offer(seller: str, price: float, winner: bool) -> dict:
        return {
            "SellerId": seller,
            "SubCondition": "new",
            "IsFulfilledByAmazon": True,
            "IsBuyBoxWinner": winner,
            "ListingPrice": {"Amount": price, "CurrencyCode": "USD"},
            "Shipping": {"Amount": 0.0, "CurrencyCode": "USD"},
        }

    return json.dumps(
        {
            "NotificationVersion": "1.0",
            "NotificationType": "ANY_OFFER_CHANGED",
            "PayloadVersion": "1.0",
            "EventTime": _iso(at),
            "NotificationMetadata": {
                "ApplicationId": "amzn1.sellerapps.app.demo",
                "SubscriptionId": "demo-sub",
                "PublishTime": _iso(at),
                "NotificationId": nid,
            },
            "Payload": {
                "AnyOfferChangedNotification": {
                    "SellerId": SELLER,
                    "OfferChangeTrigger": {
                        "MarketplaceId": US,
                        "ASIN": asin,
                        "ItemCondition": "new",
                        "TimeOfOfferChange": _iso(at),
                        "OfferChangeType": "FeaturedOffer",
                    },
                    "Offers": [offer(SELLER, 19.99, we_win), offer("A1COMPETITOR99", 18.49, not we_win)],
                }
            },
        }
    )


MALFORMED = json.dumps(
    {
        "NotificationType": "FBA_INVENTORY_AVAILABILITY_CHANGES",
        "EventTime": _iso(_t(9, 5)),
        "NotificationMetadata": {"NotificationId": "demo-malformed"},
        "Payload": {
            "SellerId": SELLER,
            "ASIN": WIDGET,
            "SKU": "SELLERSKU-1",
            "FulfillmentInventoryByMarketplace": [{"MarketplaceId": US, "FulfillmentInventory": {"Fulfillable": "lots"}}],
        },
    }
)


def steps() -> list[Step]:
    low = fba("SELLERSKU-1", WIDGET, {US: 1, DE: 30}, _t(9), "demo-widget-low")
    return [
        Step(
            _t(8),
            "in stock everywhere; we hold the Featured Offer",
            (
                fba("SELLERSKU-1", WIDGET, {US: 40, DE: 30}, _t(8), "demo-widget-40"),
                fba("SELLERSKU-2", GADGET, {US: 40, DE: 25}, _t(8), "demo-gadget-40"),
                fba("SELLERSKU-3", GIZMO, {US: 40, DE: 25}, _t(8), "demo-gizmo-40"),
                item_inventory(VENDOR_ASIN, 120, _t(8), "demo-vendor-120"),
                any_offer_changed(WIDGET, True, _t(8), "demo-aoc-won-0800"),
            ),
        ),
        Step(_t(9), f"{WIDGET} low stock in US (1 unit, pause threshold 2)", (low,)),
        Step(_t(9, 5), "the same notification again (SP-API resend) and a malformed message", (low, MALFORMED)),
        Step(
            _t(9, 30),
            "a late, out-of-order event from 08:30 (35 units)",
            (fba("SELLERSKU-1", WIDGET, {US: 35, DE: 30}, _t(8, 30), "demo-widget-late"),),
        ),
        Step(
            _t(10),
            f"{WIDGET} out of stock in US and DE; vendor {VENDOR_ASIN} out of stock",
            (fba("SELLERSKU-1", WIDGET, {US: 0, DE: 0}, _t(10), "demo-widget-0"), item_inventory(VENDOR_ASIN, 0, _t(10), "demo-vendor-0")),
        ),
        Step(
            _t(12),
            f"{WIDGET} 3 units (between the thresholds 2 and 5)",
            (fba("SELLERSKU-1", WIDGET, {US: 3, DE: 3}, _t(12), "demo-widget-3"),),
        ),
        Step(
            _t(13),
            f"{WIDGET} restocked (25 / 20 units); vendor restocked",
            (
                fba("SELLERSKU-1", WIDGET, {US: 25, DE: 20}, _t(13), "demo-widget-25"),
                item_inventory(VENDOR_ASIN, 80, _t(13), "demo-vendor-80"),
            ),
        ),
        Step(_t(14), f"{WIDGET}: a competitor wins the Featured Offer", (any_offer_changed(WIDGET, False, _t(14), "demo-aoc-lost"),)),
        Step(
            _t(14, 7),
            f"{WIDGET}: Featured Offer regained (inside the 10-minute dwell time)",
            (any_offer_changed(WIDGET, True, _t(14, 7), "demo-aoc-won"),),
        ),
    ]
