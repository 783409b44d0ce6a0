"""The httpx Ads API client against the simulator over real HTTP on 127.0.0.1 (no httpx mocking)."""

from __future__ import annotations

import json
import logging
import threading

import pytest

from stockguard.ads import (
    AdsApiClient,
    AdsApiError,
    AdsApiRetryableError,
    AdsCredentials,
    TimeBudget,
    clear_token_cache,
)
from stockguard.ads.port import Outcome, Region
from stockguard.domain.ads import AdProduct, EntityState, EntityType
from stockguard.simulator import DEMO_CATALOG_PATH, AdsSimulator, FaultRule, load_catalog

US = "1111111111111111"
SECRET, REFRESH = "demo-client-secret", "Atzr|demo-refresh-token"
CREDS = AdsCredentials(client_id="demo-client-id", client_secret=SECRET, refresh_token=REFRESH)


@pytest.fixture
def sim():
    clear_token_cache()
    with AdsSimulator(load_catalog(DEMO_CATALOG_PATH)) as simulator:
        yield simulator
    clear_token_cache()


def client_for(sim, **kwargs):
    sleeps: list[float] = []
    client = AdsApiClient(
        CREDS, api_endpoint=sim.base_url, token_endpoint=sim.token_url, sleep=sleeps.append, rng=lambda: 0.5, **kwargs
    )
    return client, sleeps


def token_calls(sim) -> int:
    return sum(1 for r in sim.requests if r.path == "/auth/o2/token")


def test_profiles_and_the_token_is_cached(sim):
    client, _ = client_for(sim)
    profiles = {p.profile_id: p for p in client.list_profiles(Region.NA)}
    assert profiles[US].account_id == "A3TH9S8BH6GOGM" and profiles[US].marketplace_id == "ATVPDKIKX0DER"
    assert profiles["3333333333333333"].account_type == "vendor"
    client.list_profiles(Region.NA)
    assert token_calls(sim) == 1
    headers = [r.headers for r in sim.requests if r.path == "/v2/profiles"][0]
    assert headers["amazon-advertising-api-clientid"] == "demo-client-id"


def test_expired_token_is_refreshed_after_a_401(sim):
    client, sleeps = client_for(sim)
    client.list_profiles(Region.NA)
    sim.expire_tokens()
    assert client.list_entities(Region.NA, US, AdProduct.SD)
    assert token_calls(sim) == 2 and sleeps == []
    assert any(r.status == 401 for r in sim.requests)


