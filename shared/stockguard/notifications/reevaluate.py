"""STOCKGUARD_REEVALUATE: the delayed message StockGuard sends itself when the dwell time holds a
decision back. It carries the event time at which to decide again and the products to decide for.

The time is written with microseconds: truncating it would bring the message back just before the
dwell time ends, and the policy would wait (and re-send) once more.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import UTC, datetime

from pydantic import Field

from stockguard.domain.facts import NotificationType, ParsedNotification, ProductKey
from stockguard.notifications.build import parsed_notification
from stockguard.notifications.envelope import Message
from stockguard.notifications.fields import Id, Lenient, Timestamp


class ReevaluateProduct(Lenient):
    accountId: Id
    marketplaceId: Id
    asin: Id


class ReevaluateMessage(Lenient):
    notificationType: str
    eventTime: Timestamp
    notificationId: Id
    products: list[ReevaluateProduct] = Field(min_length=1)


def _iso_micro(at: datetime) -> str:
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return at.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def reevaluation_id(products: Sequence[ProductKey], at: datetime, *, source: str) -> str:
    """The NotificationId of a re-evaluation: the same for the same (products, time, source notification),
    so a redelivered source does not schedule it twice; different for another source, so a re-evaluation
    already processed before that source's facts were stored can never swallow its decision (dedup)."""
    ids = ",".join(sorted(p.id for p in products))
    digest = hashlib.sha256(f"{ids}|{source}".encode()).hexdigest()[:16]
    return f"reevaluate:{_iso_micro(at)}:{digest}"


def build_reevaluate_message(products: Sequence[ProductKey], at: datetime, notification_id: str) -> str:
    """The SQS body of a re-evaluation of `products` at event time `at` (naive times are UTC)."""
    if not products:
        raise ValueError("a re-evaluation needs at least one product")
    if not notification_id:
        raise ValueError("a re-evaluation needs a notification id")
    body = {
        "notificationType": NotificationType.STOCKGUARD_REEVALUATE.value,
        "eventTime": _iso_micro(at),
        "notificationId": notification_id,
        "products": [{"accountId": p.account_id, "marketplaceId": p.marketplace_id, "asin": p.asin} for p in products],
    }
    return json.dumps(body, separators=(",", ":"))


def parse_reevaluate(message: Message) -> ParsedNotification:
    model = message.validate(ReevaluateMessage)
    keys: dict[str, ProductKey] = {}
    for item in model.products:
        key = ProductKey(account_id=item.accountId, marketplace_id=item.marketplaceId, asin=item.asin)
        keys.setdefault(key.id, key)
    return parsed_notification(
        NotificationType.STOCKGUARD_REEVALUATE, notification_id=model.notificationId, event_time=model.eventTime, reevaluate=keys.values()
    )
