"""Ads API faults end to end: the real handlers (template.yaml) against moto and the Ads API simulator,
SQS delivery simulated on moto's queues with the template's redrive.

For every fault, a stock-out then a restock of the widget: retries happen inside the time budget (in
the client) or through SQS (batch item failures), and in the end each of the widget's SP, SB and SD ads
was paused once and resumed once at the Ads API (the simulator's own record of state changes), no PUT
was applied twice for one transition, the ledger is released, and the audit log's applied entries are
exactly the changes the simulator made.
"""

from __future__ import annotations

import json
import time
from collections import Counter

import pytest

from stockguard_dev.cli.embedded import INVENTORY_FUNCTION
from stockguard_dev.local.event_source import EventSourceMapping
from stockguard_dev.simulator import FaultRule
from tests.e2e.conftest import SELLER_US, state
from tests.support.fault_world import scan_all
from tests.support.notifications import fba
from tests.support.sim_tracking import track_state_changes

WIDGET = "B00001ABCD"
SP_WIDGET, SB_VIDEO, SD_WIDGET = "200000000000001", "500000000000002", "800000000000001"
OURS = {SP_WIDGET: "SP", SB_VIDEO: "SB", SD_WIDGET: "SD"}
PAUSE, RESUME = ("ENABLED", "PAUSED"), ("PAUSED", "ENABLED")
TOKEN_PATH = "/auth/o2/token"


def deliver(embedded, *bodies: dict) -> None:
    embedded.deliver([json.dumps(b) for b in bodies])


def in_stock(embedded) -> None:
    deliver(
        embedded,
        fba(WIDGET, "SELLERSKU-1", 40, minutes=0, nid="w-0"),
        fba("B00002EFGH", "SELLERSKU-2", 40, minutes=0, nid="g-0"),
        fba("B00003IJKL", "SELLERSKU-3", 40, minutes=0, nid="z-0"),
    )


STOCK_OUT = fba(WIDGET, "SELLERSKU-1", 0, minutes=60, nid="out")
RESTOCK = fba(WIDGET, "SELLERSKU-1", 25, minutes=180, nid="back")


def ours(embedded) -> list[str]:
    return [state(embedded, SELLER_US, product, entity_id) for entity_id, product in OURS.items()]


def stored(embedded) -> tuple[dict[str, str], dict[str, list[tuple[str, str]]], list[dict]]:
    """(ledger status by entity id, applied audit changes by entity id, every audit item)."""
    tables = embedded.stack.tables
    ledger = {i["pk"].split("#")[-1]: i["status"] for i in scan_all(tables["LedgerTable"])}
    audit = sorted(scan_all(tables["AuditTable"]), key=lambda i: i["sk"])
    applied: dict[str, list[tuple[str, str]]] = {}
    for item in audit:
        if item["result"] == "applied":
            applied.setdefault(item["entity_id"], []).append((item["from_state"], item["to_state"]))
    return ledger, applied, audit


def assert_consistent(embedded, changes, *, expected: dict[str, list[tuple[str, str]]], ledger_expected: dict[str, str]) -> None:
    """The Ads API (ground truth), the ledger and the audit log agree; nothing sits in a DLQ."""
    made = {k: v for k, v in changes.items() if v}
    # The Ads API changed exactly what it should, once per transition
    assert made == expected
    applied_puts = Counter((a["entityId"], a["to"]) for a in embedded.run.actions if a["result"] == "applied")
    assert all(n == 1 for n in applied_puts.values()), f"a transition was applied by more than one PUT: {applied_puts}"
    # The ledger holds what StockGuard paused; the audit says what the Ads API did
    ledger, applied, _ = stored(embedded)
    assert {k: v for k, v in ledger.items() if v != "RELEASED" or k in ledger_expected} == ledger_expected
    assert applied == made, "every change the Ads API made is audited as applied exactly once"
    # Nothing was lost: no message in a DLQ
    assert embedded.dlq_depths() == {"InventoryNotificationsDLQ": 0, "OfferNotificationsDLQ": 0}


