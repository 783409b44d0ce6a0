"""Bad input through the real handler modules (functions/*/app.py, loaded from template.yaml as SAM does,
powertools decorators included): the handler never raises, answers a partial batch response naming
exactly the rejected record, and its EMF output counts the rejection in NotificationsRejected."""

from __future__ import annotations

import json
import logging

import pytest
from hypothesis import HealthCheck, given, settings

from stockguard.observability import PowertoolsMetrics
from stockguard_dev.local.invoke import LambdaInvoker
from tests.integration.faults.conftest import fresh_world  # noqa: F401  (fixture)
from tests.integration.fuzz.checks import Alternating, check_batch
from tests.integration.fuzz.strategies import bad_bodies
from tests.support.notifications import sqs_event
from tests.support.stack import TEMPLATE

FUNCTIONS = ["InventoryEventsFunction", "OfferEventsFunction"]


def emf_counts(stdout: str, name: str) -> float:
    """The sum of one metric over the EMF documents a handler printed."""
    total = 0.0
    for line in stdout.splitlines():
        if not line.startswith("{") or '"_aws"' not in line:
            continue
        document = json.loads(line)
        value = document.get(name)
        if value is not None:
            total += sum(value) if isinstance(value, list) else value
    return total


@pytest.fixture
def handler_world(aws_stack, fresh_world, request):  # noqa: F811
    world = fresh_world()
    world.services.metrics = PowertoolsMetrics()  # EMF, as deployed
    invoker = LambdaInvoker(TEMPLATE, aws_stack)
    invoker.module(request.param).services.override(world.services)
    yield world, invoker, request.param, Alternating()
    invoker.cold_start()


@pytest.mark.parametrize("handler_world", FUNCTIONS, indirect=True)
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.large_base_example,
        HealthCheck.data_too_large,
    ],
)
@given(case=bad_bodies)
def test_bad_input_through_the_handler(handler_world, caplog, capsys, case):
    world, invoker, function, good = handler_world
    body, change = good.next_good()
    event = sqs_event(
        case.body, body, queue="OfferNotificationsQueue" if function == "OfferEventsFunction" else "InventoryNotificationsQueue"
    )
    capsys.readouterr()
    caplog.clear()
    with caplog.at_level(logging.DEBUG):
        response = invoker.invoke(function, event)  # must not raise
    emitted = capsys.readouterr().out
    failed = {f["itemIdentifier"] for f in response["batchItemFailures"]}
    assert set(response) == {"batchItemFailures"}
    check_batch(
        case,
        event["Records"],
        failed,
        emf_counts(emitted, "NotificationsRejected"),
        good.new_transitions(world.ads.transitions),
        change,
        caplog.records,
    )
    assert emf_counts(emitted, "NotificationsReceived") == 2
