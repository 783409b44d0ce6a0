"""Soak variant (issue 13): 5% of the notifications never arrive, and the reconciliation makes up for them.

The stream of tests/soak/workload.py (duplicates and reorderings included) is delivered through the real
inventory handler with 5% of its facts dropped; then ReconcileFunction (loaded from template.yaml) runs
against the SP-API simulator seeded with Amazon's truth (each SKU's latest fact, its lastUpdatedTime the
fact's event time), and its messages are delivered through the same handler; then a second run (the change
feed) must find nothing left to send. Asserted: every ad ends in the state the full stream calls for, and
the drift the pipeline counted (the ReconcileDrift EMF metrics, by kind) equals the products whose dropped
notifications mattered: those whose out-of-stock condition differs between the delivered stream and the
truth and that have an ad StockGuard changes because of it.

SOAK_RECONCILE_NOTIFICATIONS (default 3000) and SOAK_RECONCILE_ASINS (default notifications / 10) scale it.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import random
import time
from collections import Counter
from datetime import UTC

import pytest
from moto import mock_aws

from stockguard.ads import clear_token_cache
from stockguard.state.dynamo import reset_clients
from stockguard_dev.local.event_source import EventSourceMapping
from stockguard_dev.local.invoke import LambdaInvoker
from stockguard_dev.simulator import AdsSimulator
from stockguard_dev.simulator.spapi import SpApiSimulator
from tests.soak.speedups import faster_harness
from tests.soak.workload import CREDENTIALS, US, Fact, Workload, build_workload, sqs_delivery_order, stock_history
from tests.support.notifications import SELLER
from tests.support.stack import TEMPLATE, simulated_stack

pytestmark = [pytest.mark.soak, pytest.mark.timeout(int(os.environ.get("SOAK_TIMEOUT_SECONDS", "4800")))]

INVENTORY, SYNC, RECONCILE = "InventoryEventsFunction", "AdsIndexSyncFunction", "ReconcileFunction"
QUEUE = "InventoryNotificationsQueue"
DROP_RATE = 0.05
SEND_CHUNK = 100
SCHEDULED = {"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}}


def truth_rows(workload: Workload, facts: list[Fact]) -> list[dict]:
    """getInventorySummaries rows of every SKU's latest fact (what Amazon itself knows)."""
    latest: dict[str, Fact] = {}
    for fact in facts:
        current = latest.get(fact.sku)
        if current is None or (fact.event_time, fact.notification_id) > (current.event_time, current.notification_id):
            latest[fact.sku] = fact
    return [
        {
            "asin": fact.asin,
            "fnSku": "X0" + sku[-8:],
            "sellerSku": sku,
            "condition": "NewItem",
            "lastUpdatedTime": fact.event_time.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "productName": "Soak item",
            "totalQuantity": fact.fulfillable,
            "inventoryDetails": {"fulfillableQuantity": fact.fulfillable},
        }
        for sku, fact in sorted(latest.items())
    ]


def out_asins(facts: list[Fact]) -> dict[str, bool]:
    """ASIN -> out of stock, from each SKU's latest fact (an ASIN with no fact is not out)."""
    latest: dict[str, Fact] = {}
    for fact in facts:
        current = latest.get(fact.sku)
        if current is None or (fact.event_time, fact.notification_id) > (current.event_time, current.notification_id):
            latest[fact.sku] = fact
    available: Counter[str] = Counter()
    for fact in latest.values():
        available[fact.asin] += fact.fulfillable
    return {asin: available[asin] <= 0 for asin in {f.asin for f in latest.values()}}


def expected_drift(workload: Workload, delivered: list[Fact], facts: list[Fact]) -> Counter[str]:
    """Products whose dropped notifications mattered, by the drift kind their reconcile change is."""
    seen, truth = workload.expected_states(delivered), workload.expected_states(facts)
    out_seen, out_true = out_asins(delivered), out_asins(facts)
    drift: Counter[str] = Counter()
    for asin in workload.asins:
        was, really = out_seen.get(asin, False), out_true.get(asin, False)
        if was == really:
            continue
        changed = any(asin in ad.asins and seen[(ad.product, ad.ad_id)] != truth[(ad.product, ad.ad_id)] for ad in workload.ads)
        if changed:
            drift["missed_stock_out" if really else "missed_restock"] += 1
    return drift


