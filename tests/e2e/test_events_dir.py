"""Every file in events/ (the `sam local invoke -e` samples) through its handler, as SAM would invoke it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stockguard.notifications import NotificationError, parse_notification

EVENTS = sorted((Path(__file__).resolve().parents[2] / "events").glob("*.json"))


def expected_failures(event: dict) -> set[str]:
    bad = set()
    for record in event["Records"]:
        try:
            parse_notification(record["body"])
        except NotificationError:
            bad.add(record["messageId"])
    return bad


@pytest.mark.parametrize("path", EVENTS, ids=[p.name for p in EVENTS])
def test_event_file_through_its_handler(embedded, path):
    # Given an events/ file, When SAM would invoke its function with it
    event = json.loads(path.read_text())
    function = "OfferEventsFunction" if path.name.startswith("offer_") else "InventoryEventsFunction"
    response = embedded.invoker.invoke(function, event)
    # Then only the malformed records are batch item failures
    failed = {f["itemIdentifier"] for f in response["batchItemFailures"]}
    assert failed == expected_failures(event)
    if "malformed" in path.name:
        assert failed, "a malformed sample must contain a record that fails"


def test_events_dir_is_not_empty():
    names = {p.name for p in EVENTS}
    assert {"inventory_duplicate.json", "inventory_out_of_order.json", "inventory_malformed.json"} <= names
