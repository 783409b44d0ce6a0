"""Builders of valid notification bodies and hypothesis strategies that vary them.

Shared by the tests/unit/test_notifications*.py modules. Bodies are plain dicts in the schema casing
of each type; the strategies change key casing, add unknown fields, drop optional fields or break a
quantity.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from typing import Any

from hypothesis import strategies as st

# No deadline: the machine is shared, and timing is not what these tests check.
MAX_SETTINGS: dict[str, Any] = {"max_examples": 60, "deadline": None}

SELLER, MARKETPLACE, ASIN, SKU = "A3TH9S8BH6GOGM", "ATVPDKIKX0DER", "B00001ABCD", "SELLERSKU-1"
OTHER_SELLER = "A1COMPETITOR0001"

Path = tuple[str | int, ...]


def fba_body(*, fulfillable: int = 50, with_metadata: bool = True, notification_id: str = "fba-1") -> dict[str, Any]:
    body: dict[str, Any] = {
        "NotificationVersion": "1.0",
        "NotificationType": "FBA_INVENTORY_AVAILABILITY_CHANGES",
        "PayloadVersion": "1.0",
        "EventTime": "2026-11-02T10:00:00.000Z",
        "Payload": {
            "SellerId": SELLER,
            "FNSKU": "X001ABCDEF",
            "ASIN": ASIN,
            "SKU": SKU,
            "FulfillmentInventoryByMarketplace": [
                {
                    "MarketplaceId": MARKETPLACE,
                    "ItemName": "Product Title",
                    "FulfillmentInventory": {
                        "InboundQuantityBreakdown": {"Working": 1, "Shipped": 2, "Receiving": 3},
                        "Fulfillable": fulfillable,
                        "Unfulfillable": 4,
                        "Researching": 5,
                        "ReservedQuantityBreakdown": {"WarehouseProcessing": 6, "WarehouseTransfer": 7, "PendingCustomerOrder": 8},
                        "FutureSupplyBuyable": 9,
                        "PendingCustomerOrderInTransit": 10,
                    },
                    "Stores": ["Low-Cost Store"],
                }
            ],
        },
    }
    if with_metadata:
        body["NotificationMetadata"] = {
            "ApplicationId": "app-1",
            "SubscriptionId": "sub-1",
            "PublishTime": "2026-11-02T10:00:03.000Z",
            "NotificationId": notification_id,
        }
    return body


def item_body(*, quantity: int = 0, notification_id: str = "item-1") -> dict[str, Any]:
    return {
        "notificationVersion": "2020-09-04",
        "notificationType": "ITEM_INVENTORY_EVENT_CHANGE",
        "payloadVersion": "2020-09-04",
        "eventTime": "2026-11-02T11:05:32.000Z",
        "payload": {
            "itemInventoryEventChanges": [
                {
                    "accountId": "amzn1.merchant.o." + SELLER,
                    "marketplaceId": MARKETPLACE,
                    "startTime": "2026-11-02T10:00:00Z",
                    "endTime": "2026-11-02T11:00:00Z",
                    "asin": ASIN,
                    "highlyAvailableInventory": quantity,
                }
            ]
        },
        "notificationMetadata": {
            "applicationId": "app-1",
            "subscriptionId": "sub-1",
            "publishTime": "2026-11-02T11:45:32.000Z",
            "notificationId": notification_id,
        },
    }


def offer(seller_id: str | None, winner: bool | None) -> dict[str, Any]:
    """One Offers[] entry; None leaves the key out."""
    entry: dict[str, Any] = {"SubCondition": "new", "IsFulfilledByAmazon": True, "ListingPrice": {"Amount": 10.0, "CurrencyCode": "USD"}}
    if seller_id is not None:
        entry["SellerId"] = seller_id
    if winner is not None:
        entry["IsBuyBoxWinner"] = winner
    return entry


def aoc_body(offers: Sequence[dict[str, Any]] = (), *, condition: str | None = "new", notification_id: str = "aoc-1") -> dict[str, Any]:
    trigger: dict[str, Any] = {
        "MarketplaceId": MARKETPLACE,
        "ASIN": ASIN,
        "TimeOfOfferChange": "2026-11-03T09:14:59.000Z",
        "OfferChangeType": "Featured Offer",
    }
    if condition is not None:
        trigger["ItemCondition"] = condition
    return {
        "NotificationVersion": "1.0",
        "NotificationType": "ANY_OFFER_CHANGED",
        "PayloadVersion": "1.0",
        "EventTime": "2026-11-03T09:15:00.000Z",
        "NotificationMetadata": {
            "ApplicationId": "app-1",
            "SubscriptionId": "sub-1",
            "PublishTime": "2026-11-03T09:15:02.000Z",
            "NotificationId": notification_id,
        },
        "Payload": {
            "AnyOfferChangedNotification": {
                "SellerId": SELLER,
                "OfferChangeTrigger": trigger,
                "Summary": {"NumberOfOffers": [{"Condition": "new", "FulfillmentChannel": "Amazon", "OfferCount": len(offers)}]},
                "Offers": list(offers),
            }
        },
    }


def pricing_health_body(
    *, issue_type: str = "BuyBoxDisqualification", condition: str | None = "new", notification_id: str = "ph-1"
) -> dict[str, Any]:
    trigger: dict[str, Any] = {"marketplaceId": MARKETPLACE, "asin": ASIN, "timeOfOfferChange": "2026-11-03T09:00:00.000Z"}
    if condition is not None:
        trigger["itemCondition"] = condition
    return {
        "notificationVersion": "1.0",
        "notificationType": "PRICING_HEALTH",
        "payloadVersion": "1.0",
        "eventTime": "2026-11-03T09:00:01.000Z",
        "payload": {
            "issueType": issue_type,
            "sellerId": SELLER,
            "offerChangeTrigger": trigger,
            "merchantOffer": {"condition": "new", "fulfillmentType": "AFN", "listingPrice": {"amount": 10.0, "currencyCode": "USD"}},
            "summary": {"numberOfOffers": [], "buyBoxEligibleOffers": [], "referencePrice": {}},
        },
        "notificationMetadata": {
            "applicationId": "app-1",
            "subscriptionId": "sub-1",
            "publishTime": "2026-11-03T09:00:02.000Z",
            "notificationId": notification_id,
        },
    }


def reevaluate_body() -> dict[str, Any]:
    return {
        "notificationType": "STOCKGUARD_REEVALUATE",
        "eventTime": "2026-11-02T10:15:00.000000Z",
        "notificationId": "reevaluate-1",
        "products": [{"accountId": SELLER, "marketplaceId": MARKETPLACE, "asin": ASIN}],
    }


BUILDERS: dict[str, Callable[[], dict[str, Any]]] = {
    "FBA_INVENTORY_AVAILABILITY_CHANGES": fba_body,
    "ITEM_INVENTORY_EVENT_CHANGE": item_body,
    "ANY_OFFER_CHANGED": lambda: aoc_body([offer(SELLER, True), offer(OTHER_SELLER, False)]),
    "PRICING_HEALTH": pricing_health_body,
    "STOCKGUARD_REEVALUATE": reevaluate_body,
}

# Paths (in schema casing) a message may lack without being rejected.
OPTIONAL_PATHS: dict[str, list[Path]] = {
    "FBA_INVENTORY_AVAILABILITY_CHANGES": [
        ("NotificationVersion",),
        ("PayloadVersion",),
        ("NotificationMetadata",),
        ("Payload", "FNSKU"),
        ("Payload", "FulfillmentInventoryByMarketplace", 0, "ItemName"),
        ("Payload", "FulfillmentInventoryByMarketplace", 0, "Stores"),
        ("Payload", "FulfillmentInventoryByMarketplace", 0, "FulfillmentInventory", "Unfulfillable"),
        ("Payload", "FulfillmentInventoryByMarketplace", 0, "FulfillmentInventory", "Researching"),
        ("Payload", "FulfillmentInventoryByMarketplace", 0, "FulfillmentInventory", "InboundQuantityBreakdown"),
        ("Payload", "FulfillmentInventoryByMarketplace", 0, "FulfillmentInventory", "ReservedQuantityBreakdown"),
        ("Payload", "FulfillmentInventoryByMarketplace", 0, "FulfillmentInventory", "FutureSupplyBuyable"),
        ("Payload", "FulfillmentInventoryByMarketplace", 0, "FulfillmentInventory", "PendingCustomerOrderInTransit"),
    ],
    "ITEM_INVENTORY_EVENT_CHANGE": [
        ("notificationVersion",),
        ("payloadVersion",),
        ("payload", "itemInventoryEventChanges", 0, "startTime"),
        ("notificationMetadata", "applicationId"),
        ("notificationMetadata", "subscriptionId"),
        ("notificationMetadata", "publishTime"),
    ],
    "ANY_OFFER_CHANGED": [
        ("NotificationVersion",),
        ("PayloadVersion",),
        ("NotificationMetadata", "ApplicationId"),
        ("NotificationMetadata", "SubscriptionId"),
        ("NotificationMetadata", "PublishTime"),
        ("Payload", "AnyOfferChangedNotification", "Summary"),
        ("Payload", "AnyOfferChangedNotification", "OfferChangeTrigger", "OfferChangeType"),
        ("Payload", "AnyOfferChangedNotification", "Offers", 0, "SubCondition"),
        ("Payload", "AnyOfferChangedNotification", "Offers", 0, "IsFulfilledByAmazon"),
        ("Payload", "AnyOfferChangedNotification", "Offers", 0, "ListingPrice"),
    ],
    "PRICING_HEALTH": [
        ("notificationVersion",),
        ("payloadVersion",),
        ("payload", "merchantOffer"),
        ("payload", "summary"),
        ("notificationMetadata", "applicationId"),
        ("notificationMetadata", "subscriptionId"),
        ("notificationMetadata", "publishTime"),
    ],
}

# Quantities that must be JSON integers in 0..10**9, in schema casing.
FBA_QUANTITY_PATHS: list[Path] = [
    ("Payload", "FulfillmentInventoryByMarketplace", 0, "FulfillmentInventory", *rest)
    for rest in (
        ("Fulfillable",),
        ("Unfulfillable",),
        ("Researching",),
        ("FutureSupplyBuyable",),
        ("PendingCustomerOrderInTransit",),
        ("InboundQuantityBreakdown", "Working"),
        ("InboundQuantityBreakdown", "Shipped"),
        ("InboundQuantityBreakdown", "Receiving"),
        ("ReservedQuantityBreakdown", "WarehouseProcessing"),
        ("ReservedQuantityBreakdown", "WarehouseTransfer"),
        ("ReservedQuantityBreakdown", "PendingCustomerOrder"),
    )
]
ITEM_QUANTITY_PATH: Path = ("payload", "itemInventoryEventChanges", 0, "highlyAvailableInventory")


def render(path: Path) -> str:
    """('Payload', 'Offers', 0, 'SellerId') -> 'Payload.Offers[0].SellerId' (the form errors use)."""
    out = ""
    for segment in path:
        out += f"[{segment}]" if isinstance(segment, int) else (f".{segment}" if out else segment)
    return out


def get_path(body: Any, path: Path) -> Any:
    for segment in path:
        body = body[segment]
    return body


def set_path(body: dict[str, Any], path: Path, value: Any) -> dict[str, Any]:
    body = copy.deepcopy(body)
    get_path(body, path[:-1])[path[-1]] = value
    return body


def drop_path(body: dict[str, Any], path: Path) -> dict[str, Any]:
    body = copy.deepcopy(body)
    del get_path(body, path[:-1])[path[-1]]
    return body


def flip_first(key: str, upper: bool) -> str:
    return (key[:1].upper() if upper else key[:1].lower()) + key[1:]


@st.composite
def recased(draw: st.DrawFn, body: dict[str, Any]) -> dict[str, Any]:
    """The body with the first letter of each top-level and NotificationMetadata key in either case."""
    out: dict[str, Any] = {}
    for key, value in body.items():
        if key.lower() == "notificationmetadata" and isinstance(value, dict):
            value = {flip_first(k, draw(st.booleans())): v for k, v in value.items()}
        out[flip_first(key, draw(st.booleans()))] = value
    return out


json_scalars = (
    st.none() | st.booleans() | st.integers(-(2**40), 2**40) | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=12)
)
json_values = st.recursive(
    json_scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3), max_leaves=8
)
# Prefixed so that an extra key never collides with a schema key (whatever the casing).
extra_keys = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789", min_size=1, max_size=10).map(
    lambda s: "zz" + s
)


def object_paths(body: Any, path: Path = ()) -> list[Path]:
    """Every JSON object inside body (including body itself)."""
    found: list[Path] = []
    if isinstance(body, dict):
        found.append(path)
        for key, value in body.items():
            found.extend(object_paths(value, (*path, key)))
    elif isinstance(body, list):
        for index, value in enumerate(body):
            found.extend(object_paths(value, (*path, index)))
    return found


@st.composite
def with_extra_fields(draw: st.DrawFn, body: dict[str, Any]) -> dict[str, Any]:
    """The body with unknown keys added to randomly chosen objects anywhere in it."""
    body = copy.deepcopy(body)
    targets = object_paths(body)
    for _ in range(draw(st.integers(1, 6))):
        target = get_path(body, draw(st.sampled_from(targets)))
        target[draw(extra_keys)] = draw(json_values)
    return body


# Values a quantity field must reject when given (null only where the quantity decides: see the tests).
# 12.0 is a JSON integer and accepted, so integral floats appear only out of range.
bad_quantities = st.one_of(
    st.integers(max_value=-1),
    st.integers(min_value=10**9 + 1),
    st.integers(0, 10**6).map(str),
    st.floats(allow_nan=False, allow_infinity=False).filter(lambda f: not f.is_integer() or abs(f) > 10**9),
    st.integers(-(10**6), -1).map(float),
    st.booleans(),
    st.lists(st.integers(0, 5), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
