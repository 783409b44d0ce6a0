"""Rejections: what a decision needs is required, and the error names the field path."""

from __future__ import annotations

import json

import pytest

from stockguard.notifications import NotificationError, parse_notification
from tests.unit.notifications_strategies import (
    SELLER,
    aoc_body,
    drop_path,
    fba_body,
    item_body,
    offer,
    pricing_health_body,
    reevaluate_body,
    render,
    set_path,
)

FBA_ENTRY = ("Payload", "FulfillmentInventoryByMarketplace", 0)
ITEM_ENTRY = ("payload", "itemInventoryEventChanges", 0)
AOC = ("Payload", "AnyOfferChangedNotification")


def test_notification_error_is_a_value_error():
    assert issubclass(NotificationError, ValueError)


@pytest.mark.parametrize(
    ("builder", "path"),
    [
        (fba_body, ("EventTime",)),
        (fba_body, ("Payload",)),
        (fba_body, ("Payload", "SellerId")),
        (fba_body, ("Payload", "ASIN")),
        (fba_body, ("Payload", "SKU")),
        (fba_body, ("Payload", "FulfillmentInventoryByMarketplace")),
        (fba_body, (*FBA_ENTRY, "MarketplaceId")),
        (fba_body, (*FBA_ENTRY, "FulfillmentInventory")),
        (fba_body, (*FBA_ENTRY, "FulfillmentInventory", "Fulfillable")),
        (item_body, ("eventTime",)),
        (item_body, ("payload",)),
        (item_body, ("payload", "itemInventoryEventChanges")),
        (item_body, (*ITEM_ENTRY, "accountId")),
        (item_body, (*ITEM_ENTRY, "marketplaceId")),
        (item_body, (*ITEM_ENTRY, "asin")),
        (item_body, (*ITEM_ENTRY, "endTime")),
        (item_body, (*ITEM_ENTRY, "highlyAvailableInventory")),
        (item_body, ("notificationMetadata",)),
        (item_body, ("notificationMetadata", "notificationId")),
        (aoc_body, ("NotificationMetadata",)),
        (aoc_body, ("NotificationMetadata", "NotificationId")),
        (aoc_body, ("Payload", "AnyOfferChangedNotification")),
        (aoc_body, (*AOC, "SellerId")),
        (aoc_body, (*AOC, "OfferChangeTrigger")),
        (aoc_body, (*AOC, "OfferChangeTrigger", "MarketplaceId")),
        (aoc_body, (*AOC, "OfferChangeTrigger", "ASIN")),
        (pricing_health_body, ("payload", "issueType")),
        (pricing_health_body, ("payload", "sellerId")),
        (pricing_health_body, ("payload", "offerChangeTrigger", "marketplaceId")),
        (pricing_health_body, ("payload", "offerChangeTrigger", "asin")),
        (pricing_health_body, ("notificationMetadata", "notificationId")),
        (reevaluate_body, ("notificationId",)),
        (reevaluate_body, ("eventTime",)),
        (reevaluate_body, ("products",)),
        (reevaluate_body, ("products", 0, "asin")),
    ],
    ids=lambda value: render(value) if isinstance(value, tuple) else value.__name__,
)
def test_missing_required_field_is_named(builder, path):
    # Given a valid body of the type without one field a decision needs
    body = drop_path(builder(), path)
    # When parsed, Then the error names the field path in the schema's casing
    with pytest.raises(NotificationError) as raised:
        parse_notification(json.dumps(body))
    assert f"{render(path)}: field required" in str(raised.value)


@pytest.mark.parametrize(
    ("builder", "path"),
    [
        (fba_body, ("Payload", "SellerId")),
        (fba_body, ("Payload", "ASIN")),
        (fba_body, (*FBA_ENTRY, "MarketplaceId")),
        (item_body, (*ITEM_ENTRY, "accountId")),
        (item_body, ("notificationMetadata", "notificationId")),
        (aoc_body, ("NotificationMetadata", "NotificationId")),
        (aoc_body, (*AOC, "OfferChangeTrigger", "ASIN")),
        (pricing_health_body, ("payload", "sellerId")),
        (reevaluate_body, ("products", 0, "accountId")),
    ],
)
@pytest.mark.parametrize("value", ["", "   ", None, 123])
def test_empty_or_non_string_ids_are_rejected(builder, path, value):
    with pytest.raises(NotificationError, match=render(path).replace("[", r"\[").replace("]", r"\]")):
        parse_notification(set_path(builder(), path, value))


def test_aoc_without_any_event_time_is_rejected():
    # EventTime may fall back to TimeOfOfferChange, but one of them is needed
    body = drop_path(drop_path(aoc_body(), ("EventTime",)), (*AOC, "OfferChangeTrigger", "TimeOfOfferChange"))
    with pytest.raises(NotificationError, match="EventTime: field required"):
        parse_notification(body)


