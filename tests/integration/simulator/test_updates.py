"""State-update PUTs: 207 shapes, state visible in the next list, per-call maximums, item errors."""

from __future__ import annotations

import pytest

from stockguard_dev.simulator import AdsSimulator
from tests.integration.simulator.wire import JSON, SB_AD, SB_CAMPAIGN, SP_AD, SP_CAMPAIGN, US, Api


@pytest.mark.parametrize(
    ("put_path", "list_path", "media", "key", "id_field", "entity_id", "product", "entity_type"),
    [
        ("/sp/productAds", "/sp/productAds/list", SP_AD, "productAds", "adId", "200000000000001", "SP", "ad"),
        ("/sp/campaigns", "/sp/campaigns/list", SP_CAMPAIGN, "campaigns", "campaignId", "100000000000001", "SP", "campaign"),
        ("/sb/v4/ads", "/sb/v4/ads/list", SB_AD, "ads", "adId", "500000000000002", "SB", "ad"),
        ("/sb/v4/campaigns", "/sb/v4/campaigns/list", SB_CAMPAIGN, "campaigns", "campaignId", "400000000000003", "SB", "campaign"),
    ],
)
def test_envelope_put_changes_what_the_next_list_returns(
    sim: AdsSimulator,
    api: Api,
    put_path: str,
    list_path: str,
    media: str,
    key: str,
    id_field: str,
    entity_id: str,
    product: str,
    entity_type: str,
) -> None:
    # When the entity is paused
    response = api.put(put_path, media, {key: [{id_field: entity_id, "state": "PAUSED"}]})

    # Then the 207 lists it as a success by index and id, and the next list shows PAUSED
    assert response.status_code == 207
    assert response.headers["content-type"] == media
    result = response.json()[key]
    assert result["error"] == []
    assert result["success"][0]["index"] == 0
    assert result["success"][0][id_field] == entity_id
    listed = api.post(list_path, media, {f"{id_field}Filter": {"include": [entity_id]}}).json()[key]
    assert [e["state"] for e in listed] == ["PAUSED"]
    assert sim.state_of(US, product, entity_type, entity_id) == "PAUSED"


@pytest.mark.parametrize(
    ("path", "id_field", "entity_id", "entity_type"),
    [
        ("/sd/productAds", "adId", 800000000000001, "ad"),
        ("/sd/campaigns", "campaignId", 700000000000001, "campaign"),
    ],
)
def test_sd_put_answers_a_bare_array_and_changes_state(
    sim: AdsSimulator, api: Api, path: str, id_field: str, entity_id: int, entity_type: str
) -> None:
    response = api.put(path, JSON, [{id_field: entity_id, "state": "paused"}])

    assert response.status_code == 207
    assert response.json() == [{"code": "SUCCESS", id_field: entity_id}]
    assert api.get(path, {f"{id_field}Filter": str(entity_id)}).json()[0]["state"] == "paused"
    assert sim.state_of(US, "SD", entity_type, entity_id) == "paused"


def test_sp_success_items_carry_the_entity_only_when_representation_is_preferred(api: Api) -> None:
    body = {"productAds": [{"adId": "200000000000002", "state": "PAUSED"}]}
    hdrs = {"Prefer": "return=representation"}

    plain = api.put("/sp/productAds", SP_AD, body).json()["productAds"]["success"][0]
    full = api.put("/sp/productAds", SP_AD, body, extra=hdrs)

    assert "productAd" not in plain
    assert full.headers["preference-applied"] == "return=representation"
    assert full.json()["productAds"]["success"][0]["productAd"]["state"] == "PAUSED"


def test_sb_success_items_carry_the_ad_and_name_updates(api: Api) -> None:
    body = {"ads": [{"adId": "500000000000001", "state": "PAUSED", "name": "Renamed"}]}

    success = api.put("/sb/v4/ads", SB_AD, body).json()["ads"]["success"][0]

    assert success["ad"]["state"] == "PAUSED"
    assert success["ad"]["name"] == "Renamed"
    assert success["ad"]["creative"]["asins"] == ["B00001ABCD", "B00002EFGH", "B00003IJKL"]


def test_sp_207_mixes_success_and_each_error_kind(sim: AdsSimulator, api: Api) -> None:
    # Given an enabled ad, an unknown id, an archived ad, a bad state and an item without id
    body = {
        "productAds": [
            {"adId": "200000000000003", "state": "PAUSED"},
            {"adId": "404", "state": "PAUSED"},
            {"adId": "200000000000005", "state": "ENABLED"},
            {"adId": "200000000000002", "state": "ARCHIVED"},
            {"state": "PAUSED"},
        ]
    }

    # When they are sent in one call
    result = api.put("/sp/productAds", SP_AD, body).json()["productAds"]

    # Then only the first applies and each error sits at its index with Amazon's error kind
    assert [s["index"] for s in result["success"]] == [0]
    errors = {e["index"]: e["errors"][0] for e in result["error"]}
    assert errors[1]["errorType"] == "entityNotFoundError"
    assert errors[1]["errorValue"]["entityNotFoundError"]["reason"] == "ENTITY_NOT_FOUND"
    assert errors[2]["errorValue"]["entityStateError"]["reason"] == "ARCHIVED_ENTITY_CANNOT_BE_MODIFIED"
    assert errors[3]["errorType"] == "malformedValueError"
    assert errors[4]["errorType"] == "missingValueError"
    assert sim.state_of(US, "SP", "ad", "200000000000002") == "ENABLED"
    assert sim.state_of(US, "SP", "ad", "200000000000005") == "ARCHIVED"


