"""ITEM_INVENTORY_EVENT_CHANGE (camelCase): hourly highly-available inventory per (account, marketplace, ASIN).

Schema: ItemInventoryEventChangeNotification.json. A fact's event time is its window's endTime; when a
message carries several windows for one product, only the newest is kept (windows arrive late or twice).
The notification's own event time is the envelope eventTime (required, as in the schema).
"""

from __future__ import annotations

from pydantic import Field

from stockguard.domain.facts import NotificationType, ParsedNotification, ProductKey, StockFact
from stockguard.notifications.build import parsed_notification
from stockguard.notifications.envelope import Message, Metadata
from stockguard.notifications.fields import Id, Lenient, Quantity, Timestamp

MERCHANT_PREFIX = "amzn1.merchant.o."


def seller_account_id(account_id: str) -> str:
    """A merchant's accountId is amzn1.merchant.o.<SellerId> (inferred from the official example,
    ../shared/reference/sp-api-notifications.md §3): keep the bare SellerId so that ITEM_INVENTORY stock,
    FBA stock and Featured Offer facts of one seller land on the same product. Vendor group ids
    (amzn1.vg.…) are kept as they are."""
    return (
        account_id[len(MERCHANT_PREFIX) :]
        if account_id.startswith(MERCHANT_PREFIX) and len(account_id) > len(MERCHANT_PREFIX)
        else account_id
    )


class ItemInventoryEventChange(Lenient):
    accountId: Id
    marketplaceId: Id
    asin: Id
    endTime: Timestamp
    startTime: Timestamp | None = None
    highlyAvailableInventory: Quantity


class ItemInventoryPayload(Lenient):
    itemInventoryEventChanges: list[ItemInventoryEventChange] = Field(min_length=1)


class ItemInventoryNotification(Lenient):
    notificationType: str
    eventTime: Timestamp
    payload: ItemInventoryPayload
    notificationMetadata: Metadata
    notificationVersion: str | None = None
    payloadVersion: str | None = None


def parse_item_inventory(message: Message) -> ParsedNotification:
    model = message.validate(ItemInventoryNotification)
    notification_id = model.notificationMetadata.notificationId
    newest: dict[str, StockFact] = {}
    for change in model.payload.itemInventoryEventChanges:
        product = ProductKey(account_id=seller_account_id(change.accountId), marketplace_id=change.marketplaceId, asin=change.asin)
        kept = newest.get(product.id)
        if kept is not None and kept.event_time > change.endTime:
            continue
        newest[product.id] = StockFact(
            product=product,
            source=NotificationType.ITEM_INVENTORY_EVENT_CHANGE,
            highly_available=change.highlyAvailableInventory,
            event_time=change.endTime,
            notification_id=notification_id,
        )
    return parsed_notification(
        NotificationType.ITEM_INVENTORY_EVENT_CHANGE,
        notification_id=notification_id,
        event_time=model.eventTime,
        metadata=model.notificationMetadata,
        stock_facts=newest.values(),
    )
