"""Fault injection: every kind, `times`, `probability` with a seed, matching, runtime changes, JSON."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from stockguard_dev.simulator import DEMO_CATALOG_PATH, AdsSimulator, FaultConfig, FaultRule, load_catalog, load_faults
from tests.integration.simulator.wire import JSON, SB_AD, SP_AD, US, Api, get_token, headers

SP_PAUSE = {"productAds": [{"adId": "200000000000001", "state": "PAUSED"}, {"adId": "200000000000002", "state": "PAUSED"}]}


def test_429_has_throttled_body_and_retry_after(sim: AdsSimulator, api: Api) -> None:
    sim.faults.add(match="POST /sp/productAds/list", kind="429", retry_after=7)

    response = api.post("/sp/productAds/list", SP_AD, {})

    assert response.status_code == 429
    assert response.headers["retry-after"] == "7"
    assert response.json()["code"] == "THROTTLED"
    assert "message" in response.json()


def test_429_on_sd_uses_the_sd_error_shape(sim: AdsSimulator, api: Api) -> None:
    sim.faults.add(match="GET /sd/*", kind="429")

    response = api.get("/sd/productAds")

    assert response.status_code == 429
    assert set(response.json()) == {"code", "details"}


def test_429_without_retry_after_looks_like_the_reported_one(sim: AdsSimulator, api: Api) -> None:
    sim.faults.add(match="*", kind="429_no_retry_after")

    response = api.post("/sb/v4/ads/list", SB_AD, {})

    assert response.status_code == 429
    assert "retry-after" not in response.headers
    assert response.headers["amazon-advertising-api-throttled"] == "true"
    assert response.json() == {"message": "Too Many Requests"}


def test_5xx_uses_the_configured_status(sim: AdsSimulator, api: Api) -> None:
    sim.faults.add(match="PUT /sp/productAds", kind="5xx", status=502)

    response = api.put("/sp/productAds", SP_AD, SP_PAUSE)

    assert response.status_code == 502
    assert response.json()["code"] == "INTERNAL_ERROR"
    assert sim.state_of(US, "SP", "ad", "200000000000001") == "ENABLED"


def test_times_limits_how_many_requests_are_affected(sim: AdsSimulator, api: Api) -> None:
    sim.faults.add(match="POST /sp/productAds/list", kind="429", times=2)

    statuses = [api.post("/sp/productAds/list", SP_AD, {}).status_code for _ in range(3)]

    assert statuses == [429, 429, 200]


def test_non_matching_requests_are_untouched(sim: AdsSimulator, api: Api) -> None:
    sim.faults.add(match="PUT /sb/*", kind="5xx")

    assert api.post("/sp/productAds/list", SP_AD, {}).status_code == 200
    assert api.get("/sd/productAds").status_code == 200


def test_slow_delays_the_answer_past_a_client_timeout(sim: AdsSimulator, api: Api) -> None:
    # Given answers to SD lists are delayed well past the client's timeout
    sim.faults.add(match="GET /sd/productAds", kind="slow", delay_seconds=5, times=1)

    # When the client waits less than that
    with pytest.raises(httpx.ReadTimeout):
        api.http.get("/sd/productAds", headers=headers(api.token), timeout=0.3)

    # Then the next request (fault used up) is answered normally
    assert api.get("/sd/productAds").status_code == 200


def test_slow_still_answers_a_patient_client(sim: AdsSimulator, api: Api) -> None:
    sim.faults.add(match="*", kind="slow", delay_seconds=0.05)

    response = api.post("/sp/productAds/list", SP_AD, {})

    assert response.status_code == 200
    assert sim.requests[-1].fault == "slow"


def test_item_throttle_fails_only_the_named_items(sim: AdsSimulator, api: Api) -> None:
    sim.faults.add(match="PUT /sp/productAds", kind="item_throttle", entity_ids=["200000000000002"])

    result = api.put("/sp/productAds", SP_AD, SP_PAUSE).json()["productAds"]

    assert [s["adId"] for s in result["success"]] == ["200000000000001"]
    error = result["error"][0]
    assert error["index"] == 1
    assert error["errors"][0]["errorType"] == "throttledError"
    assert error["errors"][0]["errorValue"]["throttledError"]["reason"] == "THROTTLED"
    assert sim.state_of(US, "SP", "ad", "200000000000002") == "ENABLED"


def test_item_error_on_sb_is_an_entity_state_error(sim: AdsSimulator, api: Api) -> None:
    sim.faults.add(match="PUT /sb/v4/ads", kind="item_error")

    result = api.put("/sb/v4/ads", SB_AD, {"ads": [{"adId": "500000000000001", "state": "PAUSED"}]}).json()["ads"]

    assert result["success"] == []
    assert result["error"][0]["errors"][0]["errorType"] == "entityStateError"
    assert sim.state_of(US, "SB", "ad", "500000000000001") == "ENABLED"


def test_item_faults_on_sd_use_codes(sim: AdsSimulator, api: Api) -> None:
    sim.faults.add(match="PUT /sd/productAds", kind="item_throttle", entity_ids=["800000000000001"], times=1)
    sim.faults.add(match="PUT /sd/productAds", kind="item_error", times=1)
    body = [{"adId": 800000000000001, "state": "paused"}, {"adId": 800000000000002, "state": "paused"}]

    throttled = api.put("/sd/productAds", JSON, body).json()
    refused = api.put("/sd/productAds", JSON, body[1:]).json()

    assert [r["code"] for r in throttled] == ["THROTTLED", "SUCCESS"]
    assert [r["code"] for r in refused] == ["INVALID_ARGUMENT"]
    assert sim.state_of(US, "SD", "ad", 800000000000001) == "enabled"


@pytest.mark.parametrize(
    ("path", "media", "body", "reader"),
    [
        ("/sp/productAds", SP_AD, SP_PAUSE, lambda b: (b["productAds"]["success"], b["productAds"]["error"])),
        ("/sd/productAds", JSON, [{"adId": 800000000000001, "state": "paused"}], lambda b: ([r for r in b if r["code"] == "SUCCESS"], b)),
    ],
)
def test_no_success_207_fails_every_item(sim: AdsSimulator, api: Api, path: str, media: str, body: object, reader) -> None:
    sim.faults.add(match=f"PUT {path}", kind="no_success_207", entity_ids=["ignored"])

    response = api.put(path, media, body)

    successes, errors = reader(response.json())
    assert response.status_code == 207
    assert successes == []
    assert len(errors) == (2 if path.startswith("/sp") else 1)


def test_item_faults_do_not_fire_or_count_on_lists(sim: AdsSimulator, api: Api) -> None:
    sim.faults.add(match="*", kind="item_throttle", times=1)

    assert api.post("/sp/productAds/list", SP_AD, {}).status_code == 200
    result = api.put("/sp/productAds", SP_AD, SP_PAUSE).json()["productAds"]

    assert len(result["error"]) == 2


def test_faults_apply_to_the_token_endpoint(sim: AdsSimulator) -> None:
    sim.faults.add(match="POST /auth/o2/token", kind="5xx", status=500, times=1)

    assert get_token(sim.base_url).status_code == 500
    assert get_token(sim.base_url).status_code == 200


def test_probability_is_deterministic_for_a_seed() -> None:
    def pattern() -> list[int]:
        faults = FaultConfig(seed=42, rules=[FaultRule(match="POST /sp/productAds/list", kind="429", probability=0.5)])
        with AdsSimulator(load_catalog(DEMO_CATALOG_PATH), faults=faults) as sim:
            api = Api(sim)
            statuses = [api.post("/sp/productAds/list", SP_AD, {}).status_code for _ in range(12)]
            api.http.close()
            return statuses

    first, second = pattern(), pattern()

    assert first == second
    assert set(first) == {200, 429}


def test_faults_can_be_cleared_and_replaced_at_runtime(sim: AdsSimulator, api: Api) -> None:
    sim.faults.add(match="*", kind="5xx")
    assert api.get("/sd/productAds").status_code == 503

    sim.faults.clear()
    assert api.get("/sd/productAds").status_code == 200

    sim.faults = FaultConfig(rules=[FaultRule(match="/sd/*", kind="429")])
    assert api.get("/sd/productAds").status_code == 429


def test_fault_config_loads_from_json(tmp_path: Path) -> None:
    path = tmp_path / "faults.json"
    path.write_text(json.dumps({"seed": 1, "page_size_sp": 2, "rules": [{"match": "PUT /sp/*", "kind": "item_throttle", "times": 3}]}))

    faults = load_faults(path)

    assert faults.page_size_sp == 2
    assert faults.rules[0].kind == "item_throttle"
    assert faults.rules[0].times == 3


def test_fault_rule_rejects_unknown_kinds() -> None:
    with pytest.raises(ValueError):
        FaultRule(kind="explode")