def episode(embedded, changes) -> None:
    """Stock-out, check, restock, check (the fault rules stay as the test set them)."""
    deliver(embedded, STOCK_OUT)
    assert ours(embedded) == ["PAUSED"] * 3
    assert_consistent(embedded, changes, expected={i: [PAUSE] for i in OURS}, ledger_expected={i: "PAUSED" for i in OURS})
    deliver(embedded, RESTOCK)
    assert ours(embedded) == ["ENABLED"] * 3
    assert_consistent(embedded, changes, expected={i: [PAUSE, RESUME] for i in OURS}, ledger_expected={i: "RELEASED" for i in OURS})


@pytest.fixture
def changes(embedded):
    in_stock(embedded)
    return track_state_changes(embedded.simulator)


# Faults the client's own retries absorb (within max attempts and the time budget) ...
WITHIN_ONE_INVOCATION = {
    "429 with Retry-After": [FaultRule(match="PUT *", kind="429", times=4, retry_after=0)],
    "429 without Retry-After": [FaultRule(match="PUT *", kind="429_no_retry_after", times=2)],
    "5xx burst": [
        FaultRule(match="PUT *", kind="5xx", times=2, status=503),
        FaultRule(match="POST /sp/productAds/list", kind="5xx", times=1, status=500),
    ],
    "429 on the re-read": [FaultRule(match="* /sd/productAds", kind="429", times=3, retry_after=0)],
}
# ... and faults that leave entities unapplied: batch item failures, redelivered by SQS
THROUGH_SQS = {
    "429 storm past the client's attempts": [FaultRule(match="PUT *", kind="429", times=8, retry_after=0)],
    "per-item errors in a 207": [
        FaultRule(match="PUT /sp/productAds", kind="item_error", times=1, entity_ids=[SP_WIDGET]),
        FaultRule(match="PUT /sd/productAds", kind="item_error", times=1),
    ],
    "per-item throttling in a 207": [FaultRule(match="PUT *", kind="item_throttle", times=2)],
    "207 with no success": [
        FaultRule(match="PUT /sb/*", kind="no_success_207", times=1),
        FaultRule(match="PUT /sd/*", kind="no_success_207", times=1),
    ],
}


@pytest.mark.parametrize("rules", WITHIN_ONE_INVOCATION.values(), ids=WITHIN_ONE_INVOCATION.keys())
def test_transient_faults_are_retried_inside_the_invocation(embedded, changes, rules):
    for rule in rules:
        embedded.simulator.faults.add(rule.model_copy())
    episode(embedded, changes)
    assert embedded.run.retried == 0, "no message had to come back through SQS"
    assert any(r.fault for r in embedded.simulator.requests), "the faults fired"
    assert all((rule.times or 0) == 0 for rule in embedded.simulator.faults.rules), "every fault was consumed"


@pytest.mark.parametrize("rules", THROUGH_SQS.values(), ids=THROUGH_SQS.keys())
def test_faults_that_outlast_the_client_converge_through_sqs(embedded, changes, rules):
    for rule in rules:
        embedded.simulator.faults.add(rule.model_copy())
    episode(embedded, changes)
    assert embedded.run.retried >= 1, "the unapplied entities made their message a batch item failure"
    _, _, audit = stored(embedded)
    assert {i["result"] for i in audit} >= {"applied"} and {i["result"] for i in audit} & {"failed", "throttled"}


def test_expired_token_is_refreshed_after_a_401(embedded, changes):
    # Given every access token the simulator issued has expired
    embedded.simulator.expire_tokens()
    deliver(embedded, STOCK_OUT)
    embedded.simulator.expire_tokens()
    deliver(embedded, RESTOCK)
    # Then the 401s were answered by one refresh each, and nothing had to be redelivered
    requests = embedded.simulator.requests
    assert [r.status for r in requests if r.status == 401] and len([r for r in requests if r.path == TOKEN_PATH]) >= 2
    assert embedded.run.retried == 0
    assert_consistent(embedded, changes, expected={i: [PAUSE, RESUME] for i in OURS}, ledger_expected={i: "RELEASED" for i in OURS})


