"""Fixtures: the SP-API simulator on the demo seed with a manual clock (rate limits off unless a test
turns them on), and a client holding the NA seller's access token."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from stockguard_dev.simulator.spapi import DEMO_SEED_PATH, ManualClock, SpApiSimulator
from stockguard_dev.simulator.spapi.clock import parse_iso
from tests.integration.simulator.spapi.wire import SpApi

NOW = "2026-12-01T00:00:00Z"


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(parse_iso(NOW))


@pytest.fixture
def sim(clock: ManualClock) -> Iterator[SpApiSimulator]:
    with SpApiSimulator(DEMO_SEED_PATH, rate_limiting=False, clock=clock) as simulator:
        yield simulator


@pytest.fixture
def api(sim: SpApiSimulator) -> Iterator[SpApi]:
    client = SpApi(sim)
    yield client
    client.close()