def test_aoc_event_time_falls_back_to_time_of_offer_change():
    body = drop_path(aoc_body([offer(SELLER, True)]), ("EventTime",))
    parsed = parse_notification(body)
    assert parsed.event_time.isoformat() == "2026-11-03T09:14:59+00:00"
    assert parsed.offer_facts[0].event_time == parsed.event_time


def test_pricing_health_event_time_falls_back_to_time_of_offer_change():
    parsed = parse_notification(drop_path(pricing_health_body(), ("eventTime",)))
    assert parsed.event_time.isoformat() == "2026-11-03T09:00:00+00:00"


def test_pricing_health_without_any_event_time_is_rejected():
    body = drop_path(drop_path(pricing_health_body(), ("eventTime",)), ("payload", "offerChangeTrigger", "timeOfOfferChange"))
    with pytest.raises(NotificationError, match="eventTime: field required"):
        parse_notification(body)


@pytest.mark.parametrize("value", [1700000000, "yesterday", "2026-13-40T00:00:00Z", None, True])
def test_bad_event_time_is_rejected(value):
    with pytest.raises(NotificationError, match="EventTime"):
        parse_notification(set_path(fba_body(), ("EventTime",), value))


def test_naive_event_time_is_utc():
    parsed = parse_notification(set_path(fba_body(), ("EventTime",), "2026-11-02T10:00:00"))
    assert parsed.event_time.isoformat() == "2026-11-02T10:00:00+00:00"


def test_offset_event_time_is_converted_to_utc():
    parsed = parse_notification(set_path(item_body(), (*ITEM_ENTRY, "endTime"), "2026-11-02T12:00:00+01:00"))
    assert parsed.stock_facts[0].event_time.isoformat() == "2026-11-02T11:00:00+00:00"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("", "not valid JSON"),
        ("{not json", "not valid JSON"),
        ('{"NotificationType": "ANY_OFFER_CHANGED", "EventTime": NaN}', "NaN is not allowed"),
        (b"\xff\xfe{}", "not valid UTF-8"),
        ("[]", "must be a JSON object"),
        ('"ANY_OFFER_CHANGED"', "must be a JSON object"),
        ("null", "must be a JSON object"),
        ("42", "must be a JSON object"),
        ("true", "must be a JSON object"),
    ],
)
def test_body_that_is_not_a_json_object_is_rejected(body, message):
    with pytest.raises(NotificationError, match=message):
        parse_notification(body)


def test_non_string_body_type_is_rejected():
    with pytest.raises(NotificationError, match="body must be"):
        parse_notification(42)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("type_value", "shown"),
    [
        ("LISTINGS_ITEM_STATUS_CHANGE", "LISTINGS_ITEM_STATUS_CHANGE"),
        ("ORDER_CHANGE", "ORDER_CHANGE"),
        ("", ""),
        (7, "7"),
        (None, "<missing>"),
    ],
)
def test_unsupported_or_missing_type_is_rejected(type_value, shown):
    body = fba_body()
    if type_value is None:
        del body["NotificationType"]
    else:
        body["NotificationType"] = type_value
    with pytest.raises(NotificationError) as raised:
        parse_notification(body)
    assert str(raised.value) == f"unsupported notification type: {shown}"


def test_type_value_casing_and_whitespace_are_tolerated():
    body = set_path(aoc_body([offer(SELLER, True)]), ("NotificationType",), " any_offer_changed ")
    assert parse_notification(body).offer_facts[0].featured is True


def test_keys_given_twice_with_different_casing_are_rejected():
    body = fba_body()
    body["payload"] = body["Payload"]
    with pytest.raises(NotificationError, match="given twice"):
        parse_notification(body)


def test_bytes_and_dict_bodies_parse_like_strings():
    body = item_body(quantity=3)
    text = json.dumps(body)
    assert parse_notification(text) == parse_notification(text.encode()) == parse_notification(body)


def test_dict_body_is_not_modified():
    body = aoc_body([offer(SELLER, True)])
    snapshot = json.dumps(body, sort_keys=True)
    parse_notification(body)
    assert json.dumps(body, sort_keys=True) == snapshot


def test_several_problems_are_listed_without_values():
    body = set_path(fba_body(), (*FBA_ENTRY, "FulfillmentInventory", "Fulfillable"), -7)
    body = drop_path(body, ("Payload", "ASIN"))
    with pytest.raises(NotificationError) as raised:
        parse_notification(body)
    text = str(raised.value)
    assert "Payload.ASIN: field required" in text
    assert "Payload.FulfillmentInventoryByMarketplace[0].FulfillmentInventory.Fulfillable:" in text
    assert "-7" not in text


