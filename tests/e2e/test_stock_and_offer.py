"""Stock-out, restock, Featured Offer, operator pauses, 429 storms, poison messages: end to end."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from stockguard_dev.simulator import FaultRule
from tests.e2e.conftest import SELLER_DE, SELLER_US, VENDOR_US, state
from tests.support.fault_world import scan_all
from tests.support.notifications import any_offer_changed, fba, item_inventory

WIDGET = "B00001ABCD"
SP_WIDGET, SP_OPERATOR, SB_VIDEO, SB_COLLECTION, SD_WIDGET = (
    "200000000000001",
    "200000000000004",
    "500000000000002",
    "500000000000001",
    "800000000000001",
)


def deliver(embedded, *bodies):
    embedded.deliver([json.dumps(b) for b in bodies])


def in_stock(embedded, minutes=0):
    deliver(
        embedded,
        fba(WIDGET, "SELLERSKU-1", 40, minutes=minutes, nid=f"w-{minutes}"),
        fba("B00002EFGH", "SELLERSKU-2", 40, minutes=minutes, nid=f"g-{minutes}"),
        fba("B00003IJKL", "SELLERSKU-3", 40, minutes=minutes, nid=f"z-{minutes}"),
    )


def test_stock_out_pauses_sp_sb_sd_and_restock_resumes(embedded):
    in_stock(embedded)
    # When the widget runs out in the US
    deliver(embedded, fba(WIDGET, "SELLERSKU-1", 0, minutes=60, nid="out"))
    # Then its SP, SB and SD ads are paused; the multi-ASIN SB ad stays (other ASINs in stock)
    assert [state(embedded, SELLER_US, p, i) for p, i in (("SP", SP_WIDGET), ("SB", SB_VIDEO), ("SD", SD_WIDGET))] == ["PAUSED"] * 3
    assert state(embedded, SELLER_US, "SB", SB_COLLECTION) == "ENABLED"
    assert state(embedded, SELLER_DE, "SP", "210000000000001") == "ENABLED", "another marketplace is not touched"
    # When it is restocked
    deliver(embedded, fba(WIDGET, "SELLERSKU-1", 30, minutes=120, nid="back"))
    assert [state(embedded, SELLER_US, p, i) for p, i in (("SP", SP_WIDGET), ("SB", SB_VIDEO), ("SD", SD_WIDGET))] == ["ENABLED"] * 3
    # And the ad the operator paused before was never touched
    assert state(embedded, SELLER_US, "SP", SP_OPERATOR) == "PAUSED"
    touched = {r.json and json.dumps(r.json) for r in embedded.simulator.requests if r.method == "PUT"}
    assert not any(SP_OPERATOR in (t or "") for t in touched)


def test_an_ad_the_operator_re_enabled_is_left_alone_at_restock(embedded):
    in_stock(embedded)
    deliver(embedded, fba(WIDGET, "SELLERSKU-1", 0, minutes=60, nid="out"))
    assert state(embedded, SELLER_US, "SP", SP_WIDGET) == "PAUSED"
    # Given the operator re-enables the SP ad in the console (the index, synced before, still says PAUSED)
    embedded.simulator.set_state(SELLER_US, "SP", "ad", SP_WIDGET, "ENABLED")
    embedded.simulator.clear_requests()
    seen = len(embedded.run.actions)
    # When the widget is restocked
    deliver(embedded, fba(WIDGET, "SELLERSKU-1", 30, minutes=120, nid="back"))
    # Then SB and SD are resumed, and the SP ad was re-read once (its group's one list call) and never PUT
    assert [state(embedded, SELLER_US, p, i) for p, i in (("SP", SP_WIDGET), ("SB", SB_VIDEO), ("SD", SD_WIDGET))] == ["ENABLED"] * 3
    requests = embedded.simulator.requests
    assert not [r for r in requests if r.method == "PUT" and SP_WIDGET in json.dumps(r.json)]
    assert [SP_WIDGET in json.dumps(r.json) for r in requests if r.path == "/sp/productAds/list"] == [True]
    # And the --json lines claim no change of it; the others' resumes are there
    restock = embedded.run.actions[seen:]
    assert sorted((a["entityId"], a["from"], a["to"], a["result"]) for a in restock) == sorted(
        [(SB_VIDEO, "PAUSED", "ENABLED", "applied"), (SD_WIDGET, "PAUSED", "ENABLED", "applied")]
    )
    # And its pause is released; the audit records a keep (operator_override), not an applied resume
    tables = embedded.stack.tables
    assert {i["pk"].split("#")[-1]: i["status"] for i in scan_all(tables["LedgerTable"])}[SP_WIDGET] == "RELEASED"
    audit = sorted((i for i in scan_all(tables["AuditTable"]) if i["entity_id"] == SP_WIDGET), key=lambda i: i["sk"])
    assert [(i["from_state"], i["to_state"], i["reason"], i["result"]) for i in audit] == [
        ("ENABLED", "PAUSED", "out_of_stock", "applied"),
        ("ENABLED", "ENABLED", "operator_override", "skipped"),
    ]


def test_unchanged_stock_makes_no_ads_api_call(embedded):
    in_stock(embedded)
    embedded.simulator.clear_requests()
    deliver(embedded, fba(WIDGET, "SELLERSKU-1", 39, minutes=5, nid="still-in"))
    assert [r for r in embedded.simulator.requests if r.path != "/auth/o2/token"] == []


def test_featured_offer_lost_pauses_per_defaults_and_regained_resumes(embedded):
    in_stock(embedded)
    deliver(embedded, any_offer_changed(WIDGET, we_win=False, minutes=30, nid="lost"))
    assert [state(embedded, SELLER_US, p, i) for p, i in (("SP", SP_WIDGET), ("SB", SB_VIDEO), ("SD", SD_WIDGET))] == ["PAUSED"] * 3
    deliver(embedded, any_offer_changed(WIDGET, we_win=True, minutes=90, nid="won"))
    assert [state(embedded, SELLER_US, p, i) for p, i in (("SP", SP_WIDGET), ("SB", SB_VIDEO), ("SD", SD_WIDGET))] == ["ENABLED"] * 3


@pytest.mark.embedded(config={"profile_mapping": {"amzn1.vg.DEMOVENDOR": {"ATVPDKIKX0DER": "3333333333333333"}}})
def test_vendor_item_inventory_uses_the_configured_profile(embedded):
    deliver(embedded, item_inventory("B0V0000001", 0, minutes=0, nid="v0", account="amzn1.vg.DEMOVENDOR"))
    assert state(embedded, VENDOR_US, "SP", "220000000000001") == "PAUSED"
    assert state(embedded, VENDOR_US, "SP", "220000000000002") == "ENABLED"


def test_429_storm_converges_through_batch_item_failures_without_duplicate_changes(embedded):
    in_stock(embedded)
    # Given the Ads API throttles the next six PUTs (with and without Retry-After)
    embedded.simulator.faults.add(FaultRule(match="PUT *", kind="429", times=3, retry_after=0))
    embedded.simulator.faults.add(FaultRule(match="PUT *", kind="429_no_retry_after", times=3))
    deliver(embedded, fba(WIDGET, "SELLERSKU-1", 0, minutes=60, nid="out"))
    # Then every ad ends paused, and each entity was changed by exactly one applied PUT
    assert [state(embedded, SELLER_US, p, i) for p, i in (("SP", SP_WIDGET), ("SB", SB_VIDEO), ("SD", SD_WIDGET))] == ["PAUSED"] * 3
    applied = Counter((a["entityId"], a["to"]) for a in embedded.run.actions if a["result"] == "applied")
    assert applied and max(applied.values()) == 1
    assert embedded.dlq_depths()["InventoryNotificationsDLQ"] == 0


def test_poison_message_reaches_the_dlq_after_max_receive_count(embedded):
    embedded.deliver(["{not json", json.dumps(fba(WIDGET, "SELLERSKU-1", 40, minutes=0, nid="fine"))])
    assert embedded.dlq_depths()["InventoryNotificationsDLQ"] == 1
    assert embedded.dlq_messages("InventoryNotificationsDLQ") == ["{not json"]
    # received maxReceiveCount (5) times, then moved by the queue's redrive policy
    assert embedded.run.retried >= 5
