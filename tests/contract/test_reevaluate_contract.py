"""ReevaluationScheduler contract: the message body and DelaySeconds of a delayed re-evaluation, as
pipeline.reevaluate sends them (memory: recorded; SQS: read back from moto's queue)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from stockguard.domain.facts import ProductKey
from stockguard.notifications import reevaluation_id
from tests.contract.backends import DYNAMODB, REGION, Scheduled

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
PRODUCTS = [
    ProductKey(account_id="A1", marketplace_id="ATVPDKIKX0DER", asin="B00001ABCD"),
    ProductKey(account_id="A1", marketplace_id="ATVPDKIKX0DER", asin="B00002ABCD"),
]


def test_a_wait_within_sqs_limits_is_one_delayed_message(reevaluations: Scheduled):
    # When two products are scheduled 300 s ahead of `now`
    at = NOW + timedelta(seconds=300)
    reevaluations.scheduler.schedule(PRODUCTS, at=at, now=NOW, source="n-source")
    # Then one message is sent, delayed 300 s, naming the products and the event time to decide at
    ((body, delay),) = reevaluations.sent()
    assert delay == 300
    message = json.loads(body)
    assert message["notificationType"] == "STOCKGUARD_REEVALUATE"
    assert message["eventTime"].startswith("2026-11-01T12:05:00")
    assert message["notificationId"] == reevaluation_id(PRODUCTS, at, source="n-source")
    assert message["products"] == [{"accountId": "A1", "marketplaceId": "ATVPDKIKX0DER", "asin": a} for a in ("B00001ABCD", "B00002ABCD")]


def test_a_longer_wait_chains_and_a_past_time_is_not_delayed(reevaluations: Scheduled):
    # When one wait exceeds SQS's 900 s maximum and another is already due
    reevaluations.scheduler.schedule(PRODUCTS[:1], at=NOW + timedelta(hours=2), now=NOW, source="n-long")
    reevaluations.scheduler.schedule(PRODUCTS[:1], at=NOW - timedelta(seconds=5), now=NOW, source="n-due")
    # Then the first comes back after 900 s to decide at that time (and wait again), the second at once
    (long_body, long_delay), (due_body, due_delay) = reevaluations.sent()
    assert (long_delay, due_delay) == (900, 0)
    assert json.loads(long_body)["eventTime"].startswith("2026-11-01T12:15:00")
    assert json.loads(due_body)["eventTime"].startswith("2026-11-01T11:59:55")


def test_sqs_holds_a_delayed_message_back(reevaluations: Scheduled, backend: str):
    if backend != DYNAMODB:
        pytest.skip("SQS only: the queue itself, seen through its API")
    # Given one delayed and one due re-evaluation
    reevaluations.scheduler.schedule(PRODUCTS[:1], at=NOW + timedelta(seconds=60), now=NOW, source="n-later")
    reevaluations.scheduler.schedule(PRODUCTS[1:], at=NOW, now=NOW, source="n-now")
    # When the queue is read at once, Then only the due one is receivable and the other counts as delayed
    sqs = boto3.client("sqs", region_name=REGION)
    received = sqs.receive_message(QueueUrl=reevaluations.queue_url, MaxNumberOfMessages=10).get("Messages", [])
    assert [json.loads(m["Body"])["products"][0]["asin"] for m in received] == ["B00002ABCD"]
    attributes = sqs.get_queue_attributes(QueueUrl=reevaluations.queue_url, AttributeNames=["ApproximateNumberOfMessagesDelayed"])
    assert attributes["Attributes"]["ApproximateNumberOfMessagesDelayed"] == "1"
