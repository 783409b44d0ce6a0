"""Builders for SP-API notification bodies and Lambda SQS events used across tests."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta

SELLER = "A3TH9S8BH6GOGM"
US = "ATVPDKIKX0DER"
T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def ts(minutes: float) -> str:
    return (T0 + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def fba(
    asin: str, sku: str, fulfillable: int, *, minutes: float, nid: str, seller: str = SELLER, marketplace: str = US, inbound: int = 0
) -> dict:
    return {
        "NotificationVersion": "1.0",
        "NotificationType": "FBA_INVENTORY_AVAILABILITY_CHANGES",
        "PayloadVersion": "1.0",
        "EventTime": ts(minutes),
        "NotificationMetadata": {"ApplicationId": "app", "SubscriptionId": "sub", "PublishTime": ts(minutes), "NotificationId": nid},
        "Payload": {
            "SellerId": seller,
            "FNSKU": "X00" + sku,
            "ASIN": asin,
            "SKU": sku,
            "FulfillmentInventoryByMarketplace": [
                {
                    "MarketplaceId": marketplace,
                    "ItemName": "Demo item",
                    "FulfillmentInventory": {
                        "Fulfillable": fulfillable,
                        "Unfulfillable": 0,
                        "Researching": 0,
                        "InboundQuantityBreakdown": {"Working": inbound, "Shipped": 0, "Receiving": 0},
                        "ReservedQuantityBreakdown": {"WarehouseProcessing": 0, "WarehouseTransfer": 0, "PendingCustomerOrder": 0},
                        "FutureSupplyBuyable": 0,
                        "PendingCustomerOrderInTransit": 0,
                    },
                }
            ],
        },
    }


def item_inventory(asin: str, quantity: int, *, minutes: float, nid: str, account: str = "amzn1.vg.1234567", marketplace: str = US) -> dict:
    end = T0 + timedelta(minutes=minutes)
    return {
        "notificationVersion": "2020-09-04",
        "notificationType": "ITEM_INVENTORY_EVENT_CHANGE",
        "payloadVersion": "2020-09-04",
        "eventTime": ts(minutes),
        "payload": {
            "itemInventoryEventChanges": [
                {
                    "accountId": account,
                    "marketplaceId": marketplace,
                    "startTime": (end - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "endTime": end.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "asin": asin,
                    "highlyAvailableInventory": quantity,
                }
            ]
        },
        "notificationMetadata": {"applicationId": "app", "subscriptionId": "sub", "publishTime": ts(minutes), "notificationId": nid},
    }


def any_offer_changed(asin: str, *, we_win: bool | None, minutes: float, nid: str, seller: str = SELLER, marketplace: str = US) -> dict:
    ours = {
        "SellerId": seller,
        "SubCondition": "new",
        "IsFulfilledByAmazon": True,
        "ListingPrice": {"Amount": 10.0, "CurrencyCode": "USD"},
        "Shipping": {"Amount": 0.0, "CurrencyCode": "USD"},
    }
    other = {
        "SellerId": "OTHERSELLER1",
        "SubCondition": "new",
        "IsFulfilledByAmazon": True,
        "ListingPrice": {"Amount": 9.0, "CurrencyCode": "USD"},
        "Shipping": {"Amount": 0.0, "CurrencyCode": "USD"},
    }
    if we_win is not None:
        ours["IsBuyBoxWinner"] = we_win
        other["IsBuyBoxWinner"] = not we_win
    return {
        "NotificationVersion": "1.0",
        "NotificationType": "ANY_OFFER_CHANGED",
        "PayloadVersion": "1.0",
        "EventTime": ts(minutes),
        "NotificationMetadata": {"ApplicationId": "app", "SubscriptionId": "sub", "PublishTime": ts(minutes), "NotificationId": nid},
        "Payload": {
            "AnyOfferChangedNotification": {
                "SellerId": seller,
                "OfferChangeTrigger": {
                    "MarketplaceId": marketplace,
                    "ASIN": asin,
                    "ItemCondition": "new",
                    "TimeOfOfferChange": ts(minutes),
                    "OfferChangeType": "FeaturedOffer",
                },
                "Offers": [ours, other],
            }
        },
    }


def sqs_event(*bodies: dict | str, queue: str = "InventoryNotificationsQueue", receive_count: int = 1) -> dict:
    records = []
    for i, body in enumerate(bodies):
        text = body if isinstance(body, str) else json.dumps(body)
        digest = hashlib.md5(text.encode()).hexdigest()
        records.append(
            {
                "messageId": f"msg-{i}-{digest[:8]}",
                "receiptHandle": f"rh-{i}",
                "body": text,
                "attributes": {
                    "ApproximateReceiveCount": str(receive_count),
                    "SentTimestamp": "1762070400000",
                    "SenderId": "437568002678",
                    "ApproximateFirstReceiveTimestamp": "1762070400000",
                },
                "messageAttributes": {},
                "md5OfBody": digest,
                "eventSource": "aws:sqs",
                "eventSourceARN": f"arn:aws:sqs:us-east-1:123456789012:{queue}",
                "awsRegion": "us-east-1",
            }
        )
    return {"Records": records}
