"""Fixtures for the simulator tests: a started simulator on the demo catalog and an authenticated raw client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from stockguard_dev.simulator import DEMO_CATALOG_PATH, AdsSimulator, load_catalog
from tests.integration.simulator.wire import Api


@pytest.fixture
def sim() -> Iterator[AdsSimulator]:
    with AdsSimulator(load_catalog(DEMO_CATALOG_PATH)) as simulator:
        yield simulator


@pytest.fixture
def api(sim: AdsSimulator) -> Iterator[Api]:
    client = Api(sim)
    yield client
    client.http.close()
