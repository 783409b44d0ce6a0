"""PRICING_HEALTH (camelCase): our offer became ineligible for the Featured Offer because of its price.

Schema: PricingHealthNotification.json. issueType "BuyBoxDisqualification" means Featured Offer lost
(PRICING_HEALTH is sometimes the only signal: an external retailer undercut us and no AOC is sent).
Any other issue type is recorded without a fact (nothing to decide), so its payload is not required
to have the offer fields. There is no "regained" counterpart: recovery comes from AOC or a pull.
"""

from __future__ import annotations

from typing import Any

from stockguard.domain.facts import NotificationType, ParsedNotification, ProductKey
from stockguard.notifications.build import event_time_of, offer_notification, parsed_notification
from stockguard.notifications.envelope import Message, Metadata
from stockguard.notifications.fields import Id, Lenient, Timestamp, is_new_condition

BUYBOX_DISQUALIFICATION = "buybox_disqualification"


class PricingHealthTrigger(Lenient):
    marketplaceId: Id
    asin: Id
    itemCondition: str | None = None
    timeOfOfferChange: Timestamp | None = None


class PricingHealthIssue(Lenient):
    issueType: Id


class PricingHealthPayload(PricingHealthIssue):
    sellerId: Id
    offerChangeTrigger: PricingHealthTrigger
    merchantOffer: Any = None
    summary: Any = None


class _Envelope(Lenient):
    notificationType: str
    eventTime: Timestamp | None = None  # falls back to offerChangeTrigger.timeOfOfferChange
    notificationMetadata: Metadata
    notificationVersion: str | None = None
    payloadVersion: str | None = None


class PricingHealthHeader(_Envelope):
    """Enough to record any issue type."""

    payload: PricingHealthIssue


class PricingHealthNotification(_Envelope):
    """What a Featured Offer decision needs."""

    payload: PricingHealthPayload


def is_disqualification(issue_type: str) -> bool:
    return issue_type.strip().lower() == "buyboxdisqualification"


def concerns_new_offer(payload: PricingHealthPayload) -> bool:
    """Featured Offer facts are for condition new. PRICING_HEALTH is always about our own offer, so
    a message that names no condition (neither trigger nor merchantOffer) is taken as new."""
    condition = payload.offerChangeTrigger.itemCondition
    if condition is None and isinstance(payload.merchantOffer, dict):
        offer_condition = payload.merchantOffer.get("condition")
        condition = offer_condition if isinstance(offer_condition, str) else None
    return condition is None or is_new_condition(condition)


def parse_pricing_health(message: Message) -> ParsedNotification:
    header = message.validate(PricingHealthHeader)
    notification_id = header.notificationMetadata.notificationId
    if not is_disqualification(header.payload.issueType):
        return parsed_notification(
            NotificationType.PRICING_HEALTH,
            notification_id=notification_id,
            event_time=event_time_of(header.eventTime, field="eventTime"),
            metadata=header.notificationMetadata,
        )
    model = message.validate(PricingHealthNotification)
    trigger = model.payload.offerChangeTrigger
    new = concerns_new_offer(model.payload)
    return offer_notification(
        NotificationType.PRICING_HEALTH,
        notification_id=notification_id,
        event_time=event_time_of(model.eventTime, trigger.timeOfOfferChange, field="eventTime"),
        metadata=model.notificationMetadata,
        product=ProductKey(account_id=model.payload.sellerId, marketplace_id=trigger.marketplaceId, asin=trigger.asin) if new else None,
        featured=False,
        detail=BUYBOX_DISQUALIFICATION,
    )
