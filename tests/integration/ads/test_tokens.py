"""Login with Amazon: the token cache, early refresh, refresh after a 401, one refresh at a time, refusals."""

from __future__ import annotations

import threading

import pytest

from stockguard.ads import AdsApiAuthError, AdsApiClient, AdsApiError, AdsApiRetryableError, AdsApiTokenUnavailableError, AdsCredentials
from stockguard.ads.port import Region
from stockguard.domain.ads import AdProduct
from stockguard_dev.simulator import DEMO_CATALOG_PATH, AdsSimulator, FaultRule, load_catalog
from tests.integration.ads.support import CLIENT_ID, CREDS, REFRESH, SECRET, US_SELLER


def test_the_token_is_fetched_once_and_reused_by_every_client(sim, harness_for):
    first, second = harness_for(sim), harness_for(sim)
    first.client.list_profiles(Region.NA)
    second.client.list_entities(Region.EU, US_SELLER, AdProduct.SP)  # access tokens are global: no second refresh
    assert first.token_calls() == 1
    [grant] = first.calls("POST", "/auth/o2/token")
    assert grant.form["grant_type"] == "refresh_token" and grant.form["client_id"] == CLIENT_ID
    assert grant.headers["content-type"].startswith("application/x-www-form-urlencoded")


def test_an_expired_token_gives_a_401_then_one_refresh_and_the_call_succeeds(sim, harness_for):
    h = harness_for(sim)
    h.client.list_profiles(Region.NA)
    sim.expire_tokens()
    assert h.client.list_entities(Region.NA, US_SELLER, AdProduct.SD)
    sd = h.calls("GET", "/sd/productAds")
    assert [r.status for r in sd[:2]] == [401, 200]
    assert h.token_calls() == 2 and h.sleeps == []


def test_the_token_is_refreshed_five_minutes_before_it_expires(sim, harness_for):
    now = [1000.0]
    h = harness_for(sim, clock=lambda: now[0])
    h.client.list_profiles(Region.NA)
    now[0] += 3600 - 301
    h.client.list_profiles(Region.NA)
    assert h.token_calls() == 1
    now[0] += 2  # 299 s before expiry
    h.client.list_profiles(Region.NA)
    assert h.token_calls() == 2
    assert all(r.status == 200 for r in sim.requests), "refreshed before expiry, never after a 401"


def test_a_short_lived_token_is_refreshed_halfway(harness_for):
    now = [0.0]
    with AdsSimulator(load_catalog(DEMO_CATALOG_PATH), token_ttl_seconds=60) as sim:
        h = harness_for(sim, clock=lambda: now[0])
        h.client.list_profiles(Region.NA)
        now[0] = 29
        h.client.list_profiles(Region.NA)
        assert h.token_calls() == 1
        now[0] = 31
        h.client.list_profiles(Region.NA)
        assert h.token_calls() == 2


def test_one_refresh_at_a_time_under_threads(sim, harness_for):
    # Given a slow token endpoint and eight clients starting together
    sim.faults.add(FaultRule(match="POST /auth/o2/token", kind="slow", delay_seconds=0.3))
    harnesses = [harness_for(sim) for _ in range(8)]
    errors: list[BaseException] = []

    def run(h):
        try:
            h.client.list_profiles(Region.NA)
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=run, args=(h,)) for h in harnesses]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Then one refresh served all of them
    assert errors == []
    assert harnesses[0].token_calls() == 1
    assert len(harnesses[0].calls("GET", "/v2/profiles")) == 8


def test_each_grant_has_its_own_token():
    clients = {CLIENT_ID: {"client_secret": SECRET, "refresh_tokens": [REFRESH, "Atzr|another-advertiser"]}}
    with AdsSimulator(load_catalog(DEMO_CATALOG_PATH), clients=clients) as sim:
        other = AdsCredentials(client_id=CLIENT_ID, client_secret=SECRET, refresh_token="Atzr|another-advertiser")
        for credentials in (CREDS, other, CREDS):
            AdsApiClient(credentials, api_endpoint=sim.base_url, token_endpoint=sim.token_url).list_profiles(Region.NA)
        assert sum(1 for r in sim.requests if r.path == "/auth/o2/token") == 2


def test_refused_credentials_are_an_auth_error_without_retry(sim, harness_for):
    bad = AdsCredentials(client_id=CLIENT_ID, client_secret=SECRET, refresh_token="Atzr|revoked")
    h = harness_for(sim, credentials=bad)
    with pytest.raises(AdsApiAuthError) as raised:
        h.client.list_profiles(Region.NA)
    assert not isinstance(raised.value, AdsApiRetryableError)
    assert raised.value.status == 400 and raised.value.code == "invalid_grant"
    assert h.token_calls() == 1 and h.sleeps == [] and not h.calls("GET", "/v2/profiles")


def test_a_throttled_token_endpoint_is_retried(sim, harness_for):
    sim.faults.add(FaultRule(match="POST /auth/o2/token", kind="5xx", times=2, status=503))
    h = harness_for(sim)
    assert h.client.list_profiles(Region.NA)
    assert h.token_calls() == 3 and h.sleeps == [0.25, 0.5]


def test_an_unreachable_token_endpoint_is_retryable_and_an_auth_error(sim, harness_for):
    sim.faults.add(FaultRule(match="POST /auth/o2/token", kind="5xx", status=502))
    h = harness_for(sim, max_attempts=3)
    with pytest.raises(AdsApiTokenUnavailableError) as raised:
        h.client.list_profiles(Region.NA)
    assert isinstance(raised.value, AdsApiRetryableError) and isinstance(raised.value, AdsApiAuthError)
    assert h.token_calls() == 3 and len(h.sleeps) == 2


def test_a_second_401_after_the_refresh_is_an_error(sim, harness_for):
    h = harness_for(sim)
    with pytest.raises(AdsApiError) as raised:
        h.client.list_entities(Region.NA, "424242", AdProduct.SP)
    assert raised.value.status == 401 and not isinstance(raised.value, AdsApiRetryableError)
    assert [r.status for r in h.calls("POST", "/sp/productAds/list")] == [401, 401]
    assert h.token_calls() == 2 and h.sleeps == []
