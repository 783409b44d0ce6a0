"""How notifications map to facts: FBA per marketplace and id fallback, ITEM newest window, reevaluate."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from stockguard.domain.facts import NotificationType, ProductKey
from stockguard.notifications import NotificationError, build_reevaluate_message, parse_notification
from tests.unit.notifications_strategies import ASIN, MARKETPLACE, SELLER, SKU, drop_path, fba_body, item_body, set_path

FBA_ENTRY = ("Payload", "FulfillmentInventoryByMarketplace", 0)


def test_fba_fact_fields():
    parsed = parse_notification(fba_body(fulfillable=0))
    (fact,) = parsed.stock_facts
    assert fact.product == ProductKey(account_id=SELLER, marketplace_id=MARKETPLACE, asin=ASIN)
    assert fact.sku == SKU
    assert fact.source is NotificationType.FBA_INVENTORY_AVAILABILITY_CHANGES
    assert (fact.fulfillable, fact.inbound, fact.reserved, fact.future_supply_buyable) == (0, 1 + 2 + 3, 6 + 7 + 8, 9)
    assert parsed.notification_id == fact.notification_id == "fba-1"
    assert parsed.publish_time == datetime(2026, 11, 2, 10, 0, 3, tzinfo=UTC)


def test_fba_absent_breakdowns_read_as_zero():
    body = drop_path(fba_body(), (*FBA_ENTRY, "FulfillmentInventory", "InboundQuantityBreakdown"))
    body = drop_path(body, (*FBA_ENTRY, "FulfillmentInventory", "ReservedQuantityBreakdown", "WarehouseTransfer"))
    (fact,) = parse_notification(body).stock_facts
    assert (fact.inbound, fact.reserved) == (0, 6 + 8)


def test_fba_without_notification_id_uses_the_body_hash():
    # Given an FBA body without NotificationMetadata (the schema does not declare it)
    body = fba_body(with_metadata=False)
    expected = "sha256:" + hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    # When it is parsed twice, from differently formatted text
    first = parse_notification(json.dumps(body, indent=2))
    resend = parse_notification(json.dumps(dict(reversed(list(body.items())))))
    # Then both get the same id: a resend dedupes
    assert first.notification_id == resend.notification_id == expected
    assert first.stock_facts[0].notification_id == expected


def test_fba_hash_differs_when_the_body_differs():
    one = parse_notification(fba_body(fulfillable=1, with_metadata=False))
    two = parse_notification(fba_body(fulfillable=2, with_metadata=False))
    assert one.notification_id != two.notification_id


def test_fba_metadata_without_notification_id_also_falls_back_to_the_hash():
    body = drop_path(fba_body(), ("NotificationMetadata", "NotificationId"))
    parsed = parse_notification(body)
    assert parsed.notification_id.startswith("sha256:")
    assert parsed.publish_time == datetime(2026, 11, 2, 10, 0, 3, tzinfo=UTC)


def test_fba_one_fact_per_marketplace():
    body = fba_body()
    second = json.loads(json.dumps(body["Payload"]["FulfillmentInventoryByMarketplace"][0]))
    second["MarketplaceId"] = "A2EUQ1WTGCTBG2"
    second["FulfillmentInventory"]["Fulfillable"] = 0
    body["Payload"]["FulfillmentInventoryByMarketplace"].append(second)
    facts = parse_notification(body).stock_facts
    assert [(f.product.marketplace_id, f.fulfillable) for f in facts] == [(MARKETPLACE, 50), ("A2EUQ1WTGCTBG2", 0)]


def test_item_fact_fields():
    parsed = parse_notification(item_body(quantity=0))
    (fact,) = parsed.stock_facts
    # the merchant accountId amzn1.merchant.o.<SellerId> joins the seller's FBA and offer facts
    assert fact.product == ProductKey(account_id=SELLER, marketplace_id=MARKETPLACE, asin=ASIN)
    assert (fact.highly_available, fact.sku, fact.fulfillable) == (0, None, None)
    assert fact.event_time == datetime(2026, 11, 2, 11, 0, tzinfo=UTC)
    assert parsed.event_time == datetime(2026, 11, 2, 11, 5, 32, tzinfo=UTC)


def test_item_keeps_the_newest_window_per_product():
    # Given two windows for the same product, the newer one listed first, and another product
    body = item_body(quantity=5)
    changes = body["payload"]["itemInventoryEventChanges"]
    older = dict(changes[0], startTime="2026-11-02T09:00:00Z", endTime="2026-11-02T10:00:00Z", highlyAvailableInventory=0)
    other = dict(changes[0], asin="B0OTHER000")
    changes.extend([older, other])
    # When parsed
    facts = parse_notification(body).stock_facts
    # Then only the newest window of the first product survives
    assert [(f.product.asin, f.highly_available, f.event_time.hour) for f in facts] == [(ASIN, 5, 11), ("B0OTHER000", 5, 11)]


def test_item_event_time_is_the_envelope_event_time_and_required():
    # The facts are timed by their window's endTime; the notification by the envelope eventTime.
    assert parse_notification(item_body()).event_time == datetime(2026, 11, 2, 11, 5, 32, tzinfo=UTC)
    with pytest.raises(NotificationError, match=r"^eventTime: field required$"):
        parse_notification(drop_path(item_body(), ("eventTime",)))


def test_reevaluate_round_trip():
    # Given two products (one twice) and a time with microseconds
    products = [
        ProductKey(account_id=SELLER, marketplace_id=MARKETPLACE, asin=ASIN),
        ProductKey(account_id=SELLER, marketplace_id=MARKETPLACE, asin="B0OTHER000"),
        ProductKey(account_id=SELLER, marketplace_id=MARKETPLACE, asin=ASIN),
    ]
    at = datetime(2026, 11, 2, 10, 15, 0, 123456, tzinfo=UTC)
    # When the message is built and parsed back
    parsed = parse_notification(build_reevaluate_message(products, at=at, notification_id="reevaluate:1"))
    # Then the time is exact (a truncated time would come back before the dwell time ends)
    assert parsed.notification_type is NotificationType.STOCKGUARD_REEVALUATE
    assert parsed.event_time == at
    assert parsed.notification_id == "reevaluate:1"
    assert parsed.reevaluate == tuple(products[:2])
    assert parsed.products == tuple(products[:2])
    assert parsed.stock_facts == parsed.offer_facts == ()


def test_reevaluate_times_are_utc():
    product = ProductKey(account_id=SELLER, marketplace_id=MARKETPLACE, asin=ASIN)
    paris = datetime(2026, 11, 2, 11, 0, tzinfo=timezone(timedelta(hours=1)))
    assert json.loads(build_reevaluate_message([product], at=paris, notification_id="n"))["eventTime"] == "2026-11-02T10:00:00.000000Z"
    naive = datetime(2026, 11, 2, 10, 0)
    assert parse_notification(build_reevaluate_message([product], at=naive, notification_id="n")).event_time == datetime(
        2026, 11, 2, 10, 0, tzinfo=UTC
    )


def test_reevaluate_message_shape():
    product = ProductKey(account_id=SELLER, marketplace_id=MARKETPLACE, asin=ASIN)
    body = json.loads(build_reevaluate_message([product], at=datetime(2026, 11, 2, tzinfo=UTC), notification_id="n-1"))
    assert body == {
        "notificationType": "STOCKGUARD_REEVALUATE",
        "eventTime": "2026-11-02T00:00:00.000000Z",
        "notificationId": "n-1",
        "products": [{"accountId": SELLER, "marketplaceId": MARKETPLACE, "asin": ASIN}],
    }


def test_reevaluate_message_needs_products_and_id():
    product = ProductKey(account_id=SELLER, marketplace_id=MARKETPLACE, asin=ASIN)
    with pytest.raises(ValueError):
        build_reevaluate_message([], at=datetime(2026, 11, 2, tzinfo=UTC), notification_id="n")
    with pytest.raises(ValueError):
        build_reevaluate_message([product], at=datetime(2026, 11, 2, tzinfo=UTC), notification_id="")


def test_reevaluate_accepts_pascal_case_top_level_keys():
    body = {
        "NotificationType": "STOCKGUARD_REEVALUATE",
        "EventTime": "2026-11-02T10:00:00Z",
        "NotificationId": "n",
        "Products": [{"accountId": SELLER, "marketplaceId": MARKETPLACE, "asin": ASIN}],
    }
    assert parse_notification(body).reevaluate[0].asin == ASIN


def test_reevaluate_without_products_is_rejected():
    body = json.loads(
        build_reevaluate_message(
            [ProductKey(account_id=SELLER, marketplace_id=MARKETPLACE, asin=ASIN)],
            at=datetime(2026, 11, 2, tzinfo=UTC),
            notification_id="n",
        )
    )
    with pytest.raises(NotificationError, match="products"):
        parse_notification(set_path(body, ("products",), []))


def test_vendor_group_account_kept_as_is():
    body = item_body(quantity=3)
    body["payload"]["itemInventoryEventChanges"][0]["accountId"] = "amzn1.vg.1234567"
    (fact,) = parse_notification(body).stock_facts
    assert fact.product.account_id == "amzn1.vg.1234567"


def test_reevaluation_id_is_stable_per_source_and_distinct_across_sources():
    from stockguard.notifications import reevaluation_id

    products = [ProductKey(account_id="A1", marketplace_id="ATVPDKIKX0DER", asin="B000000001")]
    at = datetime(2026, 11, 2, 8, 20, tzinfo=UTC)
    same = reevaluation_id(products, at, source="n1")
    assert same == reevaluation_id(list(reversed(products)), at, source="n1"), "a redelivered source schedules it once"
    assert same != reevaluation_id(products, at, source="n2"), "another source gets its own re-evaluation"
    assert same.startswith("reevaluate:2026-11-02T08:20:00.000000Z:")
