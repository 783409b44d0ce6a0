"""ANY_OFFER_CHANGED (PascalCase): who holds the Featured Offer (buy box) for a product.

Schema: AnyOfferChangedNotification.json, read leniently: the schema marks many fields required that
real messages omit, and lacks IsBuyBoxWinner, which real messages carry. Summary and the pricing fields
of offers are not used, so they are not validated (bad data there must not block a decision).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from stockguard.domain.facts import NotificationType, ParsedNotification, ProductKey
from stockguard.notifications.build import event_time_of, offer_notification
from stockguard.notifications.envelope import Message, Metadata
from stockguard.notifications.fields import Flag, Id, Lenient, Timestamp, is_new_condition

OWN_OFFER_WINS = "own_offer_wins"
OTHER_OFFER_WINS = "other_offer_wins"
WINNER_UNKNOWN = "winner_unknown"


class OfferTrigger(Lenient):
    MarketplaceId: Id
    ASIN: Id
    ItemCondition: str | None = None
    TimeOfOfferChange: Timestamp | None = None
    OfferChangeType: str | None = None


class Offer(Lenient):
    SellerId: Id | None = None
    IsBuyBoxWinner: Flag | None = None  # absent = not told, never "false"
    IsFulfilledByAmazon: Flag | None = None
    SubCondition: str | None = None


class AnyOfferChanged(Lenient):
    SellerId: Id  # the subscribing seller: "own" offers carry this SellerId
    OfferChangeTrigger: OfferTrigger
    Summary: Any = None
    Offers: tuple[Offer, ...] | None = None


class AnyOfferChangedPayload(Lenient):
    AnyOfferChangedNotification: AnyOfferChanged


class AnyOfferChangedMessage(Lenient):
    notificationType: str
    eventTime: Timestamp | None = None  # falls back to OfferChangeTrigger.TimeOfOfferChange
    payload: AnyOfferChangedPayload
    notificationMetadata: Metadata
    notificationVersion: str | None = None
    payloadVersion: str | None = None


def featured_offer(seller_id: str, offers: Sequence[Offer]) -> tuple[bool | None, str]:
    """(featured, detail) for the subscribing seller.

    Up to two offers can win (Prime and non-Prime), so an own winner counts even when another offer
    also wins. A winner flag on an offer without SellerId is ignored: it could be ours.
    """
    own_wins = any(o.IsBuyBoxWinner is True and o.SellerId == seller_id for o in offers)
    other_wins = any(o.IsBuyBoxWinner is True and o.SellerId is not None and o.SellerId != seller_id for o in offers)
    if own_wins:
        return True, OWN_OFFER_WINS
    if other_wins:
        return False, OTHER_OFFER_WINS
    return None, WINNER_UNKNOWN


def parse_any_offer_changed(message: Message) -> ParsedNotification:
    model = message.validate(AnyOfferChangedMessage)
    aoc = model.payload.AnyOfferChangedNotification
    trigger = aoc.OfferChangeTrigger
    new = is_new_condition(trigger.ItemCondition)
    featured, detail = featured_offer(aoc.SellerId, aoc.Offers or ()) if new else (None, "")
    return offer_notification(
        NotificationType.ANY_OFFER_CHANGED,
        notification_id=model.notificationMetadata.notificationId,
        event_time=event_time_of(model.eventTime, trigger.TimeOfOfferChange, field="EventTime"),
        metadata=model.notificationMetadata,
        product=ProductKey(account_id=aoc.SellerId, marketplace_id=trigger.MarketplaceId, asin=trigger.ASIN) if new else None,
        featured=featured,
        detail=detail,
    )
