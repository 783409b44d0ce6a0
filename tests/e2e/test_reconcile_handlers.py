"""Reconciliation end to end: ReconcileFunction and InventoryEventsFunction loaded from template.yaml, moto
in process, the Ads API simulator and the SP-API simulator over HTTP on 127.0.0.1. The reconcile run reads
getInventorySummaries / getCompetitiveSummary, its messages go through the inventory queue (the simulated
event source mapping) and are decided like notifications."""

from __future__ import annotations

import contextlib
import io
import json
from datetime import timedelta

import pytest
from moto import mock_aws

from stockguard.state.dynamo import reset_clients, scan_all
from stockguard_dev.cli.embedded import _simulator_credentials
from stockguard_dev.local.event_source import EventSourceMapping
from stockguard_dev.local.invoke import LambdaInvoker
from stockguard_dev.simulator import DEMO_CATALOG_PATH, AdsSimulator, FaultConfig, FaultRule, load_catalog
from stockguard_dev.simulator.spapi import SpApiSimulator
from tests.support.notifications import SELLER, T0, US, fba
from tests.support.stack import TEMPLATE, simulated_stack

WIDGET, SKU = "B00001ABCD", "SELLERSKU-1"
US_PROFILE, SP_WIDGET, SD_WIDGET = "1111111111111111", "200000000000001", "800000000000001"
RECONCILE, INVENTORY, SYNC = "ReconcileFunction", "InventoryEventsFunction", "AdsIndexSyncFunction"