def test_fba_quantity_null_is_rejected_for_fulfillable_only():
    fulfillable = (*FBA_ENTRY, "FulfillmentInventory", "Fulfillable")
    with pytest.raises(NotificationError, match=r"Fulfillable"):
        parse_notification(set_path(fba_body(), fulfillable, None))
    # informative quantities given as null read as 0
    parsed = parse_notification(set_path(fba_body(), (*FBA_ENTRY, "FulfillmentInventory", "FutureSupplyBuyable"), None))
    assert parsed.stock_facts[0].future_supply_buyable == 0


def test_item_quantity_null_is_rejected():
    with pytest.raises(NotificationError, match=r"highlyAvailableInventory"):
        parse_notification(set_path(item_body(), (*ITEM_ENTRY, "highlyAvailableInventory"), None))


def test_empty_marketplace_and_item_lists_are_rejected():
    with pytest.raises(NotificationError, match=r"Payload.FulfillmentInventoryByMarketplace:"):
        parse_notification(set_path(fba_body(), ("Payload", "FulfillmentInventoryByMarketplace"), []))
    with pytest.raises(NotificationError, match=r"payload.itemInventoryEventChanges:"):
        parse_notification(set_path(item_body(), ("payload", "itemInventoryEventChanges"), []))


def test_fba_missing_fulfillable_message_is_exact():
    body = drop_path(fba_body(), (*FBA_ENTRY, "FulfillmentInventory", "Fulfillable"))
    with pytest.raises(NotificationError) as raised:
        parse_notification(body)
    assert str(raised.value) == "Payload.FulfillmentInventoryByMarketplace[0].FulfillmentInventory.Fulfillable: field required"


def test_camel_case_type_keeps_camel_case_paths():
    with pytest.raises(NotificationError) as raised:
        parse_notification(drop_path(item_body(), (*ITEM_ENTRY, "highlyAvailableInventory")))
    assert str(raised.value) == "payload.itemInventoryEventChanges[0].highlyAvailableInventory: field required"


def test_empty_reevaluate_product_list_is_rejected():
    with pytest.raises(NotificationError, match=r"^products: "):
        parse_notification(set_path(reevaluate_body(), ("products",), []))


@pytest.mark.parametrize("value", ["", "   ", 123])
def test_fba_notification_id_given_but_invalid_is_rejected(value):
    # Absent or null falls back to the body hash (the FBA schema has no metadata); a broken one is an error.
    with pytest.raises(NotificationError, match=r"^NotificationMetadata\.NotificationId: "):
        parse_notification(set_path(fba_body(), ("NotificationMetadata", "NotificationId"), value))


# -- marketplaces the Ads API does not serve ------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        set_path(fba_body(), FBA_ENTRY + ("MarketplaceId",), "A1B2C3D4E5F6G7"),
        set_path(item_body(), ITEM_ENTRY + ("marketplaceId",), "NOT-A-MARKETPLACE"),
        set_path(aoc_body(), AOC + ("OfferChangeTrigger", "MarketplaceId"), "XX"),
    ],
    ids=["fba", "item", "aoc"],
)
def test_notification_only_about_an_unknown_marketplace_is_rejected_naming_it(body):
    with pytest.raises(NotificationError, match=r"^MarketplaceId: no Ads API region serves '[^']+'; nothing to decide$"):
        parse_notification(body)


def test_a_notification_only_about_an_amazon_marketplace_without_ads_is_accepted_with_nothing_to_decide(caplog):
    parsed = parse_notification(set_path(fba_body(), FBA_ENTRY + ("MarketplaceId",), "A28R8C7NBKEWEA"))  # Ireland
    assert parsed.products == () and parsed.ignored_marketplaces == ("A28R8C7NBKEWEA",)
    assert "ignored entries for marketplaces the Ads API does not serve" in caplog.text


def test_unknown_marketplace_entries_are_dropped_and_the_served_ones_kept(caplog):
    body = fba_body()
    entries = body["Payload"]["FulfillmentInventoryByMarketplace"]
    entries.append({**entries[0], "MarketplaceId": "A28R8C7NBKEWEA"})
    parsed = parse_notification(body)
    assert [f.product.marketplace_id for f in parsed.stock_facts] == [entries[0]["MarketplaceId"]]
    assert parsed.ignored_marketplaces == ("A28R8C7NBKEWEA",)
    assert "ignored entries for marketplaces the Ads API does not serve" in caplog.text


def test_unknown_marketplace_id_is_shown_truncated():
    body = set_path(fba_body(), FBA_ENTRY + ("MarketplaceId",), "Z" * 500)
    with pytest.raises(NotificationError) as raised:
        parse_notification(body)
    assert "Z" * 21 not in str(raised.value)
