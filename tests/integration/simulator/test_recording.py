"""Request recording: what is kept, what is redacted, and that concurrent requests are all kept."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from stockguard_dev.simulator import AdsSimulator
from tests.integration.simulator.wire import CREDENTIALS, JSON, SP_AD, US, Api


def test_resource_calls_are_recorded_with_redacted_authorization(sim: AdsSimulator, api: Api) -> None:
    sim.clear_requests()

    api.put("/sp/productAds", SP_AD, {"productAds": [{"adId": "200000000000001", "state": "PAUSED"}]})
    api.get("/sd/productAds", {"stateFilter": "enabled"})

    put, get = sim.requests
    assert (put.method, put.path, put.status, put.profile_id) == ("PUT", "/sp/productAds", 207, US)
    assert put.json == {"productAds": [{"adId": "200000000000001", "state": "PAUSED"}]}
    assert put.headers["authorization"] == "Bearer <redacted>"
    assert put.headers["content-type"] == SP_AD
    assert put.headers["amazon-advertising-api-scope"] == US
    assert (get.method, get.query, get.json) == ("GET", {"stateFilter": "enabled"}, None)


def test_token_requests_are_recorded_without_secrets(sim: AdsSimulator, api: Api) -> None:
    token_request = sim.requests[0]

    assert token_request.path == "/auth/o2/token"
    assert token_request.form == {
        "grant_type": "refresh_token",
        "client_id": CREDENTIALS["client_id"],
        "client_secret": "<redacted>",
        "refresh_token": "<redacted>",
    }


def test_no_secret_or_token_appears_anywhere_in_the_records(sim: AdsSimulator, api: Api) -> None:
    api.get("/v2/profiles", scope=None)
    api.put("/sd/productAds", JSON, [{"adId": 800000000000001, "state": "paused"}])

    dump = repr(sim.requests) + repr(sim)

    for secret in (api.token, CREDENTIALS["client_secret"], CREDENTIALS["refresh_token"]):
        assert secret not in dump


def test_refused_requests_are_recorded_with_their_status(sim: AdsSimulator, api: Api) -> None:
    sim.clear_requests()

    api.post("/sp/productAds/list", SP_AD, {}, scope="999")

    assert [(r.status, r.profile_id) for r in sim.requests] == [(401, None)]


def test_concurrent_requests_are_all_recorded(sim: AdsSimulator, api: Api) -> None:
    sim.clear_requests()

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _: Api(sim).get("/v2/profiles", scope=None).status_code, range(16)))

    assert statuses == [200] * 16
    assert sum(1 for r in sim.requests if r.path == "/v2/profiles") == 16
    assert sum(1 for r in sim.requests if r.path == "/auth/o2/token") == 16


def test_clear_requests_empties_the_log(sim: AdsSimulator, api: Api) -> None:
    assert sim.requests
    sim.clear_requests()
    assert sim.requests == []