def emf_drift(text: str) -> Counter[str]:
    """ReconcileDrift per kind from the handlers' EMF lines (the dimensioned metric only)."""
    drift: Counter[str] = Counter()
    for line in text.splitlines():
        if '"ReconcileDrift"' not in line or '"kind"' not in line:
            continue
        record = json.loads(line)
        value = record["ReconcileDrift"]
        drift[record["kind"]] += int(sum(value) if isinstance(value, list) else value)
    return drift


def test_soak_with_lost_notifications_converges_through_reconcile_and_counts_the_drift(capsys):
    total = int(os.environ.get("SOAK_RECONCILE_NOTIFICATIONS", "3000"))
    n_asins = int(os.environ.get("SOAK_RECONCILE_ASINS", str(max(1, total // 10))))
    # Given a stream of which 5% never arrives
    workload = build_workload(n_asins)
    facts = stock_history(workload, total)
    rng = random.Random(20261203)
    dropped = {f.notification_id for f in facts if rng.random() < DROP_RATE}
    delivered = [f for f in facts if f.notification_id not in dropped]
    bodies, _, _ = sqs_delivery_order(delivered)
    expected = workload.expected_states(facts)
    drift_expected = expected_drift(workload, delivered, facts)
    emf = io.StringIO()
    logging.getLogger("stockguard").setLevel(logging.WARNING)
    started = time.monotonic()
    clear_token_cache()
    try:
        with (
            faster_harness(),
            mock_aws(),
            AdsSimulator(workload.simulator_catalog()) as ads,
            SpApiSimulator({SELLER: {US: truth_rows(workload, facts)}}, rate_limiting=False) as spapi,
        ):
            reset_clients()
            stack = simulated_stack(ads, spapi, ads_credentials=CREDENTIALS, marketplace_ids=[US], DwellMinutes=0, LogLevel="WARNING")
            invoker = LambdaInvoker(TEMPLATE, stack)

            def invoke(function: str, event: dict):
                with contextlib.redirect_stdout(emf):
                    return invoker.invoke(function, event)

            invoke(SYNC, SCHEDULED)
            sqs = stack.client("sqs")
            mapping = EventSourceMapping(
                sqs=sqs, queue_url=stack.queues[QUEUE], queue_arn=stack.queue_arns[QUEUE], invoke=lambda e: invoke(INVENTORY, e)
            )
            # When the delivered notifications are processed
            for start in range(0, len(bodies), SEND_CHUNK):
                mapping.send(bodies[start : start + SEND_CHUNK])
                mapping.drain()
            before = {(ad.product, ad.ad_id): ads.state_of(workload.profile_id, ad.product, "ad", ad.ad_id).upper() for ad in workload.ads}
            wrong_before = sum(before[k] != v for k, v in expected.items())
            # And the reconcile runs (a full sweep: no watermark yet), its messages delivered
            first = invoke(RECONCILE, SCHEDULED)
            mapping.drain()
            # And runs again (the change feed from the watermark)
            second = invoke(RECONCILE, SCHEDULED)
            mapping.drain()
            final = {(ad.product, ad.ad_id): ads.state_of(workload.profile_id, ad.product, "ad", ad.ad_id).upper() for ad in workload.ads}
    finally:
        logging.getLogger("stockguard").setLevel(logging.NOTSET)
    wrong = {k: (final[k], v) for k, v in expected.items() if final[k] != v}
    counted = emf_drift(emf.getvalue())
    with capsys.disabled():
        print(
            f"\nreconcile soak: {total} notifications over {n_asins} ASINs, {len(dropped)} dropped; "
            f"{wrong_before} ads wrong before the reconcile, {len(wrong)} after; "
            f"first run {first['targets'][0]['stockChanges']} products sent ({first['targets'][0]['mode']}), "
            f"second {second['targets'][0]['stockChanges']} ({second['targets'][0]['mode']}); "
            f"drift counted {dict(counted)}, expected {dict(drift_expected)}; {time.monotonic() - started:.0f} s"
        )
    # Then every ad is in the state the full stream calls for
    assert wrong_before > 0, "the dropped notifications changed nothing: the variant tests nothing"
    assert not wrong, f"{len(wrong)} ads in the wrong state after the reconcile, e.g. {list(wrong.items())[:5]}"
    # And the drift counted is the notifications dropped that mattered, by kind
    assert counted == drift_expected
    # And the change feed found nothing more to send
    assert first["targets"][0]["mode"] == "full_sweep" and second["targets"][0]["mode"] == "change_feed"
    assert second["targets"][0]["stockChanges"] == 0 and second["failed"] == 0
