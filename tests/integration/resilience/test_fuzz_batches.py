"""Bad input through the pipeline: every rejected record is a batch item failure with a logged reason,
no exception escapes, and the good record in the same batch still applies."""

from __future__ import annotations

import json
import logging

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stockguard.domain.ads import EntityState
from stockguard.notifications import NotificationError, parse_notification
from stockguard.pipeline.batch import process_batch
from tests.integration.pipeline.conftest import ASIN
from tests.support.notifications import fba, sqs_event

GOOD = fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="good")

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=12,
)


def mutate(path: list[str], value) -> dict:
    body = json.loads(json.dumps(fba(ASIN, "SELLERSKU-1", 5, minutes=1, nid="fuzz")))
    target = body
    for key in path[:-1]:
        target = target[key] if not isinstance(target, list) else target[0]
    if isinstance(target, list):
        target = target[0]
    target[path[-1]] = value
    return body


PATHS = [
    ["NotificationType"], ["EventTime"], ["Payload", "SellerId"], ["Payload", "ASIN"], ["Payload", "SKU"],
    ["Payload", "FulfillmentInventoryByMarketplace"], ["Payload", "FulfillmentInventoryByMarketplace", "MarketplaceId"],
    ["Payload", "FulfillmentInventoryByMarketplace", "FulfillmentInventory", "Fulfillable"],
    ["NotificationMetadata", "NotificationId"],
]

bodies = st.one_of(
    st.text(max_size=200),  # not JSON, unicode
    json_values.map(json.dumps),  # JSON, not a notification
    st.tuples(st.sampled_from(PATHS), json_values | st.integers(-(10**12), 10**12)).map(lambda pv: json.dumps(mutate(*pv))),
    st.just(json.dumps({**GOOD, "Padding": "x" * 256_000})),  # a 256 KB body
    st.just(json.dumps({k.lower(): v for k, v in GOOD.items()})),  # wrong casing
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(body=bodies)
def test_bad_input_fails_alone(world, caplog, body):
    caplog.clear()
    records = sqs_event(body, GOOD)["Records"]
    try:
        parse_notification(body)
        valid = True
    except NotificationError:
        valid = False
    result = process_batch(records, world.services)  # never raises
    failed = set(result.failed_message_ids)
    assert records[1]["messageId"] not in failed, "the good record is not affected"
    assert world.state("sp-1") is EntityState.PAUSED
    if not valid:
        assert failed == {records[0]["messageId"]}
        assert any(r.message == "rejected notification" and getattr(r, "reason", "") for r in caplog.records)
