"""Soak (issue 6, Load): 50,000 FBA notifications over 5,000 ASINs, with duplicates, reorderings and
poison messages, through the real inventory handler (functions/inventory_events/app.py, loaded from
template.yaml as SAM would) against in-process moto and the Ads API simulator over HTTP with a 5% fault
rate, delivered by the simulated SQS event source mapping (batch item failures redelivered, poison to
the DLQ after maxReceiveCount).

It asserts that no message is lost (every message sent to the queue was deleted after success or is in
the DLQ), that exactly the poison messages end in the DLQ, and that every ad ends in the state the
latest fact of each SKU calls for. Figures are printed, and written as Markdown to the file named by
STOCKGUARD_SOAK_REPORT (BENCHMARKS.soak.md, which bench/run_benchmarks.py appends to BENCHMARKS.md).

SOAK_NOTIFICATIONS (default 50000) and SOAK_ASINS (default notifications / 10) scale it.

SOAK_STORES=memory is the fast mode: the same handlers, queues (moto SQS), simulator and faults, with the
DynamoDB stores replaced by the in-memory adapters (stockguard_dev.memory, proven equal by tests/contract)
through the handlers' own ServicesCache. It checks the pipeline's logic at scale in a fraction of the
time; the default (DynamoDB on moto) stays the truth that .ci/run runs.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import platform
import time
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from moto import mock_aws

from stockguard.ads import clear_token_cache
from stockguard.state.dynamo import reset_clients
from stockguard_dev.local.event_source import EventSourceMapping, queue_depth
from stockguard_dev.local.invoke import LambdaInvoker
from stockguard_dev.simulator import AdsSimulator, FaultConfig, FaultRule
from tests.soak.aws_calls import AwsCallCounter
from tests.soak.speedups import faster_harness
from tests.soak.workload import CREDENTIALS, US, build_workload, sqs_delivery_order, stock_history
from tests.support.stack import TEMPLATE, local_stack

pytestmark = [pytest.mark.soak, pytest.mark.timeout(int(os.environ.get("SOAK_TIMEOUT_SECONDS", "4800")))]  # CI gives .ci/run 90 min

INVENTORY, SYNC = "InventoryEventsFunction", "AdsIndexSyncFunction"
QUEUE, DLQ = "InventoryNotificationsQueue", "InventoryNotificationsDLQ"
POISON = [
    '{"NotificationType": "FBA_INVENTORY_AVAILABILITY_CHANGES", "Payload": {}}',
    "not json at all",
    "[]",
    '{"notificationType": "ITEM_INVENTORY_EVENT_CHANGE"}',
]
SEND_CHUNK = 100  # messages enqueued before the mapping drains the queue: moto scans the whole queue per message received
FAULT_RATE = float(os.environ.get("SOAK_FAULT_RATE", "0.05"))
STORES = os.environ.get("SOAK_STORES", "dynamodb")  # "memory": the fast mode (module docstring)


def memory_stores_injector():
    """`LambdaInvoker(on_load=...)` that gives both handlers one shared set of in-memory stores, as the
    deployed functions share the tables (the index sync writes the index and ledger the batch reads)."""
    from stockguard.index.profiles import ProfileResolver
    from stockguard_dev.memory import MemoryAdIndex, MemoryAuditLog, MemoryDedupStore, MemoryLedger, MemoryStockStore

    index, ledger = MemoryAdIndex(), MemoryLedger()
    stores = {"stock": MemoryStockStore(), "dedup": MemoryDedupStore(), "audit": MemoryAuditLog(), "index": index, "ledger": ledger}

    def batch_services(cache):
        built = cache.build_default()
        profiles = ProfileResolver(
            mapping=built.config.profile_mapping,
            repository=index,
            ads=built.ads,
            region_for_marketplace=built.region_for,
            ttl_hours=built.config.profile_cache_ttl_hours,
        )
        return replace(built, profiles=profiles, **stores)

    def on_load(function: str, module) -> None:
        cache = module.services
        if function == SYNC:
            cache.override(factory=lambda: replace(cache.build_default(), index=index, ledger=ledger))
        else:
            cache.override(factory=lambda: batch_services(cache))

    return on_load


def fault_rules(rate: float) -> list[FaultRule]:
    """`rate` of Ads API requests after the index sync fail: 2/5 throttled (429 without Retry-After), 2/5
    server errors, 1/5 PUTs with per-item throttles inside the 207 (each rule sees what the previous left)."""
    throttle, server, item = 0.4 * rate, 0.4 * rate, 0.2 * rate
    return [
        FaultRule(match="*", kind="429_no_retry_after", probability=throttle),
        FaultRule(match="*", kind="5xx", probability=server / (1 - throttle)),
        FaultRule(match="PUT *", kind="item_throttle", probability=item / (1 - throttle - server)),
    ]


class _Sink(io.TextIOBase):
    """Where the handlers' stdout (EMF metrics) and warnings go: counted, not kept."""

    def __init__(self) -> None:
        self.lines = 0

    def write(self, text: str) -> int:
        self.lines += text.count("\n")
        return len(text)