def test_a_persistent_item_error_ends_in_the_dlq_without_touching_the_rest_twice(embedded, changes):
    # Given Amazon refuses every change of the SP ad (and only of it)
    embedded.simulator.faults.add(FaultRule(match="PUT /sp/productAds", kind="item_error", entity_ids=[SP_WIDGET]))
    deliver(embedded, STOCK_OUT)
    # Then the message is retried maxReceiveCount times and dead-lettered; SB and SD were paused once
    assert embedded.dlq_depths()["InventoryNotificationsDLQ"] == 1
    assert {k: v for k, v in changes.items() if v} == {SB_VIDEO: [PAUSE], SD_WIDGET: [PAUSE]}
    ledger, applied, audit = stored(embedded)
    assert ledger.get(SP_WIDGET, "RELEASED") == "RELEASED", "no pause is held for an ad that was never paused"
    assert applied == {SB_VIDEO: [PAUSE], SD_WIDGET: [PAUSE]}
    failed = [i for i in audit if i["entity_id"] == SP_WIDGET]
    assert failed and {i["result"] for i in failed} == {"failed"} and all(i["error"] for i in failed)
    assert state(embedded, SELLER_US, "SP", SP_WIDGET) == "ENABLED"


def test_a_put_slower_than_the_client_timeout_is_settled_from_the_real_state(embedded, changes):
    """Amazon applies a PUT the client gave up on. The message comes back after the visibility timeout;
    by then the change is visible, and StockGuard must know it paused the ad (and resume it later)."""
    embedded.simulator.faults.add(FaultRule(match="PUT /sp/productAds", kind="slow", delay_seconds=4, times=1))
    # A Lambda with 12 s left keeps a 10 s reserve: a 2 s budget, so the client times out on the slow PUT
    esm = EventSourceMapping(
        sqs=embedded.stack.client("sqs"),
        queue_url=embedded.stack.queues["InventoryNotificationsQueue"],
        queue_arn=embedded.stack.queue_arns["InventoryNotificationsQueue"],
        invoke=lambda event: embedded.invoker.invoke(INVENTORY_FUNCTION, event, remaining_ms=12_000),
    )
    esm.send([json.dumps(STOCK_OUT)])
    assert esm.poll_once()
    assert esm.stats.retried == 1, "the SP ad did not apply in time: its message is a batch item failure"
    # The visibility timeout passes; meanwhile Amazon finishes the slow PUT
    for _ in range(200):
        if any(r.fault == "slow" for r in embedded.simulator.requests):
            break
        time.sleep(0.05)
    assert state(embedded, SELLER_US, "SP", SP_WIDGET) == "PAUSED", "Amazon applied it after the client timed out"
    # When the message is redelivered (a Lambda with its full time)
    embedded.drain()
    assert ours(embedded) == ["PAUSED"] * 3
    assert_consistent(embedded, changes, expected={i: [PAUSE] for i in OURS}, ledger_expected={i: "PAUSED" for i in OURS})
    # And the restock resumes the SP ad too: StockGuard paused it
    deliver(embedded, RESTOCK)
    assert ours(embedded) == ["ENABLED"] * 3
    assert_consistent(embedded, changes, expected={i: [PAUSE, RESUME] for i in OURS}, ledger_expected={i: "RELEASED" for i in OURS})


def test_a_resume_re_read_throttled_past_the_client_converges_through_sqs(embedded, changes):
    # Given the widget's ads paused by StockGuard
    deliver(embedded, STOCK_OUT)
    assert_consistent(embedded, changes, expected={i: [PAUSE] for i in OURS}, ledger_expected={i: "PAUSED" for i in OURS})
    # And the Ads API throttling the SP list (the resume's re-read) past the client's attempts
    embedded.simulator.faults.add(FaultRule(match="POST /sp/productAds/list", kind="429", times=8, retry_after=0))
    # When the widget is restocked
    deliver(embedded, RESTOCK)
    # Then the SP ad's message came back through SQS, and every ad was resumed by exactly one PUT, audited once
    assert embedded.run.retried >= 1
    assert all((rule.times or 0) == 0 for rule in embedded.simulator.faults.rules), "every fault was consumed"
    assert ours(embedded) == ["ENABLED"] * 3
    assert_consistent(embedded, changes, expected={i: [PAUSE, RESUME] for i in OURS}, ledger_expected={i: "RELEASED" for i in OURS})
    sp_lines = [a["result"] for a in embedded.run.actions if a["entityId"] == SP_WIDGET and a["to"] == "ENABLED"]
    assert sp_lines[0] == "throttled" and sp_lines[-1] == "applied" and sp_lines.count("applied") == 1
