"""The Ads API client against the simulator over real HTTP on 127.0.0.1: no httpx mocking. Sleeps are
recorded (injected `sleep`) instead of slept, and rng() is fixed so backoff values are exact."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from stockguard.ads import AdsApiClient, AdsCredentials, clear_token_cache
from stockguard_dev.simulator import DEMO_CATALOG_PATH, AdsSimulator, load_catalog
from tests.integration.ads.support import CREDS, RNG, Harness


@pytest.fixture(autouse=True)
def _fresh_token_cache():
    clear_token_cache()
    yield
    clear_token_cache()


@pytest.fixture
def sim():
    with AdsSimulator(load_catalog(DEMO_CATALOG_PATH)) as simulator:
        yield simulator


@pytest.fixture
def harness_for() -> Callable[..., Harness]:
    """harness_for(sim, **client_kwargs): a client pointed at `sim` that records its sleeps."""

    def build(simulator: AdsSimulator, credentials: AdsCredentials = CREDS, **kwargs: Any) -> Harness:
        sleeps: list[float] = []
        kwargs.setdefault("api_endpoint", simulator.base_url)
        kwargs.setdefault("token_endpoint", simulator.token_url)
        client = AdsApiClient(credentials, sleep=sleeps.append, rng=lambda: RNG, **kwargs)
        return Harness(simulator, client, sleeps)

    return build


@pytest.fixture
def h(sim, harness_for) -> Harness:
    return harness_for(sim)
