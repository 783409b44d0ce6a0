"""Every file in events/ is a Lambda SQS event whose records parse, or (malformed ones) are rejected."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from stockguard.domain.facts import NotificationType
from stockguard.notifications import NotificationError, parse_notification

EVENTS = Path(__file__).resolve().parents[2] / "events"
FILES = sorted(EVENTS.glob("*.json"))
QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:{}"
RECORD_KEYS = {
    "messageId",
    "receiptHandle",
    "body",
    "attributes",
    "messageAttributes",
    "md5OfBody",
    "eventSource",
    "eventSourceARN",
    "awsRegion",
}
ATTRIBUTE_KEYS = {"ApproximateReceiveCount", "SentTimestamp", "SenderId", "ApproximateFirstReceiveTimestamp"}

# file -> per record: None = parses, else a substring of the NotificationError.
EXPECTED_REJECTIONS: dict[str, list[str | None]] = {
    "inventory_malformed.json": ["Payload.ASIN: field required", None],
    "offer_malformed.json": ["not valid JSON", "OfferChangeTrigger.MarketplaceId: field required", None],
}


def _records(path: Path) -> list[dict]:
    return json.loads(path.read_text())["Records"]


def test_the_documented_files_exist():
    names = {p.name for p in FILES}
    assert names == {
        "inventory_fba_stock_out.json",
        "inventory_fba_restock.json",
        "inventory_item_event_change.json",
        "inventory_item_stock_out.json",
        "inventory_duplicate.json",
        "inventory_out_of_order.json",
        "inventory_malformed.json",
        "offer_any_offer_changed_lost.json",
        "offer_any_offer_changed_regained.json",
        "offer_pricing_health.json",
        "offer_malformed.json",
    }
    readme = (EVENTS / "README.md").read_text()
    assert all(f"`{name}`" in readme for name in names)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_file_is_a_well_formed_sqs_event(path):
    records = _records(path)
    assert records
    queue = "OfferNotificationsQueue" if path.name.startswith("offer_") else "InventoryNotificationsQueue"
    for record in records:
        assert set(record) == RECORD_KEYS
        assert isinstance(record["body"], str)
        assert record["md5OfBody"] == hashlib.md5(record["body"].encode()).hexdigest()
        assert (record["eventSource"], record["eventSourceARN"], record["awsRegion"]) == ("aws:sqs", QUEUE_ARN.format(queue), "us-east-1")
        assert set(record["attributes"]) == ATTRIBUTE_KEYS
        assert record["attributes"]["ApproximateReceiveCount"] == "1"
        assert all(isinstance(v, str) for v in record["attributes"].values())
        assert record["messageAttributes"] == {}
    assert len({r["messageId"] for r in records}) == len(records)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_records_parse_or_are_rejected_as_documented(path):
    expected = EXPECTED_REJECTIONS.get(path.name, [None] * len(_records(path)))
    for record, rejection in zip(_records(path), expected, strict=True):
        if rejection is None:
            parsed = parse_notification(record["body"])
            assert parsed.stock_facts or parsed.offer_facts
        else:
            with pytest.raises(NotificationError, match=rejection.replace(".", r"\.")):
                parse_notification(record["body"])


def test_notification_ids_are_distinct_except_the_duplicate():
    ids = [parse_notification(r["body"]).notification_id for p in FILES if "malformed" not in p.name for r in _records(p)]
    dup_a, dup_b = (parse_notification(r["body"]).notification_id for r in _records(EVENTS / "inventory_duplicate.json"))
    assert dup_a == dup_b
    assert len(set(ids)) == len(ids) - 1


def _facts(name: str):
    return [parse_notification(r["body"]) for r in _records(EVENTS / name)]


def test_stock_out_and_restock_tell_the_story():
    (out,), (back,) = _facts("inventory_fba_stock_out.json"), _facts("inventory_fba_restock.json")
    assert out.stock_facts[0].fulfillable == 0 and back.stock_facts[0].fulfillable > 0
    assert out.stock_facts[0].product == back.stock_facts[0].product
    assert out.event_time < back.event_time
    assert out.event_time.year == 2026 and out.event_time.month == 11


def test_out_of_order_has_the_newer_event_first():
    newer, older = _facts("inventory_out_of_order.json")
    assert newer.event_time > older.event_time
    assert (newer.stock_facts[0].product, newer.stock_facts[0].sku) == (older.stock_facts[0].product, older.stock_facts[0].sku)


def test_item_stock_out_is_zero_and_official_item_example_is_unchanged(reference_dir):
    (item,) = _facts("inventory_item_stock_out.json")
    assert item.notification_type is NotificationType.ITEM_INVENTORY_EVENT_CHANGE
    assert item.stock_facts[0].highly_available == 0
    (record,) = _records(EVENTS / "inventory_item_event_change.json")
    assert json.loads(record["body"]) == json.loads((reference_dir / "samples" / "sp-api" / "item_inventory_event_change.json").read_text())
    (ph,) = _records(EVENTS / "offer_pricing_health.json")
    assert json.loads(ph["body"]) == json.loads((reference_dir / "samples" / "sp-api" / "pricing_health.json").read_text())


def test_offer_events_lost_then_regained():
    (lost,), (regained,) = _facts("offer_any_offer_changed_lost.json"), _facts("offer_any_offer_changed_regained.json")
    assert (lost.offer_facts[0].featured, lost.offer_facts[0].detail) == (False, "other_offer_wins")
    assert (regained.offer_facts[0].featured, regained.offer_facts[0].detail) == (True, "own_offer_wins")
    assert lost.offer_facts[0].product == regained.offer_facts[0].product
    assert lost.event_time < regained.event_time