def inventory_row(fulfillable: int, *, minutes: float, sku: str = SKU, asin: str = WIDGET) -> dict:
    return {
        "asin": asin,
        "fnSku": "X0" + sku,
        "sellerSku": sku,
        "condition": "NewItem",
        "lastUpdatedTime": (T0 + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "productName": "Demo item",
        "totalQuantity": fulfillable,
        "inventoryDetails": {"fulfillableQuantity": fulfillable, "inboundWorkingQuantity": 0},
    }


class World:
    def __init__(self, stack, invoker: LambdaInvoker, ads: AdsSimulator, spapi: SpApiSimulator) -> None:
        self.stack, self.invoker, self.ads, self.spapi = stack, invoker, ads, spapi
        self.sqs = stack.client("sqs")
        self.mapping = EventSourceMapping(
            sqs=self.sqs,
            queue_url=stack.queues["InventoryNotificationsQueue"],
            queue_arn=stack.queue_arns["InventoryNotificationsQueue"],
            invoke=lambda event: self.invoke(INVENTORY, event),
        )

    def invoke(self, function: str, event: dict):
        with contextlib.redirect_stdout(io.StringIO()):  # EMF metrics
            return self.invoker.invoke(function, event)

    def deliver(self, *bodies: dict) -> None:
        self.mapping.send([json.dumps(b) for b in bodies])
        self.mapping.drain()

    def reconcile(self, **event) -> dict:
        report = self.invoke(RECONCILE, event or {"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}})
        self.mapping.drain()
        return report

    def state(self, entity_id: str, product: str = "SP") -> str:
        return self.ads.state_of(US_PROFILE, product, "ad", entity_id).upper()

    def audit(self) -> list[dict]:
        return scan_all_items(self.stack.tables["AuditTable"])


def scan_all_items(table: str) -> list[dict]:
    from stockguard.state.dynamo import get_table

    return scan_all(get_table(table))


@pytest.fixture
def world(request):
    rows = getattr(request, "param", [])  # Amazon's inventory rows (indirect parametrization)
    seed = {SELLER: {US: rows}}
    with (
        mock_aws(),
        AdsSimulator(load_catalog(DEMO_CATALOG_PATH)) as ads,
        SpApiSimulator(seed, rate_limiting=False) as spapi,
    ):
        reset_clients()
        stack = simulated_stack(ads, spapi, ads_credentials=_simulator_credentials(ads), marketplace_ids=[US], DwellMinutes=0)
        w = World(stack, LambdaInvoker(TEMPLATE, stack), ads, spapi)
        w.invoke(SYNC, {"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}})
        yield w
        reset_clients()


@pytest.mark.parametrize("world", [[inventory_row(35, minutes=30)]], indirect=True, ids=["restocked"])
def test_a_lost_restock_is_resumed_by_the_next_reconcile(world):
    # Given the widget ran out (notification at minute 0) and its ads were paused; the restock notification never came
    world.deliver(fba(WIDGET, SKU, 0, minutes=0, nid="n-out"))
    assert (world.state(SP_WIDGET), world.state(SD_WIDGET, "SD")) == ("PAUSED", "PAUSED")
    # When the scheduled reconcile runs (Amazon: 35 units since minute 30)
    report = world.reconcile()
    # Then it swept the marketplace, sent one product, and the ads run again
    (target,) = report["targets"]
    assert (target["status"], target["mode"], target["stockChanges"]) == ("reconciled", "full_sweep", 1)
    assert (world.state(SP_WIDGET), world.state(SD_WIDGET, "SD")) == ("ENABLED", "ENABLED")
    # And the audit names the reconcile as the source; the watermark is stored
    resumed = [a for a in world.audit() if a["to_state"] == "ENABLED" and a["result"] == "applied"]
    assert resumed and all(a["notification_id"].startswith(f"reconcile:{SELLER}:{US}:{WIDGET}:stock:") for a in resumed)
    (mark,) = scan_all_items(world.stack.tables["ReconcileTable"])
    assert mark["pk"] == f"W#{SELLER}#{US}" and mark["since"] and mark["last_full_sweep_at"]


@pytest.mark.parametrize("world", [[inventory_row(0, minutes=30)]], indirect=True, ids=["out"])
def test_a_lost_stock_out_is_paused_and_a_late_older_notification_changes_nothing(world):
    world.deliver(fba(WIDGET, SKU, 40, minutes=0, nid="n-in"))
    assert world.state(SP_WIDGET) == "ENABLED"
    world.reconcile()
    assert world.state(SP_WIDGET) == "PAUSED"
    # When the late "in stock" notification of minute 20 arrives after the reconcile fact of minute 30
    world.deliver(fba(WIDGET, SKU, 40, minutes=20, nid="n-late"))
    # Then the ads stay paused
    assert world.state(SP_WIDGET) == "PAUSED"
    # When a newer notification says restocked (minute 40), it wins
    world.deliver(fba(WIDGET, SKU, 40, minutes=40, nid="n-newer"))
    assert world.state(SP_WIDGET) == "ENABLED"


@pytest.mark.parametrize("world", [[inventory_row(35, minutes=30)]], indirect=True, ids=["restocked"])
def test_repeated_runs_in_a_429_storm_converge_and_decide_once(world):
    world.deliver(fba(WIDGET, SKU, 0, minutes=0, nid="n-out"))
    # Given getInventorySummaries answers 429 (Retry-After 0) on half the calls, and pages hold one row of four
    for i in range(2, 5):
        world.spapi.set_inventory(SELLER, US, f"OTHER-{i}", asin=f"B0000{i}OTHER", fulfillableQuantity=5)
    world.spapi.page_size = 1
    world.spapi.faults = FaultConfig(rules=[FaultRule(match="GET /fba/inventory/*", kind="429", probability=0.5, retry_after=0)], seed=7)
    # When runs are repeated until one succeeds (the schedule would)
    reports = [world.reconcile(full=True) for _ in range(3)]
    # Then 429s were met, the runs converged, the ads were resumed exactly once, and no run raised
    assert any(r.fault == "429" for r in world.spapi.requests)
    statuses = [r["targets"][0]["status"] for r in reports]
    assert statuses.count("reconciled") >= 2, statuses
    assert world.state(SP_WIDGET) == "ENABLED"
    resumes = [a for a in world.audit() if a["entity_id"] == SP_WIDGET and a["to_state"] == "ENABLED" and a["result"] == "applied"]
    assert len(resumes) == 1


def test_a_vendor_account_is_skipped_with_a_reason(world):
    credentials = world.spapi.credentials()
    credentials["sellers"][0].update(marketplace_ids=[US], account_type="vendor")
    world.stack.client("secretsmanager").put_secret_value(
        SecretId=world.stack.refs["SpApiCredentialsSecret"], SecretString=json.dumps(credentials)
    )
    report = world.reconcile()
    assert [(t["status"], t["reason"]) for t in report["targets"]] == [("skipped", "vendor_account")]
    assert not [r for r in world.spapi.requests if "/fba/inventory" in r.path]
