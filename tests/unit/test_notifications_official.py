"""Amazon's official example payloads parse, and map to the facts the policy expects."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from stockguard.domain.facts import NotificationType, ProductKey
from stockguard.notifications import parse_notification


def _sample(reference_dir: Path, name: str) -> dict:
    return json.loads((reference_dir / "samples" / "sp-api" / name).read_text())


def _schema_example(reference_dir: Path, name: str) -> dict:
    return _sample(reference_dir, name)["examples"][0]


def test_item_inventory_official_example(reference_dir):
    # Given the official ITEM_INVENTORY_EVENT_CHANGE example (camelCase envelope)
    body = (reference_dir / "samples" / "sp-api" / "item_inventory_event_change.json").read_text()
    # When it is parsed from the raw string, as SQS delivers it
    parsed = parse_notification(body)
    # Then one stock fact per item, timed at the window's end
    assert parsed.notification_type is NotificationType.ITEM_INVENTORY_EVENT_CHANGE
    assert parsed.notification_id == "d0e9e693-c3ad-4373-979f-ed4ec98dd746"
    assert parsed.event_time == datetime(2023, 2, 7, 16, 5, 32, 378000, tzinfo=UTC)
    assert parsed.publish_time == datetime(2023, 2, 7, 16, 45, 32, 378000, tzinfo=UTC)
    assert [(f.product.asin, f.highly_available, f.sku, f.fulfillable) for f in parsed.stock_facts] == [
        ("B00032HE0O", 650, None, None),
        ("B00094A20U", 519, None, None),
    ]
    fact = parsed.stock_facts[0]
    assert fact.product == ProductKey(account_id="A21CXK3C4ERTY8", marketplace_id="ATVPDKIKX0DER", asin="B00032HE0O")
    assert fact.event_time == datetime(2023, 2, 7, 16, 0, tzinfo=UTC)
    assert fact.source is NotificationType.ITEM_INVENTORY_EVENT_CHANGE
    assert fact.notification_id == parsed.notification_id
    assert parsed.offer_facts == ()


def test_fba_official_payload_in_an_envelope(reference_dir):
    # Given the official FBA payload (payload only) wrapped in an envelope without NotificationMetadata
    payload = _sample(reference_dir, "fba_inventory_availability_changes_payload_official.json")
    body = {
        "NotificationVersion": "1.0",
        "NotificationType": "FBA_INVENTORY_AVAILABILITY_CHANGES",
        "PayloadVersion": "1.0",
        "EventTime": "2020-07-13T19:42:04.284Z",
        "Payload": payload,
    }
    # When parsed
    parsed = parse_notification(json.dumps(body))
    # Then one fact per marketplace, with the breakdowns summed
    assert parsed.notification_type is NotificationType.FBA_INVENTORY_AVAILABILITY_CHANGES
    assert parsed.publish_time is None
    assert parsed.notification_id.startswith("sha256:")
    us, second = parsed.stock_facts
    assert us.product == ProductKey(account_id="A3TH9S8BH6GOGM", marketplace_id="ATVPDKIKX0DER", asin="B00001ABCD")
    assert (us.sku, us.fulfillable, us.inbound, us.reserved, us.future_supply_buyable) == ("SELLERSKU-1", 50, 15, 30, 10)
    assert second.product.marketplace_id == "A2EUQ1WTGCTBG2"
    assert (second.fulfillable, second.inbound, second.reserved, second.future_supply_buyable) == (40, 6, 30, 0)
    assert us.event_time == datetime(2020, 7, 13, 19, 42, 4, 284000, tzinfo=UTC)
    assert {us.notification_id, second.notification_id} == {parsed.notification_id}
    assert us.highly_available is None


def test_fba_schema_example_payload_matches_the_sample(reference_dir):
    # The schema's own Payload example is the same object as the sample file: both must parse alike.
    payload = _sample(reference_dir, "fba_inventory_availability_changes_schema.json")["properties"]["Payload"]["examples"][0]
    body = {"NotificationType": "FBA_INVENTORY_AVAILABILITY_CHANGES", "EventTime": "2020-07-13T19:42:04.284Z", "Payload": payload}
    assert [f.fulfillable for f in parse_notification(body).stock_facts] == [50, 40]


def test_any_offer_changed_official_example(reference_dir):
    # Given the official AOC example: ASIN "123", one offer of seller "111", no IsBuyBoxWinner anywhere
    body = (reference_dir / "samples" / "sp-api" / "any_offer_changed.json").read_text()
    parsed = parse_notification(body)
    # Then the placeholder ids are accepted and the winner is unknown (never "lost")
    assert parsed.notification_type is NotificationType.ANY_OFFER_CHANGED
    assert parsed.notification_id == "d0e9e693-c3ad-4373-979f-ed4ec98dd746"
    (fact,) = parsed.offer_facts
    assert fact.product == ProductKey(account_id="A3TH9S8BH6GOGM", marketplace_id="ATVPDKIKX0DER", asin="123")
    assert fact.featured is None
    assert fact.detail == "winner_unknown"
    assert fact.event_time == datetime(2020, 7, 13, 19, 42, 4, 284000, tzinfo=UTC)
    assert parsed.stock_facts == ()


def test_any_offer_changed_schema_example(reference_dir):
    example = _schema_example(reference_dir, "any_offer_changed_schema.json")
    parsed = parse_notification(example)
    assert parsed.notification_type is NotificationType.ANY_OFFER_CHANGED
    assert len(parsed.offer_facts) == 1


def test_pricing_health_official_example(reference_dir):
    body = (reference_dir / "samples" / "sp-api" / "pricing_health.json").read_text()
    parsed = parse_notification(body)
    assert parsed.notification_type is NotificationType.PRICING_HEALTH
    assert parsed.notification_id == "23ae41cd-3537-4676-af46-6ee9abf8802e"
    assert parsed.publish_time == datetime(2020, 9, 23, 21, 30, 16, 903000, tzinfo=UTC)
    (fact,) = parsed.offer_facts
    assert fact.product == ProductKey(account_id="A3EZFOFNDPFB8R", marketplace_id="ATVPDKIKX0DER", asin="B007IBIWZY")
    assert (fact.featured, fact.detail) == (False, "buybox_disqualification")
    assert fact.event_time == datetime(2020, 9, 23, 21, 30, 13, 713000, tzinfo=UTC)


@pytest.mark.parametrize("schema", ["item_inventory_event_change_schema.json", "pricing_health_schema.json"])
def test_schema_examples_parse(reference_dir, schema):
    # Every full-envelope example embedded in a schema parses too.
    examples = _sample(reference_dir, schema)["examples"]
    assert examples
    for example in examples:
        assert parse_notification(example).notification_id
