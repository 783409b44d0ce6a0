"""The one way a validated notification model becomes a ParsedNotification.

Every type's parser (fba_inventory, item_inventory, any_offer_changed, pricing_health, reevaluate) ends
the same way: the notification id, type, event time and publish time, the facts (or re-evaluation keys),
and then the entries for marketplaces the Ads API does not serve dropped and named. Doing that here once
means no parser can forget the marketplace rule, and a new field of ParsedNotification is set in one place.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Protocol

from stockguard.domain.facts import NotificationType, OfferFact, ParsedNotification, ProductKey, StockFact
from stockguard.domain.marketplaces import is_amazon_marketplace, is_served_marketplace
from stockguard.notifications.errors import NotificationError

logger = logging.getLogger("stockguard.notifications.parser")  # the name these warnings were always logged under

SHOWN_MARKETPLACE_CHARS = 20  # an unknown marketplace id is echoed in logs and items: never at length
SHOWN_MARKETPLACES = 5


class HasPublishTime(Protocol):
    """NotificationMetadata of any type (the FBA one may lack every member)."""

    @property
    def publishTime(self) -> datetime | None: ...


def event_time_of(*candidates: datetime | None, field: str) -> datetime:
    """The first known event time (the envelope's, then the payload's fallback); a NotificationError naming
    `field` when there is none, since a decision cannot be placed in time without it."""
    for candidate in candidates:
        if candidate is not None:
            return candidate
    raise NotificationError(f"{field}: field required")


def parsed_notification(
    notification_type: NotificationType,
    *,
    notification_id: str,
    event_time: datetime,
    metadata: HasPublishTime | None = None,
    stock_facts: Iterable[StockFact] = (),
    offer_facts: Iterable[OfferFact] = (),
    reevaluate: Iterable[ProductKey] = (),
) -> ParsedNotification:
    """The ParsedNotification of one message, restricted to the marketplaces the Ads API serves.

    Entries for other marketplaces are dropped and listed in `ignored_marketplaces`: a notification only
    about Amazon marketplaces the Ads API does not serve is accepted with nothing to decide; one that names
    no Amazon marketplace at all and nothing served is rejected (batch item failure, DLQ).
    """
    stock, offer, keys = tuple(stock_facts), tuple(offer_facts), tuple(reevaluate)
    named = [*(f.product for f in stock), *(f.product for f in offer), *keys]
    not_served = sorted({p.marketplace_id for p in named if not is_served_marketplace(p.marketplace_id)})
    notification = ParsedNotification(
        notification_id=notification_id,
        notification_type=notification_type,
        event_time=event_time,
        publish_time=metadata.publishTime if metadata is not None else None,
        stock_facts=tuple(f for f in stock if is_served_marketplace(f.product.marketplace_id)),
        offer_facts=tuple(f for f in offer if is_served_marketplace(f.product.marketplace_id)),
        reevaluate=tuple(k for k in keys if is_served_marketplace(k.marketplace_id)),
        ignored_marketplaces=tuple(m[:SHOWN_MARKETPLACE_CHARS] for m in not_served),
    )
    if not not_served:
        return notification
    shown = ", ".join(repr(m[:SHOWN_MARKETPLACE_CHARS]) for m in not_served[:SHOWN_MARKETPLACES])
    if not notification.products and not all(is_amazon_marketplace(m) for m in not_served):
        raise NotificationError(f"MarketplaceId: no Ads API region serves {shown}; nothing to decide")
    logger.warning("ignored entries for marketplaces the Ads API does not serve", extra={"marketplaces": shown})
    return notification


def offer_notification(
    notification_type: NotificationType,
    *,
    notification_id: str,
    event_time: datetime,
    metadata: HasPublishTime,
    product: ProductKey | None,
    featured: bool | None = None,
    detail: str = "",
) -> ParsedNotification:
    """A Featured Offer notification (ANY_OFFER_CHANGED, PRICING_HEALTH): one OfferFact about `product`,
    sourced from the notification's own type, id and time; no fact when `product` is None (the message is
    not about our new-condition offer, so there is nothing to decide)."""
    facts = (
        ()
        if product is None
        else (
            OfferFact(
                product=product,
                featured=featured,
                source=notification_type,
                detail=detail,
                event_time=event_time,
                notification_id=notification_id,
            ),
        )
    )
    return parsed_notification(
        notification_type, notification_id=notification_id, event_time=event_time, metadata=metadata, offer_facts=facts
    )
