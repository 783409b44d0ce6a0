"""parse_notification: one SQS body -> ParsedNotification, dispatched on the notification type.

Each type's parser validates its model and ends in notifications.build.parsed_notification, which also
drops (and names) the entries for marketplaces the Ads API does not serve.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from stockguard.domain.facts import NotificationType, ParsedNotification
from stockguard.notifications.any_offer_changed import parse_any_offer_changed
from stockguard.notifications.envelope import Message, read_message
from stockguard.notifications.errors import NotificationError
from stockguard.notifications.fba_inventory import parse_fba_inventory
from stockguard.notifications.item_inventory import parse_item_inventory
from stockguard.notifications.pricing_health import parse_pricing_health
from stockguard.notifications.reconcile import parse_reconcile
from stockguard.notifications.reevaluate import parse_reevaluate

PARSERS: dict[NotificationType, Callable[[Message], ParsedNotification]] = {
    NotificationType.FBA_INVENTORY_AVAILABILITY_CHANGES: parse_fba_inventory,
    NotificationType.ITEM_INVENTORY_EVENT_CHANGE: parse_item_inventory,
    NotificationType.ANY_OFFER_CHANGED: parse_any_offer_changed,
    NotificationType.PRICING_HEALTH: parse_pricing_health,
    NotificationType.STOCKGUARD_REEVALUATE: parse_reevaluate,
    NotificationType.STOCKGUARD_RECONCILE: parse_reconcile,
}


def parse_notification(body: str | bytes | Mapping[str, Any]) -> ParsedNotification:
    """Validate one message body (the SQS body is the notification JSON itself).

    Raises NotificationError (a ValueError) when the body is not JSON, not an object, of an
    unsupported type, or lacks what a decision needs, or names only marketplaces that are neither
    Amazon's nor served; the message names the field path.
    """
    message = read_message(body)
    parser = PARSERS.get(message.type)
    if parser is None:  # a fact source (RECONCILE) is not a message type
        raise NotificationError(f"unsupported notification type: {message.type.value}")
    return parser(message)