def test_one_refresh_at_a_time(sim):
    clients = [client_for(sim)[0] for _ in range(8)]
    threads = [threading.Thread(target=c.list_profiles, args=(Region.NA,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert token_calls(sim) == 1


def test_listing_every_product_with_paging(sim):
    client, _ = client_for(sim)
    sim.faults.page_size_sp = 2
    sp = client.list_entities(Region.NA, US, AdProduct.SP)
    assert len(sp) == 5 and all(e.skus and not e.asins for e in sp)
    assert sum(1 for r in sim.requests if r.path == "/sp/productAds/list") == 3
    sb = {e.ref.entity_id: e for e in client.list_entities(Region.NA, US, AdProduct.SB)}
    assert sb["500000000000001"].asins == ("B00001ABCD", "B00002EFGH", "B00003IJKL")
    legacy = sb["400000000000003"]
    assert legacy.ref.entity_type is EntityType.CAMPAIGN and legacy.state is EntityState.ENABLED
    sd = client.list_entities(Region.NA, US, AdProduct.SD)
    assert {e.asins[0] for e in sd} == {"B00001ABCD", "B00002EFGH"} and all(e.state is EntityState.ENABLED for e in sd)
    media = {r.path: r.headers.get("content-type") for r in sim.requests if r.method == "POST" and r.path != "/auth/o2/token"}
    assert media["/sp/productAds/list"] == "application/vnd.spProductAd.v3+json"
    assert media["/sb/v4/ads/list"] == "application/vnd.sbadresource.v4+json"


@pytest.mark.parametrize(
    "product, entity_type, entity_id",
    [
        (AdProduct.SP, EntityType.AD, "200000000000001"),
        (AdProduct.SP, EntityType.CAMPAIGN, "100000000000001"),
        (AdProduct.SB, EntityType.AD, "500000000000002"),
        (AdProduct.SB, EntityType.CAMPAIGN, "400000000000003"),
        (AdProduct.SD, EntityType.AD, "800000000000001"),
        (AdProduct.SD, EntityType.CAMPAIGN, "700000000000001"),
    ],
)
def test_pause_and_resume(sim, product, entity_type, entity_id):
    client, _ = client_for(sim)
    [result] = client.set_states(Region.NA, US, product, entity_type, [(entity_id, EntityState.PAUSED)])
    assert result.outcome is Outcome.APPLIED
    assert sim.state_of(US, product.value, entity_type.value, entity_id).upper() == "PAUSED"
    assert client.get_states(Region.NA, US, product, entity_type, [entity_id]) == {entity_id: EntityState.PAUSED}
    client.set_states(Region.NA, US, product, entity_type, [(entity_id, EntityState.ENABLED)])
    assert sim.state_of(US, product.value, entity_type.value, entity_id).upper() == "ENABLED"


def test_chunking_to_the_per_call_maximum():
    clear_token_cache()
    raw = json.loads(open(DEMO_CATALOG_PATH).read())
    raw["entities"][US]["sb_ads"] = [
        {"adId": f"9{i:05d}", "adGroupId": "1", "campaignId": "400000000000001", "name": f"ad {i}", "state": "ENABLED", "creative": {"type": "VIDEO", "asins": ["B00001ABCD"]}}
        for i in range(25)
    ]
    with AdsSimulator(raw) as sim:
        client, _ = client_for(sim)
        results = client.set_states(Region.NA, US, AdProduct.SB, EntityType.AD, [(f"9{i:05d}", EntityState.PAUSED) for i in range(25)])
        assert [r.outcome for r in results] == [Outcome.APPLIED] * 25
        puts = [r for r in sim.requests if r.method == "PUT"]
        assert [len(r.json["ads"]) for r in puts] == [10, 10, 5]


def test_multi_status_item_errors_and_throttling(sim):
    client, _ = client_for(sim)
    changes = [("200000000000001", EntityState.PAUSED), ("200000000000002", EntityState.PAUSED), ("999", EntityState.PAUSED)]
    sim.faults.add(FaultRule(match="PUT /sp/productAds", kind="item_error", times=1, entity_ids=["200000000000002"]))
    outcomes = {r.entity_id: (r.outcome, r.error_code) for r in client.set_states(Region.NA, US, AdProduct.SP, EntityType.AD, changes)}
    assert outcomes["200000000000001"][0] is Outcome.APPLIED
    assert outcomes["200000000000002"][0] is Outcome.FAILED
    assert outcomes["999"] == (Outcome.FAILED, "ENTITY_NOT_FOUND")
    sim.faults.add(FaultRule(match="PUT /sp/productAds", kind="item_throttle", times=1, entity_ids=["200000000000003"]))
    [throttled] = client.set_states(Region.NA, US, AdProduct.SP, EntityType.AD, [("200000000000003", EntityState.PAUSED)])
    assert throttled.outcome is Outcome.THROTTLED
    assert sim.state_of(US, "SP", "ad", "200000000000003") == "ENABLED", "a throttled item is not applied"


@pytest.mark.parametrize("product, entity_id", [(AdProduct.SP, "200000000000001"), (AdProduct.SB, "500000000000002"), (AdProduct.SD, "800000000000001")])
def test_a_207_without_success_fails_every_entity(sim, product, entity_id):
    client, _ = client_for(sim)
    sim.faults.add(FaultRule(match="PUT *", kind="no_success_207", times=1))
    [result] = client.set_states(Region.NA, US, product, EntityType.AD, [(entity_id, EntityState.PAUSED)])
    assert result.outcome is not Outcome.APPLIED
    assert sim.state_of(US, product.value, "ad", entity_id).upper() == "ENABLED"


def test_429_honours_retry_after_and_backs_off_without_it(sim):
    client, sleeps = client_for(sim)
    sim.faults.add(FaultRule(match="GET /sd/productAds", kind="429", times=1, retry_after=2))
    sim.faults.add(FaultRule(match="GET /sd/productAds", kind="429_no_retry_after", times=2))
    assert client.get_states(Region.NA, US, AdProduct.SD, EntityType.AD, ["800000000000001"])
    # Retry-After 2 s, then full-jitter backoff rng()*min(cap, base*2**attempt) with rng()=0.5, base 0.5
    assert sleeps == [2.0, 0.5, 1.0]


def test_5xx_burst_is_retried(sim):
    client, sleeps = client_for(sim)
    sim.faults.add(FaultRule(match="PUT /sb/v4/ads", kind="5xx", times=2, status=503))
    [result] = client.set_states(Region.NA, US, AdProduct.SB, EntityType.AD, [("500000000000002", EntityState.PAUSED)])
    assert result.outcome is Outcome.APPLIED and len(sleeps) == 2


def test_timeouts_are_retried(sim):
    client, sleeps = client_for(sim, timeout=0.3)
    sim.faults.add(FaultRule(match="POST /sp/productAds/list", kind="slow", times=1, delay_seconds=1.0))
    assert client.get_states(Region.NA, US, AdProduct.SP, EntityType.AD, ["200000000000001"]) == {"200000000000001": EntityState.ENABLED}
    assert len(sleeps) == 1


def test_time_budget_exhaustion_is_a_retryable_error(sim):
    client, sleeps = client_for(sim, budget=TimeBudget.seconds(0.2))
    sim.faults.add(FaultRule(match="*", kind="429", retry_after=5))
    with pytest.raises(AdsApiRetryableError):
        client.get_states(Region.NA, US, AdProduct.SP, EntityType.AD, ["200000000000001"])
    assert sleeps == []
    results = client.set_states(Region.NA, US, AdProduct.SP, EntityType.AD, [("200000000000001", EntityState.PAUSED)])
    assert [r.outcome for r in results] == [Outcome.THROTTLED]


def test_other_4xx_are_not_retried(sim):
    client, sleeps = client_for(sim)
    with pytest.raises(AdsApiError) as raised:
        client.get_states(Region.NA, "424242", AdProduct.SP, EntityType.AD, ["1"])
    assert raised.value.status == 401 and not isinstance(raised.value, AdsApiRetryableError)
    assert sleeps == []


def test_endpoint_overrides_from_the_environment(sim, monkeypatch):
    monkeypatch.setenv("ADS_API_ENDPOINT", sim.base_url)
    monkeypatch.setenv("LWA_TOKEN_ENDPOINT", sim.token_url)
    client = AdsApiClient(CREDS)
    assert client.list_profiles(Region.EU)


def test_no_secret_in_logs_or_errors(sim, caplog):
    caplog.set_level(logging.DEBUG)
    client, _ = client_for(sim)
    client.list_profiles(Region.NA)
    bad = AdsApiClient(
        AdsCredentials(client_id="demo-client-id", client_secret="wrong-secret-value", refresh_token=REFRESH),
        api_endpoint=sim.base_url,
        token_endpoint=sim.token_url + "?other",
        sleep=lambda s: None,
    )
    with pytest.raises(Exception) as raised:
        bad.list_profiles(Region.NA)
    text = caplog.text + str(raised.value) + repr(bad) + repr(CREDS)
    for secret in (SECRET, REFRESH, "wrong-secret-value", "Atza|"):
        assert secret not in text