def _clear_parameter_caches() -> None:
    """powertools keeps SSM providers (and their boto3 clients) across tests: start from none."""
    from aws_lambda_powertools.utilities.parameters import base

    base.clear_caches()
    base.DEFAULT_PROVIDERS.clear()


def _drain_delayed(sqs, mapping: EventSourceMapping, *, max_wait: float = 1200) -> None:
    """Deliver the re-evaluations the handler scheduled with DelaySeconds, as they become visible."""
    deadline = time.monotonic() + max_wait
    while time.monotonic() < deadline:
        attributes = sqs.get_queue_attributes(QueueUrl=mapping.queue_url, AttributeNames=["ApproximateNumberOfMessagesDelayed"])[
            "Attributes"
        ]
        if int(attributes.get("ApproximateNumberOfMessagesDelayed", 0)) == 0 and not mapping.poll_once():
            return
        time.sleep(0.5)
        mapping.drain()
    raise AssertionError("delayed re-evaluations still pending")


def _drain_dlq(sqs, dlq_url: str) -> list[dict]:
    messages: list[dict] = []
    while True:
        batch = sqs.receive_message(QueueUrl=dlq_url, MaxNumberOfMessages=10, VisibilityTimeout=600).get("Messages", [])
        if not batch:
            return messages
        messages.extend(batch)


