"""parse_notification: one SQS body -> ParsedNotification, dispatched on the notification type."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

from stockguard.domain.facts import NotificationType, ParsedNotification
from stockguard.domain.marketplaces import is_amazon_marketplace, is_served_marketplace
from stockguard.notifications.any_offer_changed import parse_any_offer_changed
from stockguard.notifications.envelope import Message, read_message
from stockguard.notifications.errors import NotificationError
from stockguard.notifications.fba_inventory import parse_fba_inventory
from stockguard.notifications.item_inventory import parse_item_inventory
from stockguard.notifications.pricing_health import parse_pricing_health
from stockguard.notifications.reevaluate import parse_reevaluate

logger = logging.getLogger(__name__)

PARSERS: dict[NotificationType, Callable[[Message], ParsedNotification]] = {
    NotificationType.FBA_INVENTORY_AVAILABILITY_CHANGES: parse_fba_inventory,
    NotificationType.ITEM_INVENTORY_EVENT_CHANGE: parse_item_inventory,
    NotificationType.ANY_OFFER_CHANGED: parse_any_offer_changed,
    NotificationType.PRICING_HEALTH: parse_pricing_health,
    NotificationType.STOCKGUARD_REEVALUATE: parse_reevaluate,
}


def parse_notification(body: str | bytes | Mapping[str, Any]) -> ParsedNotification:
    """Validate one message body (the SQS body is the notification JSON itself).

    Raises NotificationError (a ValueError) when the body is not JSON, not an object, of an
    unsupported type, or lacks what a decision needs; the message names the field path.
    """
    message = read_message(body)
    return _served_marketplaces_only(PARSERS[message.type](message))


def _served_marketplaces_only(notification: ParsedNotification) -> ParsedNotification:
    """Drop entries for marketplaces without an Ads API region (see stockguard.domain.marketplaces).

    What remains is processed as usual, and a notification only about Amazon marketplaces the Ads API does
    not serve is accepted with nothing to decide; one that names no Amazon marketplace at all and nothing
    served is rejected (batch item failure, DLQ).
    """
    not_served = sorted({p.marketplace_id for p in notification.products if not is_served_marketplace(p.marketplace_id)})
    if not not_served:
        return notification
    kept = notification.model_copy(
        update={
            "stock_facts": tuple(f for f in notification.stock_facts if is_served_marketplace(f.product.marketplace_id)),
            "offer_facts": tuple(f for f in notification.offer_facts if is_served_marketplace(f.product.marketplace_id)),
            "reevaluate": tuple(k for k in notification.reevaluate if is_served_marketplace(k.marketplace_id)),
            "ignored_marketplaces": tuple(m[:20] for m in not_served),
        }
    )
    named = ", ".join(repr(m[:20]) for m in not_served[:5])
    if not kept.products and not all(is_amazon_marketplace(m) for m in not_served):
        raise NotificationError(f"MarketplaceId: no Ads API region serves {named}; nothing to decide")
    logger.warning("ignored entries for marketplaces the Ads API does not serve", extra={"marketplaces": named})
    return kept
