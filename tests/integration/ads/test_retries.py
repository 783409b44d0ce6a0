"""Retries: 429 with and without Retry-After, 5xx, timeouts, connection errors, the time budget, no retry
of other 4xx, and backoff that belongs to one call (never to the client or to another profile)."""

from __future__ import annotations

import socket
import threading
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from stockguard.ads import AdsApiClient, AdsApiError, AdsApiRetryableError, TimeBudget
from stockguard.ads.port import Outcome, Region
from stockguard.domain.ads import AdProduct, EntityState, EntityType
from stockguard_dev.simulator import FaultRule
from tests.integration.ads.scripted_server import ScriptedServer
from tests.integration.ads.support import CREDS, DE_SELLER, US_SELLER

SD_AD = "800000000000001"


def sd_state(h):
    return h.client.get_states(Region.NA, US_SELLER, AdProduct.SD, EntityType.AD, [SD_AD])


def test_429_waits_retry_after_then_backs_off_with_full_jitter_without_it(h):
    h.sim.faults.add(FaultRule(match="GET /sd/productAds", kind="429", times=1, retry_after=2))
    h.sim.faults.add(FaultRule(match="GET /sd/productAds", kind="429_no_retry_after", times=2))
    assert sd_state(h) == {SD_AD: EntityState.ENABLED}
    # Retry-After: 2 s; then rng() * min(cap, base * 2**attempt) = 0.5 * 0.5 * 2, 0.5 * 0.5 * 4
    assert h.sleeps == [2.0, 0.5, 1.0]
    assert [r.status for r in h.calls("GET", "/sd/productAds")] == [429, 429, 429, 200]  # a read by id stops once every id came back


def test_backoff_is_capped(sim, harness_for):
    h = harness_for(sim, backoff_cap=0.6)
    sim.faults.add(FaultRule(match="GET /sd/productAds", kind="429_no_retry_after", times=4))
    sd_state(h)
    assert h.sleeps == [0.25, 0.3, 0.3, 0.3]


def test_a_5xx_burst_is_retried_and_the_pause_applied(h):
    h.sim.faults.add(FaultRule(match="PUT /sb/v4/ads", kind="5xx", times=2, status=503))
    [result] = h.client.set_states(Region.NA, US_SELLER, AdProduct.SB, EntityType.AD, [("500000000000002", EntityState.PAUSED)])
    assert result.outcome is Outcome.APPLIED and h.sleeps == [0.25, 0.5]
    assert [r.status for r in h.calls("PUT", "/sb/v4/ads")] == [503, 503, 207]


def test_a_timeout_is_retried(sim, harness_for):
    # Given a client that waits 0.3 s and a first answer that takes 1 s (the PUT is still applied by Amazon)
    h = harness_for(sim, timeout=0.3)
    sim.faults.add(FaultRule(match="PUT /sp/productAds", kind="slow", times=1, delay_seconds=1.0))
    [result] = h.client.set_states(Region.NA, US_SELLER, AdProduct.SP, EntityType.AD, [("200000000000001", EntityState.PAUSED)])
    # Then the resend of the same state succeeds: state updates are idempotent
    assert result.outcome is Outcome.APPLIED and h.sleeps == [0.25]
    assert sim.state_of(US_SELLER, "SP", "ad", "200000000000001") == "PAUSED"


def test_connection_errors_are_retried_until_attempts_run_out(sim, harness_for):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    h = harness_for(sim, api_endpoint=f"http://127.0.0.1:{closed_port}", max_attempts=3)
    with pytest.raises(AdsApiRetryableError, match="ConnectError after 3 attempts"):
        h.client.list_profiles(Region.NA)
    assert h.sleeps == [0.25, 0.5]


def test_attempts_exhausted_is_a_retryable_error(sim, harness_for):
    h = harness_for(sim, max_attempts=3)
    sim.faults.add(FaultRule(match="GET /sd/productAds", kind="429", retry_after=1))
    with pytest.raises(AdsApiRetryableError) as raised:
        sd_state(h)
    assert raised.value.status == 429 and len(h.calls("GET", "/sd/productAds")) == 3 and h.sleeps == [1.0, 1.0]