def test_soak_no_message_lost_and_final_states_match_latest_facts(capsys):
    total = int(os.environ.get("SOAK_NOTIFICATIONS", "50000"))
    n_asins = int(os.environ.get("SOAK_ASINS", str(max(1, total // 10))))
    # Given a generated catalog and a notification stream with duplicates, late events and poison
    workload = build_workload(n_asins)
    facts = stock_history(workload, total)
    bodies, duplicates, late = sqs_delivery_order(facts)
    poison = [body for i in range(5) for body in POISON]  # 20 poison messages spread over the stream
    for i, body in enumerate(poison):
        bodies.insert((i + 1) * len(bodies) // (len(poison) + 1), body)
    expected = workload.expected_states(facts)

    sink = _Sink()
    stockguard_logger = logging.getLogger("stockguard")
    stockguard_logger.setLevel(logging.WARNING)  # the autouse conftest fixture restores DEBUG afterwards
    saved_streams = [(h, h.setStream(sink)) for h in stockguard_logger.handlers if isinstance(h, logging.StreamHandler)]
    started = time.monotonic()
    clear_token_cache()
    try:
        with (
            faster_harness(verify=bool(os.environ.get("SOAK_VERIFY_MOTO"))),
            mock_aws(),
            AdsSimulator(workload.simulator_catalog()) as sim,
            AwsCallCounter() as aws,
        ):
            reset_clients()
            _clear_parameter_caches()
            stack = local_stack(
                parameters={
                    "AdsApiEndpointOverride": sim.base_url,
                    "LwaTokenEndpointOverride": sim.token_url,
                    "DwellMinutes": 0,
                    "LogLevel": "WARNING",
                }
            )
            sqs = stack.client("sqs")
            stack.client("secretsmanager").put_secret_value(
                SecretId=stack.refs["AdsCredentialsSecret"], SecretString=json.dumps(CREDENTIALS)
            )
            invoker = LambdaInvoker(TEMPLATE, stack, on_load=memory_stores_injector() if STORES == "memory" else None)

            def invoke(function: str, event: dict):
                with contextlib.redirect_stdout(sink):
                    return invoker.invoke(function, event)

            sync = invoke(SYNC, {"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}})
            assert sync["entities"] == len(workload.ads) and not sync["failedProfiles"], sync
            setup_seconds = time.monotonic() - started
            sim.faults = FaultConfig(rules=fault_rules(FAULT_RATE), seed=int(os.environ.get("SOAK_SEED", "20261128")))
            sim.clear_requests()
            aws.clear()

            # When every message is delivered through the event source mapping, failures redelivered
            queue_url, dlq_url = stack.queues[QUEUE], stack.queues[DLQ]
            mapping = EventSourceMapping(
                sqs=sqs, queue_url=queue_url, queue_arn=stack.queue_arns[QUEUE], invoke=lambda e: invoke(INVENTORY, e)
            )
            run_started = time.monotonic()
            for start in range(0, len(bodies), SEND_CHUNK):
                mapping.send(bodies[start : start + SEND_CHUNK])
                mapping.drain()
            _drain_delayed(sqs, mapping)
            # A valid notification that met maxReceiveCount transient faults in a row is redriven, as an
            # operator would (aws sqs start-message-move-task); poison stays in the DLQ.
            dead = _drain_dlq(sqs, dlq_url)  # received with a long visibility timeout: each one once
            dlq_arrivals, redriven_total = len(dead), 0
            for _ in range(3):
                redrive = [m for m in dead if m["Body"] not in POISON]
                if not redrive:
                    break
                mapping.send([m["Body"] for m in redrive])
                for start in range(0, len(redrive), 10):
                    chunk = redrive[start : start + 10]
                    sqs.delete_message_batch(
                        QueueUrl=dlq_url, Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(chunk)]
                    )
                redriven_total += len(redrive)
                mapping.drain()
                _drain_delayed(sqs, mapping)
                arrived = _drain_dlq(sqs, dlq_url)
                dlq_arrivals += len(arrived)
                dead = [m for m in dead if m["Body"] in POISON] + arrived
            run_seconds = time.monotonic() - run_started

            left = queue_depth(sqs, queue_url) + int(
                sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessagesDelayed"])["Attributes"][
                    "ApproximateNumberOfMessagesDelayed"
                ]
            )
            in_dlq = queue_depth(sqs, dlq_url)
            sent = aws.sqs_sent[queue_url]  # ours, the handler's re-evaluations, the redriven
            reevaluations = sent - len(bodies) - redriven_total
            final = {(ad.product, ad.ad_id): sim.state_of(workload.profile_id, ad.product, "ad", ad.ad_id).upper() for ad in workload.ads}
            wrong_ads = [ad for ad in workload.ads if final[(ad.product, ad.ad_id)] != expected[(ad.product, ad.ad_id)]]
            diagnosis = _diagnose(stack, workload, wrong_ads[:5], sim.requests)
            requests = sim.requests
            ads_calls = Counter(f"{r.method} {r.path}" for r in requests)
            faults = Counter(r.fault for r in requests if r.fault)
            stats = mapping.stats
            aws_calls = Counter(aws.calls)
            invoker.cold_start()
    finally:
        for handler, stream in saved_streams:
            handler.setStream(stream)
        stockguard_logger.setLevel(logging.NOTSET)

    wrong = {key: (final[key], state) for key, state in expected.items() if final[key] != state}
    figures = _figures(
        total=total,
        n_asins=n_asins,
        workload=workload,
        duplicates=duplicates,
        late=late,
        poison=len(poison),
        messages=len(bodies),
        setup_seconds=setup_seconds,
        run_seconds=run_seconds,
        stats=stats,
        in_dlq=in_dlq,
        redriven=redriven_total,
        reevaluations=reevaluations,
        ads_calls=ads_calls,
        faults=faults,
        aws_calls=aws_calls,
        wrong=len(wrong),
        expected=expected,
    )
    with capsys.disabled():
        print("\n" + figures)
    report = os.environ.get("STOCKGUARD_SOAK_REPORT")
    if report:
        Path(report).write_text(figures + "\n")

    # Then nothing is lost: every message sent was deleted after success or sits in the DLQ
    assert left == 0
    assert sent == stats.deleted + dlq_arrivals, (sent, stats.deleted, dlq_arrivals)
    # ... and exactly the poison messages stay dead-lettered
    assert in_dlq == len(dead)
    assert sorted(m["Body"] for m in dead) == sorted(poison)
    # ... and every ad is in the state the latest fact of each SKU calls for
    assert wrong == {}, f"{len(wrong)} ads in the wrong state, e.g. {list(wrong.items())[:5]}\n{diagnosis}"
    assert stats.invocation_errors == 0


def _diagnose(stack, workload, ads, requests) -> str:
    """For ads in the wrong state: their ledger entry, audit trail and the Ads API requests that named them."""
    if not ads:
        return ""
    if STORES == "memory":
        return "(SOAK_STORES=memory: the ledger and audit are in memory; rerun on DynamoDB to diagnose from the tables)"
    ddb = stack.client("dynamodb")
    lines = []
    for ad in ads:
        ref = f"{workload.profile_id}#{ad.product}#ad#{ad.ad_id}"
        ledger = ddb.get_item(TableName=stack.tables["LedgerTable"], Key={"pk": {"S": ref}}).get("Item", {})
        lines.append(f"{ad}: ledger {json.dumps(ledger, default=str)[:600]}")
        for asin in ad.asins:
            items = ddb.query(
                TableName=stack.tables["AuditTable"],
                KeyConditionExpression="pk = :p",
                ExpressionAttributeValues={":p": {"S": f"{US}#{asin}"}},
            )["Items"]
            for item in items:
                if item["entity_id"]["S"] == ad.ad_id:
                    lines.append(
                        f"    audit {item['sk']['S']} {item['result']['S']} {item['from_state']['S']}->{item['to_state']['S']} {item.get('error', {}).get('S', '')[:80]}"
                    )
        named = [r for r in requests if ad.ad_id in json.dumps(r.json) or ad.ad_id in json.dumps(r.query)]
        lines += [f"    ads api {r.method} {r.path} {r.status} fault={r.fault} {json.dumps(r.json)[:160]}" for r in named[-8:]]
    return "\n".join(lines)


def _figures(
    *,
    total,
    n_asins,
    workload,
    duplicates,
    late,
    poison,
    messages,
    setup_seconds,
    run_seconds,
    stats,
    in_dlq,
    redriven,
    reevaluations,
    ads_calls,
    faults,
    aws_calls,
    wrong,
    expected,
) -> str:
    states = Counter(expected.values())
    products = Counter(ad.product for ad in workload.ads)
    state_changes = sum(n for call, n in ads_calls.items() if call.startswith("PUT "))
    rereads = sum(
        n for call, n in ads_calls.items() if call.startswith(("POST /sp/productAds/list", "POST /sb/v4/ads/list", "GET /sd/productAds"))
    )
    aws_total = sum(aws_calls.values())
    top = ", ".join(f"{k} {v}" for k, v in aws_calls.most_common(8))
    ads = ", ".join(f"{k} {v}" for k, v in ads_calls.most_common())
    return "\n".join(
        [
            f"Soak measured {date.today()} on {os.cpu_count()} cores, Python {platform.python_version()}, with "
            f"`{'SOAK_STORES=memory ' if STORES == 'memory' else ''}SOAK_NOTIFICATIONS={total} SOAK_ASINS={n_asins} "
            ".venv/bin/python -m pytest -m soak tests/soak -q` "
            + (
                "(fast mode: the stores in memory, SQS on in-process moto, the simulator over HTTP; the real handler from template.yaml)."
                if STORES == "memory"
                else "(in-process moto and the simulator over HTTP, sped up by tests/soak/speedups.py; the real handler from template.yaml)."
            ),
            "",
            "| figure | value |",
            "|---|---|",
            f"| notifications (distinct) | {total} over {n_asins} ASINs, {len(workload.skus)} SKUs |",
            f"| ads | {len(workload.ads)} (SP {products['SP']}, SB {products['SB']}, SD {products['SD']}); expected final: {states['PAUSED']} paused, {states['ENABLED']} enabled |",
            f"| messages sent | {messages} ({duplicates} SP-API duplicates, {late} late, {poison} poison) + {reevaluations} re-evaluations + {redriven} redriven from the DLQ |",
            f"| batches / redeliveries (batch item failures) | {stats.batches} / {stats.retried} |",
            f"| dead-lettered at the end | {in_dlq} (poison: {poison}) |",
            f"| ads in the wrong final state | {wrong} |",
            f"| index sync and set-up | {setup_seconds:.0f} s |",
            f"| delivery | {run_seconds:.0f} s, {messages / run_seconds:.1f} messages/s |",
            f"| Ads API faults injected | {sum(faults.values())} ({', '.join(f'{k} {v}' for k, v in faults.most_common())}) |",
            f"| Ads API requests | {sum(ads_calls.values())} ({state_changes} state-change PUTs, {rereads} list/re-read calls): {ads} |",
            f"| AWS calls | {aws_total} ({aws_total / total:.1f} per notification): {top} |",
        ]
    )
