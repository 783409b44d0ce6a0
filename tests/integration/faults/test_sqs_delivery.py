"""SQS delivery through a simulated event source mapping over moto queues (with the template's redrive):
- at-least-once in any order: every message sent one to three times, shuffled, in batches of random
  size, ends in the same ad states and the same ledger as a single in-order delivery;
- poison messages are rejected on every receive (logged, counted in NotificationsRejected, the metric
  NotificationsRejectedAlarm watches) and reach the DLQ after maxReceiveCount; the good message of the
  same batch is applied once.
"""

from __future__ import annotations

import json
import logging
import random
from collections import Counter
from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stockguard.pipeline.batch import process_batch
from stockguard.policy import StockGuardConfig
from stockguard_dev.local.event_source import EventSourceMapping, queue_depth
from tests.integration.faults.conftest import PAUSE
from tests.integration.pipeline.conftest import ASIN, OTHER_ASIN
from tests.support.fault_world import ledger_status
from tests.support.notifications import any_offer_changed, fba, item_inventory
from tests.support.stack import TEMPLATE

SKUS = {ASIN: "SELLERSKU-1", OTHER_ASIN: "SELLERSKU-2"}
NO_DWELL = StockGuardConfig(dwell_minutes=0)  # the dwell time makes wall-clock timing matter; order must not


def mapping(aws_stack, services, *, batch_size: int = 10, queue: str = "InventoryNotificationsQueue") -> EventSourceMapping:
    return EventSourceMapping(
        sqs=aws_stack.client("sqs"),
        queue_url=aws_stack.queues[queue],
        queue_arn=aws_stack.queue_arns[queue],
        invoke=lambda event: process_batch(event["Records"], services).response(),
        batch_size=batch_size,
    )


def history(steps: list[tuple[int, int, int]]) -> list[str]:
    """(asin, kind, value) -> notification bodies at increasing event times."""
    bodies = []
    for minute, (asin_index, kind, value) in enumerate(steps):
        asin = (ASIN, OTHER_ASIN)[asin_index]
        if kind == 0:
            body = fba(asin, SKUS[asin], (0, 50)[value], minutes=minute * 5, nid=f"n{minute}")
        else:
            body = any_offer_changed(asin, we_win=bool(value), minutes=minute * 5, nid=f"n{minute}")
        bodies.append(json.dumps(body))
    return bodies


def outcome(world) -> tuple[dict, dict]:
    states = {e.ref.entity_id: e.state.value for e in world.ads.entities.values()}
    held = {k: v for k, v in ledger_status(world.tables).items() if v != "RELEASED"}
    return states, held


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(
    steps=st.lists(st.tuples(st.integers(0, 1), st.integers(0, 1), st.integers(0, 1)), min_size=2, max_size=10),
    seed=st.integers(0, 2**32 - 1),
)
def test_redelivered_in_random_order_equals_one_in_order_delivery(aws_stack, fresh_world, steps, seed):
    bodies = history(steps)
    # Given the notifications delivered once, in order, one batch each
    in_order = fresh_world(NO_DWELL)
    for body in bodies:
        mapping(aws_stack, in_order.services, batch_size=1).send([body])
        mapping(aws_stack, in_order.services, batch_size=1).drain()
    expected = outcome(in_order)

    # When every message is sent one to three times, shuffled, and polled in batches of random size
    rng = random.Random(seed)
    copies = [b for b in bodies for _ in range(rng.randint(1, 3))]
    rng.shuffle(copies)
    shuffled = fresh_world(NO_DWELL)
    esm = mapping(aws_stack, shuffled.services, batch_size=rng.randint(1, 10))
    esm.send(copies)
    stats = esm.drain()

    # Then the ad states and the ledger are the same, every copy was deleted and none dead-lettered
    assert outcome(shuffled) == expected
    assert stats.deleted == len(copies)
    assert queue_depth(aws_stack.client("sqs"), aws_stack.queues["InventoryNotificationsDLQ"]) == 0
    # and no entity changed state twice in a row in the same direction (no duplicate change)
    for changes in shuffled.ads.transitions.values():
        assert all(a != b for a, b in pairwise(changes))


POISON = [
    "{not json",
    json.dumps({"NotificationType": "ORDER_CHANGE", "Payload": {}}),  # a type StockGuard does not consume
    json.dumps(item_inventory(ASIN, -5, minutes=0, nid="negative")),  # a negative quantity
    json.dumps({k: v for k, v in fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="x").items() if k != "Payload"}),
]


def test_poison_messages_reach_the_dlq_after_max_receive_count(aws_stack, fresh_world, caplog):
    caplog.set_level(logging.INFO)
    max_receive = int(aws_stack.parameters["MaxReceiveCount"])
    world = fresh_world()
    good = json.dumps(fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="good"))
    esm = mapping(aws_stack, world.services)
    # Given poison messages in the same batches as a good stock-out
    esm.send([POISON[0], POISON[1], good, POISON[2], POISON[3]])
    # When the event source mapping delivers until nothing is visible
    esm.drain()
    # Then every poison message is in the DLQ, each after exactly maxReceiveCount receives
    sqs = aws_stack.client("sqs")
    dlq = sqs.receive_message(
        QueueUrl=aws_stack.queues["InventoryNotificationsDLQ"], MaxNumberOfMessages=10, AttributeNames=["All"], VisibilityTimeout=0
    )["Messages"]
    assert sorted(m["Body"] for m in dlq) == sorted(POISON)
    assert queue_depth(sqs, aws_stack.queues["InventoryNotificationsQueue"]) == 0
    # and each rejection was counted (the metric the alarm watches) and logged with its reason
    assert world.services.metrics.counts["NotificationsRejected"] == len(POISON) * max_receive
    rejected = [r for r in caplog.records if r.getMessage() == "rejected notification"]
    assert all(getattr(r, "reason", "") for r in rejected)
    per_message = Counter(r.message_id for r in rejected)
    assert sorted(per_message.values()) == [max_receive] * len(POISON), "each delivered exactly maxReceiveCount times"
    assert set(per_message) == {m["MessageId"] for m in dlq}
    reasons = {r.reason for r in rejected}
    assert any("not valid JSON" in r for r in reasons) and any("ORDER_CHANGE" in r for r in reasons)
    assert any("greater than or equal to 0" in r for r in reasons), reasons
    # and the good message was applied exactly once, in the first delivery
    assert dict(world.ads.transitions) == {i: [PAUSE] for i in ("sp-1", "sb-video", "c-legacy", "sd-1")}


def test_the_rejection_metric_is_what_an_alarm_watches():
    from stockguard_dev.local.template import load_template

    resources = load_template(TEMPLATE)["Resources"]
    watched = {r["Properties"].get("MetricName") for r in resources.values() if r["Type"] == "AWS::CloudWatch::Alarm"}
    assert "NotificationsRejected" in watched