def test_a_sleep_past_the_budget_is_not_taken(sim, harness_for):
    # Given 30 s left and Amazon asking to wait 60 s
    h = harness_for(sim, budget=TimeBudget.seconds(30))
    sim.faults.add(FaultRule(match="* /sp/*", kind="429", retry_after=60))
    # Then reads raise at once and writes come back THROTTLED, without sleeping
    with pytest.raises(AdsApiRetryableError, match="time budget"):
        h.client.get_states(Region.NA, US_SELLER, AdProduct.SP, EntityType.AD, ["200000000000001"])
    results = h.client.set_states(Region.NA, US_SELLER, AdProduct.SP, EntityType.AD, [("200000000000001", EntityState.PAUSED)])
    assert [r.outcome for r in results] == [Outcome.THROTTLED]
    assert h.sleeps == [] and len(h.calls("PUT", "/sp/productAds")) == 1


def test_a_spent_budget_sends_nothing_more(sim, harness_for):
    h = harness_for(sim)
    h.client.list_profiles(Region.NA)  # token cached
    h.client.set_budget(TimeBudget.seconds(-1))
    changes = [(f"9{i:05d}", EntityState.PAUSED) for i in range(25)]
    results = h.client.set_states(Region.NA, US_SELLER, AdProduct.SB, EntityType.AD, changes)
    assert {r.outcome for r in results} == {Outcome.THROTTLED} and len(results) == 25
    assert h.calls("PUT", "/sb/v4/ads") == []
    h.client.set_budget(None)
    assert sd_state(h) == {SD_AD: EntityState.ENABLED}


@pytest.mark.parametrize(
    "status, body, code",
    [
        (403, {"code": "ACCESS_DENIED", "message": "no access"}, "ACCESS_DENIED"),
        (422, {"code": "INVALID_ARGUMENT", "details": "bad filter"}, "INVALID_ARGUMENT"),
        (404, {}, ""),
    ],
)
def test_other_4xx_are_not_retried(harness_for, status, body, code):
    with ScriptedServer() as server:
        server.answer(status, body)
        h = harness_for(server, max_attempts=6)
        with pytest.raises(AdsApiError) as raised:
            h.client.get_states(Region.NA, US_SELLER, AdProduct.SD, EntityType.AD, [SD_AD])
        assert (raised.value.status, raised.value.code) == (status, code) and not isinstance(raised.value, AdsApiRetryableError)
        assert str(body.get("message") or body.get("details") or status) in str(raised.value)
        assert len(server.paths) == 1 and h.sleeps == []


def test_retry_after_as_an_http_date_is_honoured(harness_for):
    with ScriptedServer() as server:
        when = format_datetime(datetime.now(UTC) + timedelta(seconds=120), usegmt=True)
        server.answer(429, {"code": "THROTTLED"}, {"Retry-After": when})
        server.answer(429, {"code": "THROTTLED"}, {"Retry-After": "1.5"})
        server.answer(200, [])
        h = harness_for(server)
        assert h.client.get_states(Region.NA, US_SELLER, AdProduct.SD, EntityType.AD, [SD_AD]) == {}
        assert 100 < h.sleeps[0] <= 120 and h.sleeps[1:] == [1.5]


def test_backoff_starts_afresh_for_every_call(h):
    h.sim.faults.add(FaultRule(match="GET /sd/productAds", kind="429_no_retry_after", times=2))
    sd_state(h)
    h.sim.faults.add(FaultRule(match="GET /sd/productAds", kind="429_no_retry_after", times=1))
    sd_state(h)
    assert h.sleeps == [0.25, 0.5, 0.25]


def test_one_profiles_backoff_never_blocks_another_profile(sim, harness_for):
    # Given profile A's call throttled and its backoff sleep held open
    order: list[str] = []
    release = threading.Event()
    waiting = threading.Event()

    def held_sleep(seconds: float) -> None:
        waiting.set()
        release.wait(10)
        order.append("A woke")

    client_a = AdsApiClient(CREDS, api_endpoint=sim.base_url, token_endpoint=sim.token_url, sleep=held_sleep, rng=lambda: 0.5)
    b = harness_for(sim)
    sim.faults.add(FaultRule(match="POST /sp/productAds/list", kind="429_no_retry_after", times=1))
    thread = threading.Thread(target=lambda: client_a.list_entities(Region.NA, US_SELLER, AdProduct.SP))
    thread.start()
    assert waiting.wait(10)
    # When profile B calls meanwhile (same client class, same token cache)
    assert b.client.list_entities(Region.NA, DE_SELLER, AdProduct.SP)
    order.append("B done")
    release.set()
    thread.join()
    # Then B finished while A was still backing off
    assert order == ["B done", "A woke"]
