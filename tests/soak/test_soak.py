"""Soak: many notifications over many ASINs, with duplicates and reorderings, through the pipeline
against moto (in process) and the Ads API simulator over HTTP with a 5% fault rate, delivered by the
simulated SQS event source mapping (batch item failures redelivered, poison to the DLQ).

SOAK_NOTIFICATIONS / SOAK_ASINS scale it (defaults: the issue's 50,000 over 5,000). Figures are printed
and belong in BENCHMARKS.md.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections import Counter

import boto3
import pytest
from moto import mock_aws

from stockguard.ads import AdsApiClient, AdsCredentials, clear_token_cache, region_for_marketplace
from stockguard.ads.port import Region
from stockguard.index.sync import discover_profiles, sync_index
from stockguard.local.event_source import EventSourceMapping, queue_depth
from stockguard.pipeline.batch import process_batch
from stockguard.policy import StockGuardConfig
from stockguard.simulator import AdsSimulator, FaultConfig, FaultRule
from stockguard.state.dynamo import reset_clients
from tests.support.notifications import SELLER, US, fba
from tests.support.services import make_services
from tests.support.stack import local_stack

pytestmark = [pytest.mark.soak, pytest.mark.timeout(1800)]
PROFILE = "7000000000000001"
CREDS = {"client_id": "soak-id", "client_secret": "soak-secret", "refresh_token": "Atzr|soak"}


def catalog(asins: list[str]) -> dict:
    sp = [{"adId": f"1{i:08d}", "adGroupId": "1", "campaignId": "11", "state": "ENABLED", "sku": f"SKU-{a}"} for i, a in enumerate(asins)]
    sb = [
        {"adId": f"2{i:08d}", "adGroupId": "2", "campaignId": "22", "name": f"sb {i}", "state": "ENABLED", "creative": {"type": "VIDEO", "asins": [a]}}
        for i, a in enumerate(asins[::5])
    ]
    sd = [{"adId": int(f"3{i:08d}"), "adGroupId": 3, "campaignId": 33, "state": "enabled", "asin": a, "sku": f"SKU-{a}"} for i, a in enumerate(asins[::2])]
    return {
        "credentials": CREDS,
        "profiles": [{"profileId": int(PROFILE), "countryCode": "US", "currencyCode": "USD", "timezone": "America/Los_Angeles",
                      "accountInfo": {"marketplaceStringId": US, "id": SELLER, "type": "seller"}}],
        "entities": {PROFILE: {"sp_product_ads": sp, "sb_ads": sb, "sb_campaigns": [{"campaignId": "22", "name": "sb", "state": "ENABLED"}],
                               "sd_product_ads": sd, "sp_campaigns": [], "sd_campaigns": []}},
    }


def test_soak(capsys):
    total = int(os.environ.get("SOAK_NOTIFICATIONS", "1500"))
    n_asins = int(os.environ.get("SOAK_ASINS", "300"))
    rng = random.Random(20261128)
    asins = [f"B{i:09d}" for i in range(n_asins)]
    # Each ASIN gets a time-ordered history; the expected final state follows from its latest quantity.
    history = []
    for n in range(total):
        asin = asins[n % n_asins]
        history.append((asin, n // n_asins, rng.choice((0, 0, 30))))
    latest = {}
    for asin, step, qty in history:
        latest[asin] = qty
    bodies = [json.dumps(fba(a, f"SKU-{a}", q, minutes=step * 10, nid=f"soak-{a}-{step}")) for a, step, q in history]
    duplicates = rng.sample(bodies, total // 20)  # 5% resent by SP-API as new messages
    deliveries = bodies + duplicates
    # Reorder within windows of 50 messages: SQS standard queues are best-effort ordered.
    for start in range(0, len(deliveries), 50):
        window = deliveries[start : start + 50]
        rng.shuffle(window)
        deliveries[start : start + 50] = window

    logging_level = os.environ.get("POWERTOOLS_LOG_LEVEL")
    import logging

    logging.getLogger("stockguard").setLevel(logging.WARNING)
    faults = FaultConfig(rules=[
        FaultRule(match="PUT *", kind="429", probability=0.02, retry_after=0),
        FaultRule(match="PUT *", kind="5xx", probability=0.02),
        FaultRule(match="PUT *", kind="item_throttle", probability=0.01),
    ], seed=7)
    started = time.monotonic()
    clear_token_cache()
    with mock_aws(), AdsSimulator(catalog(asins), faults=faults) as sim:
        reset_clients()
        stack = local_stack()
        client = AdsApiClient(AdsCredentials(**CREDS), api_endpoint=sim.base_url, token_endpoint=sim.token_url, backoff_base=0.01, backoff_cap=0.05)
        services = make_services(stack.tables, client, StockGuardConfig(dwell_minutes=0))
        profiles = discover_profiles(client, [Region.NA], region_for_marketplace)
        sync_index(ads=client, index=services.index, ledger=services.ledger, profiles=profiles, now=services.wall_clock())
        sim.clear_requests()
        sqs = boto3.client("sqs", region_name="us-east-1")
        queue = stack.queues["InventoryNotificationsQueue"]
        mapping = EventSourceMapping(
            sqs=sqs, queue_url=queue, queue_arn=stack.queue_arns["InventoryNotificationsQueue"],
            invoke=lambda event: process_batch(event["Records"], services).response(),
        )
        for start in range(0, len(deliveries), 1000):
            mapping.send(deliveries[start : start + 1000])
            mapping.drain()
        stats = mapping.stats
        dlq = queue_depth(sqs, stack.queues["InventoryNotificationsDLQ"])
        left = queue_depth(sqs, queue)
        final = {}
        for asin in asins:
            final[asin] = sim.state_of(PROFILE, "SP", "ad", f"1{asins.index(asin):08d}") if n_asins <= 5000 else None
        calls = Counter(f"{r.method} {r.path}" for r in sim.requests)
    elapsed = time.monotonic() - started
    if logging_level is None:
        logging.getLogger("stockguard").setLevel(logging.NOTSET)

    # Nothing lost: every message was deleted after success or moved to the DLQ; none is left behind.
    assert left == 0
    assert stats.deleted + dlq == len(deliveries), (stats.deleted, dlq, len(deliveries))
    assert dlq == 0, "valid notifications never dead-letter while faults are transient"
    wrong = [a for a in asins if final[a] != ("PAUSED" if latest[a] == 0 else "ENABLED")]
    assert wrong == []
    with capsys.disabled():
        print(
            f"\nsoak: {total} notifications + {len(duplicates)} duplicates over {n_asins} ASINs in {elapsed:.0f} s "
            f"({len(deliveries) / elapsed:.0f} msg/s); {stats.batches} batches, {stats.retried} redeliveries, DLQ {dlq}; "
            f"Ads API calls: {sum(calls.values())} ({dict(calls.most_common(6))})"
        )
