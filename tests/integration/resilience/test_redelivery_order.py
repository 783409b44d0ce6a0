"""At-least-once, any order: every message delivered one to three times in random order and random
batches ends in the same ad states as a single in-order delivery."""

from __future__ import annotations

import random
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stockguard.pipeline.batch import process_batch
from stockguard.policy import StockGuardConfig
from tests.integration.pipeline.conftest import ASIN, OTHER_ASIN, build_world
from tests.support.notifications import any_offer_changed, fba, sqs_event
from tests.support.stack import local_stack

SKUS = {ASIN: "SELLERSKU-1", OTHER_ASIN: "SELLERSKU-2"}
CONFIG = StockGuardConfig(dwell_minutes=0)  # the dwell time makes timing matter; order must not


def history(draw_values: list[tuple[int, int, int]]) -> list[dict]:
    """(asin index, kind, value) -> notifications at increasing event times."""
    out = []
    for minute, (asin_index, kind, value) in enumerate(draw_values):
        asin = (ASIN, OTHER_ASIN)[asin_index]
        if kind == 0:
            out.append(fba(asin, SKUS[asin], (0, 50)[value], minutes=minute * 5, nid=f"n{minute}"))
        else:
            out.append(any_offer_changed(asin, we_win=bool(value), minutes=minute * 5, nid=f"n{minute}"))
    return out


def final_states(world) -> dict[str, str]:
    return {e.ref.entity_id: e.state.value for e in world.ads.entities.values()}


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    values=st.lists(st.tuples(st.integers(0, 1), st.integers(0, 1), st.integers(0, 1)), min_size=2, max_size=8),
    seed=st.integers(0, 10_000),
)
def test_redelivered_shuffled_equals_in_order(aws_stack, values, seed):
    notifications = history(values)
    run_id = uuid.uuid4().hex[:8]
    in_order = build_world(local_stack(stack_name=f"a{run_id}"), CONFIG)
    for n in notifications:
        process_batch(sqs_event(n)["Records"], in_order.services)
    expected = final_states(in_order)

    rng = random.Random(seed)
    deliveries = [n for n in notifications for _ in range(rng.randint(1, 3))]
    rng.shuffle(deliveries)
    shuffled = build_world(local_stack(stack_name=f"b{run_id}"), CONFIG)
    pending = deliveries
    while pending:
        size = rng.randint(1, 10)
        batch, pending = pending[:size], pending[size:]
        records = sqs_event(*batch)["Records"]
        result = process_batch(records, shuffled.services)
        failed = set(result.failed_message_ids)
        pending += [b for b, r in zip(batch, records) if r["messageId"] in failed]
    assert final_states(shuffled) == expected
