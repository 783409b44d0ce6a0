"""Bad input through process_batch: every rejected record is a batch item failure with a clear logged
reason and a NotificationsRejected count; no exception escapes; the good record of the same batch still
applies and nothing else changes."""

from __future__ import annotations

import json
import logging

import pytest
from hypothesis import HealthCheck, example, given, settings

from stockguard.pipeline.batch import process_batch
from tests.integration.faults.conftest import fresh_world  # noqa: F401  (fixture)
from tests.integration.fuzz.checks import Alternating, check_batch
from tests.integration.fuzz.strategies import Case, bad_bodies
from tests.support.notifications import fba, sqs_event

FUZZ_SETTINGS = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.large_base_example,
        HealthCheck.data_too_large,
    ],
)
UNKNOWN_MARKETPLACE = Case(
    "unknown marketplace", "either", json.dumps(fba("B0FUZZ0001", "FUZZSKU", 0, minutes=1, nid="mp", marketplace="XX"))
)
TOO_DEEP = Case("nested deeper than the JSON decoder's recursion limit", "reject", "[" * 100_000)


@pytest.fixture
def world(fresh_world):  # noqa: F811
    """One world for every example of a test (hypothesis calls the test many times with one fixture)."""
    return fresh_world()


@pytest.fixture
def good() -> Alternating:
    return Alternating()


@FUZZ_SETTINGS
@given(case=bad_bodies)
@example(case=UNKNOWN_MARKETPLACE)
@example(case=TOO_DEEP)
def test_bad_input_fails_alone_through_process_batch(world, good, caplog, case):
    body, change = good.next_good()
    records = sqs_event(case.body, body)["Records"]
    before = world.services.metrics.counts["NotificationsRejected"]
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        result = process_batch(records, world.services)  # must not raise
    rejected = world.services.metrics.counts["NotificationsRejected"] - before
    check_batch(
        case, records, set(result.failed_message_ids), rejected, good.new_transitions(world.ads.transitions), change, caplog.records
    )
    assert set(result.rejected) <= set(result.failed_message_ids)
