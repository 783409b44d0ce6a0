"""FBA_INVENTORY_AVAILABILITY_CHANGES (PascalCase): one SKU, an FBA stock snapshot per marketplace.

Schema: FBAInventoryAvailabilityChangeNotification.json. A decision needs SellerId, ASIN, SKU (facts
are stored per SKU), MarketplaceId, Fulfillable and EventTime; the other quantities read as 0 when
absent or null but must be valid integers when given. The schema does not declare NotificationMetadata, so without a
NotificationId the id is a hash of the body: a resend of the same body then dedupes.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from pydantic import Field

from stockguard.domain.facts import NotificationType, ParsedNotification, ProductKey, StockFact
from stockguard.notifications.build import parsed_notification
from stockguard.notifications.envelope import Message, OptionalMetadata
from stockguard.notifications.fields import Id, Lenient, Quantity, Timestamp


class InboundBreakdown(Lenient):
    Working: Quantity | None = None
    Shipped: Quantity | None = None
    Receiving: Quantity | None = None

    @property
    def total(self) -> int:
        return (self.Working or 0) + (self.Shipped or 0) + (self.Receiving or 0)


class ReservedBreakdown(Lenient):
    WarehouseProcessing: Quantity | None = None
    WarehouseTransfer: Quantity | None = None
    PendingCustomerOrder: Quantity | None = None

    @property
    def total(self) -> int:
        return (self.WarehouseProcessing or 0) + (self.WarehouseTransfer or 0) + (self.PendingCustomerOrder or 0)


class FulfillmentQuantities(Lenient):
    """Fulfillable decides; the other figures are informative, so absent or null reads as 0."""

    Fulfillable: Quantity
    Unfulfillable: Quantity | None = None
    Researching: Quantity | None = None
    InboundQuantityBreakdown: InboundBreakdown | None = None
    ReservedQuantityBreakdown: ReservedBreakdown | None = None
    FutureSupplyBuyable: Quantity | None = None
    PendingCustomerOrderInTransit: Quantity | None = None

    @property
    def inbound(self) -> int:
        return self.InboundQuantityBreakdown.total if self.InboundQuantityBreakdown else 0

    @property
    def reserved(self) -> int:
        return self.ReservedQuantityBreakdown.total if self.ReservedQuantityBreakdown else 0


class MarketplaceInventory(Lenient):
    MarketplaceId: Id
    FulfillmentInventory: FulfillmentQuantities
    ItemName: str | None = None
    Stores: tuple[str, ...] | None = None


class FbaInventoryPayload(Lenient):
    SellerId: Id
    ASIN: Id
    SKU: Id
    FNSKU: str | None = None
    FulfillmentInventoryByMarketplace: list[MarketplaceInventory] = Field(min_length=1)


class FbaInventoryNotification(Lenient):
    notificationType: str
    eventTime: Timestamp
    payload: FbaInventoryPayload
    notificationMetadata: OptionalMetadata = OptionalMetadata()
    notificationVersion: str | None = None
    payloadVersion: str | None = None


def body_hash_id(raw: dict[str, Any]) -> str:
    """Stable id of a body without NotificationId: sha256 of its canonical JSON."""
    canonical = json.dumps(raw, sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def parse_fba_inventory(message: Message) -> ParsedNotification:
    model = message.validate(FbaInventoryNotification)
    payload = model.payload
    notification_id = model.notificationMetadata.notificationId or body_hash_id(message.raw)
    facts = tuple(
        StockFact(
            product=ProductKey(account_id=payload.SellerId, marketplace_id=entry.MarketplaceId, asin=payload.ASIN),
            sku=payload.SKU,
            source=NotificationType.FBA_INVENTORY_AVAILABILITY_CHANGES,
            fulfillable=entry.FulfillmentInventory.Fulfillable,
            inbound=entry.FulfillmentInventory.inbound,
            reserved=entry.FulfillmentInventory.reserved,
            future_supply_buyable=entry.FulfillmentInventory.FutureSupplyBuyable or 0,
            event_time=model.eventTime,
            notification_id=notification_id,
        )
        for entry in payload.FulfillmentInventoryByMarketplace
    )
    return parsed_notification(
        NotificationType.FBA_INVENTORY_AVAILABILITY_CHANGES,
        notification_id=notification_id,
        event_time=model.eventTime,
        metadata=model.notificationMetadata,
        stock_facts=facts,
    )
