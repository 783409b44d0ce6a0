"""Stock and Featured Offer facts: what one notification tells us about one product.

Parsers (stockguard.notifications) turn SP-API notifications into these; repositories store them;
the policy reads them. A fact carries the event time it came from so that an older event never
overwrites a newer one, whatever order SQS delivers them in.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class NotificationType(StrEnum):
    ITEM_INVENTORY_EVENT_CHANGE = "ITEM_INVENTORY_EVENT_CHANGE"
    FBA_INVENTORY_AVAILABILITY_CHANGES = "FBA_INVENTORY_AVAILABILITY_CHANGES"
    ANY_OFFER_CHANGED = "ANY_OFFER_CHANGED"
    PRICING_HEALTH = "PRICING_HEALTH"
    # Internal: a delayed re-evaluation StockGuard sends to itself when a decision waits for the dwell time.
    STOCKGUARD_REEVALUATE = "STOCKGUARD_REEVALUATE"
    # Internal: Amazon's own state read back by the reconciliation (ReconcileFunction), sent to the
    # inventory queue so that it is decided like a notification (notifications/reconcile.py).
    STOCKGUARD_RECONCILE = "STOCKGUARD_RECONCILE"
    # The source of a fact read back by the reconciliation (getInventorySummaries, getCompetitiveSummary):
    # stored in the same per-SKU / offer slot as a notification's, ordered against it by event time.
    RECONCILE = "RECONCILE"


class ProductKey(BaseModel):
    """One product of one account in one marketplace: the unit decisions are made for."""

    model_config = ConfigDict(frozen=True)

    account_id: str = Field(min_length=1, description="SP-API SellerId, or ITEM_INVENTORY accountId (merchant or vendor group)")
    marketplace_id: str = Field(min_length=1)
    asin: str = Field(min_length=1)

    @property
    def id(self) -> str:
        return f"{self.account_id}#{self.marketplace_id}#{self.asin}"


class StockFact(BaseModel):
    """A stock snapshot for a product (and SKU where the notification names one)."""

    model_config = ConfigDict(frozen=True)

    product: ProductKey
    sku: str | None = None  # FBA facts are per SKU; ITEM_INVENTORY facts are per ASIN
    source: NotificationType
    # FBA_INVENTORY_AVAILABILITY_CHANGES
    fulfillable: int | None = None
    inbound: int = 0  # Working + Shipped + Receiving
    reserved: int = 0  # WarehouseProcessing + WarehouseTransfer + PendingCustomerOrder
    future_supply_buyable: int = 0
    # ITEM_INVENTORY_EVENT_CHANGE
    highly_available: int | None = None
    # Ordering: the time the fact describes (FBA EventTime; ITEM_INVENTORY window endTime).
    event_time: datetime
    notification_id: str


class OfferFact(BaseModel):
    """Whether the seller holds the Featured Offer (buy box) for a product, condition new.

    featured is None when the notification does not tell (IsBuyBoxWinner absent on every offer):
    unknown is never treated as lost.
    """

    model_config = ConfigDict(frozen=True)

    product: ProductKey
    featured: bool | None
    source: NotificationType
    detail: str = ""  # machine-readable why, e.g. "own_offer_wins", "other_offer_wins", "buybox_disqualification"
    event_time: datetime
    notification_id: str


class ParsedNotification(BaseModel):
    """What one SQS message body carried, after validation."""

    model_config = ConfigDict(frozen=True)

    notification_id: str
    notification_type: NotificationType
    event_time: datetime
    publish_time: datetime | None = None
    stock_facts: tuple[StockFact, ...] = ()
    offer_facts: tuple[OfferFact, ...] = ()
    # For STOCKGUARD_REEVALUATE: the products to decide again, at event_time.
    reevaluate: tuple[ProductKey, ...] = ()
    # Marketplaces the notification named that the Ads API does not serve; their entries were dropped.
    ignored_marketplaces: tuple[str, ...] = ()

    @property
    def products(self) -> tuple[ProductKey, ...]:
        seen: dict[str, ProductKey] = {}
        facts: tuple[StockFact | OfferFact, ...] = (*self.stock_facts, *self.offer_facts)
        for fact in facts:
            seen.setdefault(fact.product.id, fact.product)
        for key in self.reevaluate:
            seen.setdefault(key.id, key)
        return tuple(seen.values())