def test_sd_207_item_errors(api: Api) -> None:
    body = [
        {"adId": 800000000000001, "state": "PAUSED"},  # upper case is not an SD state
        {"adId": 1, "state": "paused"},
        {"adId": 800000000000002, "state": "paused"},
    ]

    result = api.put("/sd/productAds", JSON, body).json()

    assert [(r["code"], r["adId"]) for r in result] == [
        ("INVALID_ARGUMENT", 800000000000001),
        ("NOT_FOUND", 1),
        ("SUCCESS", 800000000000002),
    ]
    assert "description" in result[0]


def test_sd_archived_entities_cannot_be_modified(sim: AdsSimulator, api: Api) -> None:
    sim.set_state(US, "SD", "ad", 800000000000001, "ARCHIVED")

    result = api.put("/sd/productAds", JSON, [{"adId": 800000000000001, "state": "enabled"}]).json()

    assert result[0]["code"] == "INVALID_ARGUMENT"
    assert sim.state_of(US, "SD", "ad", "800000000000001") == "archived"


def test_legacy_sb_ad_without_ad_id_cannot_be_addressed(api: Api) -> None:
    result = api.put("/sb/v4/ads", SB_AD, {"ads": [{"adId": "", "state": "PAUSED"}]}).json()["ads"]

    assert result["success"] == []
    assert result["error"][0]["errors"][0]["errorType"] == "missingValueError"


@pytest.mark.parametrize(
    ("path", "media", "body"),
    [
        ("/sp/productAds", SP_AD, {"productAds": [{"adId": str(i), "state": "PAUSED"} for i in range(1001)]}),
        ("/sp/campaigns", SP_CAMPAIGN, {"campaigns": [{"campaignId": str(i), "state": "PAUSED"} for i in range(1001)]}),
        ("/sb/v4/ads", SB_AD, {"ads": [{"adId": str(i), "state": "PAUSED"} for i in range(11)]}),
        ("/sb/v4/ads", SB_AD, {"ads": []}),
        ("/sb/v4/campaigns", SB_CAMPAIGN, {"campaigns": [{"campaignId": str(i), "state": "PAUSED"} for i in range(11)]}),
        ("/sd/productAds", JSON, [{"adId": i, "state": "paused"} for i in range(101)]),
        ("/sd/campaigns", JSON, [{"campaignId": i, "state": "paused"} for i in range(101)]),
    ],
)
def test_per_call_maximums_are_400(api: Api, path: str, media: str, body: object) -> None:
    assert api.put(path, media, body).status_code == 400


@pytest.mark.parametrize(
    ("path", "media", "count", "key", "id_field"),
    [
        ("/sp/productAds", SP_AD, 1000, "productAds", "adId"),
        ("/sb/v4/ads", SB_AD, 10, "ads", "adId"),
    ],
)
def test_per_call_maximums_are_accepted(api: Api, path: str, media: str, count: int, key: str, id_field: str) -> None:
    body = {key: [{id_field: str(i), "state": "PAUSED"} for i in range(count)]}

    result = api.put(path, media, body).json()[key]

    assert len(result["error"]) == count  # unknown ids, but the call itself is accepted


def test_sd_accepts_one_hundred_items(api: Api) -> None:
    assert len(api.put("/sd/productAds", JSON, [{"adId": i, "state": "paused"} for i in range(100)]).json()) == 100


def test_ids_must_have_the_spec_types(api: Api) -> None:
    sb_numeric = api.put("/sb/v4/campaigns", SB_CAMPAIGN, {"campaigns": [{"campaignId": 400000000000001, "state": "PAUSED"}]})
    sd_string = api.put("/sd/productAds", JSON, [{"adId": "800000000000001", "state": "paused"}])
    sb_bare_array = api.put("/sb/v4/campaigns", SB_CAMPAIGN, [{"campaignId": "400000000000001", "state": "PAUSED"}])

    assert sb_numeric.status_code == 400
    assert sd_string.status_code == 400
    assert sb_bare_array.status_code == 400


def test_operator_change_is_visible_to_the_next_list(sim: AdsSimulator, api: Api) -> None:
    # Given an operator pauses an SB ad in the console
    sim.set_state(US, "SB", "ad", "500000000000002", "paused")

    # Then the API lists it as PAUSED (SB casing)
    ads = api.post("/sb/v4/ads/list", SB_AD, {"adIdFilter": {"include": ["500000000000002"]}}).json()["ads"]
    assert ads[0]["state"] == "PAUSED"


def test_set_state_rejects_unknown_entities_and_states(sim: AdsSimulator) -> None:
    with pytest.raises(KeyError):
        sim.set_state(US, "SP", "ad", "nope", "PAUSED")
    with pytest.raises(ValueError):
        sim.set_state(US, "SP", "ad", "200000000000001", "SLEEPING")
    with pytest.raises(KeyError):
        sim.state_of(US, "SB", "campaign", "nope")
