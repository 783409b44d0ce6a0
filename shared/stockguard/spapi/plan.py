"""What `stockguard subscribe` sets up: destinations per queue and the four subscriptions (pure, no I/O).

Routing: ITEM_INVENTORY_EVENT_CHANGE and FBA_INVENTORY_AVAILABILITY_CHANGES go to the inventory queue;
ANY_OFFER_CHANGED and PRICING_HEALTH go to the offer queue, or to the inventory queue when there is none.

payloadVersion defaults to "1.0" for every type. For ITEM_INVENTORY_EVENT_CHANGE that is an open
question (reference §3 and §12: the schema examples say "2020-09-04", Amazon's samples use "1.0" for
other types); `--payload-version ITEM_INVENTORY_EVENT_CHANGE=2020-09-04` overrides it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class NotificationType(StrEnum):
    ITEM_INVENTORY_EVENT_CHANGE = "ITEM_INVENTORY_EVENT_CHANGE"
    FBA_INVENTORY_AVAILABILITY_CHANGES = "FBA_INVENTORY_AVAILABILITY_CHANGES"
    ANY_OFFER_CHANGED = "ANY_OFFER_CHANGED"
    PRICING_HEALTH = "PRICING_HEALTH"


INVENTORY_TYPES = (NotificationType.ITEM_INVENTORY_EVENT_CHANGE, NotificationType.FBA_INVENTORY_AVAILABILITY_CHANGES)
OFFER_TYPES = (NotificationType.ANY_OFFER_CHANGED, NotificationType.PRICING_HEALTH)
DEFAULT_PAYLOAD_VERSION = "1.0"

_SQS_ARN = re.compile(r"^arn:aws:sqs:\S+:\S+:\S+$")
_NAME_MAX = 256


def validate_queue_arn(value: str) -> str:
    """The createDestination pattern (^arn:aws:sqs:\\S+:\\S+:\\S+, ≤ 1000 chars)."""
    arn = value.strip()
    if not _SQS_ARN.match(arn) or len(arn) > 1000:
        raise ValueError(f"not an SQS queue ARN: {value!r} (expected arn:aws:sqs:<region>:<account>:<queue>)")
    return arn


def queue_name(queue_arn: str) -> str:
    return queue_arn.rsplit(":", 1)[-1]


def destination_name(queue_arn: str) -> str:
    return f"stockguard-{queue_name(queue_arn)}"[:_NAME_MAX]


def parse_payload_version(text: str) -> tuple[NotificationType, str]:
    """TYPE=VERSION, e.g. ITEM_INVENTORY_EVENT_CHANGE=2020-09-04."""
    name, sep, version = text.partition("=")
    name, version = name.strip().upper(), version.strip()
    if not sep or not version:
        raise ValueError(f"expected TYPE=VERSION, got {text!r}")
    try:
        return NotificationType(name), version
    except ValueError:
        choices = ", ".join(t.value for t in NotificationType)
        raise ValueError(f"unknown notification type {name!r} (choose one of: {choices})") from None


@dataclass(frozen=True)
class DestinationSpec:
    queue_arn: str
    name: str

    def body(self) -> dict[str, Any]:
        return {"name": self.name, "resourceSpecification": {"sqs": {"arn": self.queue_arn}}}


@dataclass(frozen=True)
class SubscriptionSpec:
    notification_type: NotificationType
    queue_arn: str
    payload_version: str
    marketplace_ids: tuple[str, ...] = ()

    def body(self, destination_id: str) -> dict[str, Any]:
        """createSubscription body. An eventFilter only for AOC with marketplaces: an empty one is a 400."""
        body: dict[str, Any] = {"payloadVersion": self.payload_version, "destinationId": destination_id}
        if self.notification_type is NotificationType.ANY_OFFER_CHANGED and self.marketplace_ids:
            body["processingDirective"] = {
                "eventFilter": {"eventFilterType": "ANY_OFFER_CHANGED", "marketplaceIds": list(self.marketplace_ids)}
            }
        return body


@dataclass(frozen=True)
class SubscribePlan:
    destinations: tuple[DestinationSpec, ...]
    subscriptions: tuple[SubscriptionSpec, ...] = field(default=())


def build_plan(
    queue_arn: str,
    offer_queue_arn: str | None = None,
    marketplace_ids: Iterable[str] = (),
    payload_versions: Mapping[NotificationType, str] | None = None,
) -> SubscribePlan:
    inventory_arn = validate_queue_arn(queue_arn)
    offer_arn = validate_queue_arn(offer_queue_arn) if offer_queue_arn else inventory_arn
    marketplaces = tuple(dict.fromkeys(m.strip() for m in marketplace_ids if m.strip()))
    versions = dict(payload_versions or {})
    arns = list(dict.fromkeys([inventory_arn, offer_arn]))
    destinations = tuple(DestinationSpec(arn, destination_name(arn)) for arn in arns)
    subscriptions = tuple(
        SubscriptionSpec(t, arn, versions.get(t, DEFAULT_PAYLOAD_VERSION), marketplaces)
        for types, arn in ((INVENTORY_TYPES, inventory_arn), (OFFER_TYPES, offer_arn))
        for t in types
    )
    return SubscribePlan(destinations, subscriptions)
