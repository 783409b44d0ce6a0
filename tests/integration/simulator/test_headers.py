"""Header enforcement: token, client id, scope, media types, regions, unknown routes."""

from __future__ import annotations

import httpx
import pytest

from stockguard_dev.simulator import AdsSimulator
from tests.integration.simulator.wire import DE, JSON, SB_AD, SB_CAMPAIGN, SP_AD, SP_CAMPAIGN, US, Api, headers


def _sp_list(api: Api, hdrs: dict[str, str]) -> httpx.Response:
    return api.http.post("/sp/productAds/list", json={}, headers=hdrs)


def test_missing_authorization_is_401(api: Api) -> None:
    hdrs = headers(api.token, media=SP_AD)
    del hdrs["Authorization"]

    response = _sp_list(api, hdrs)

    assert response.status_code == 401
    assert response.json()["code"] == "UNAUTHORIZED"


def test_unknown_token_is_401(api: Api) -> None:
    assert _sp_list(api, headers("Atza|made-up", media=SP_AD)).status_code == 401


def test_missing_client_id_is_400_and_foreign_client_id_is_401(api: Api) -> None:
    hdrs = headers(api.token, media=SP_AD)
    del hdrs["Amazon-Advertising-API-ClientId"]

    assert _sp_list(api, hdrs).status_code == 400
    assert _sp_list(api, headers(api.token, media=SP_AD, client_id="another-client")).status_code == 401


def test_missing_scope_is_refused_with_amazons_message(api: Api) -> None:
    response = _sp_list(api, headers(api.token, scope=None, media=SP_AD))

    assert response.status_code == 401
    assert response.json()["details"] == "Scope header is missing"


def test_unknown_scope_is_refused_with_amazons_message(api: Api) -> None:
    response = _sp_list(api, headers(api.token, scope="999", media=SP_AD))

    assert response.status_code == 401
    assert response.json()["details"] == "No matching advertiser found for scope"


@pytest.mark.parametrize(
    ("path", "method", "media"),
    [
        ("/sp/productAds/list", "POST", SP_AD),
        ("/sp/productAds", "PUT", SP_AD),
        ("/sp/campaigns/list", "POST", SP_CAMPAIGN),
        ("/sd/productAds", "PUT", JSON),
    ],
)
def test_wrong_content_type_is_415(api: Api, path: str, method: str, media: str) -> None:
    hdrs = headers(api.token, media=media)
    hdrs["Content-Type"] = "text/plain"

    response = api.http.request(method, path, content=b"{}", headers=hdrs)

    assert response.status_code == 415
    assert response.json()["code"] == "UNSUPPORTED_MEDIA_TYPE"


@pytest.mark.parametrize("content_type", [JSON, "application/json; charset=utf-8", "text/plain", "application/x-www-form-urlencoded", None])
def test_sb_v4_routes_on_accept_and_takes_any_content_type_with_a_json_body(api: Api, content_type: str | None) -> None:
    # ads-api.md §3: the SB v4 spec declares no 415, DOCS' examples send text/plain or curl's form default,
    # python-amazon-ad-api sends application/json; the versioned Accept selects v4.
    def send(method: str, path: str, media: str, body: bytes) -> httpx.Response:
        hdrs = headers(api.token, media=media)
        del hdrs["Content-Type"]
        if content_type is not None:
            hdrs["Content-Type"] = content_type
        return api.http.request(method, path, content=body, headers=hdrs)

    listed = send("POST", "/sb/v4/ads/list", SB_AD, b'{"maxResults": 10}')
    paused = send("PUT", "/sb/v4/ads", SB_AD, b'{"ads": [{"adId": "500000000000001", "state": "PAUSED"}]}')
    campaigns = send("POST", "/sb/v4/campaigns/list", SB_CAMPAIGN, b"{}")

    assert listed.status_code == 200 and len(listed.json()["ads"]) == 3
    assert paused.status_code == 207 and paused.json()["ads"]["success"][0]["adId"] == "500000000000001"
    assert api.sim.state_of(US, "SB", "ad", "500000000000001") == "PAUSED"
    assert campaigns.status_code == 200


def test_sb_v4_body_that_is_not_json_is_400_whatever_its_content_type(api: Api) -> None:
    hdrs = {**headers(api.token, media=SB_AD), "Content-Type": "text/plain"}

    response = api.http.post("/sb/v4/ads/list", content=b"maxResults=10", headers=hdrs)

    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_ARGUMENT"


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/sb/v4/ads/list", "application/vnd.sbadresource.v3+json"),
        ("/sb/v4/ads/list", SP_AD),
        ("/sb/v4/ads/list", JSON),
        ("/sb/v4/campaigns/list", SB_AD),
    ],
)
def test_sb_v4_wrong_vendor_accept_is_415_even_with_a_json_content_type(api: Api, path: str, accept: str) -> None:
    hdrs = {**headers(api.token, media=JSON), "Accept": accept}

    response = api.http.post(path, json={}, headers=hdrs)

    assert response.status_code == 415
    assert response.json()["code"] == "UNSUPPORTED_MEDIA_TYPE"


@pytest.mark.parametrize("content_type", [JSON, None])
def test_sp_v3_without_its_media_type_is_415(api: Api, content_type: str | None) -> None:
    # Unlike SB v4, the SP v3 spec declares 415: a JSON body needs the vendor Content-Type (ads-api.md §3).
    hdrs = headers(api.token, media=SP_AD)
    del hdrs["Content-Type"]
    if content_type is not None:
        hdrs["Content-Type"] = content_type

    listed = api.http.post("/sp/productAds/list", content=b"{}", headers=hdrs)
    updated = api.http.put("/sp/productAds", content=b'{"productAds": [{"adId": "200000000000001", "state": "PAUSED"}]}', headers=hdrs)

    assert (listed.status_code, updated.status_code) == (415, 415)
    assert api.sim.state_of(US, "SP", "ad", "200000000000001") == "ENABLED"


def test_wrong_accept_is_415(api: Api) -> None:
    hdrs = headers(api.token, media=SP_AD)
    hdrs["Accept"] = JSON

    assert _sp_list(api, hdrs).status_code == 415


def test_another_endpoints_media_type_is_415(api: Api) -> None:
    assert _sp_list(api, headers(api.token, media=SP_CAMPAIGN)).status_code == 415


def test_media_types_compare_case_insensitively(api: Api) -> None:
    response = _sp_list(api, headers(api.token, media="application/vnd.spproductad.v3+json"))

    assert response.status_code == 200
    assert response.headers["content-type"] == SP_AD


def test_profiles_need_no_scope_and_return_catalog_items(api: Api) -> None:
    response = api.get("/v2/profiles", scope=None)

    assert response.status_code == 200
    assert [str(p["profileId"]) for p in response.json()] == [US, DE, "3333333333333333"]


def test_profile_type_filter(api: Api) -> None:
    response = api.get("/v2/profiles", params={"profileTypeFilter": "vendor"}, scope=None)

    assert [p["accountInfo"]["type"] for p in response.json()] == ["vendor"]


def test_region_prefix_behaves_like_the_regional_host(sim: AdsSimulator, api: Api) -> None:
    # Given the EU "host"
    eu = sim.endpoint_for("EU")

    # When profiles are listed there, and a US profile is used there
    profiles = httpx.get(f"{eu}/v2/profiles", headers=headers(api.token, scope=None)).json()
    refused = httpx.post(f"{eu}/sp/productAds/list", json={}, headers=headers(api.token, scope=US, media=SP_AD))
    served = httpx.post(f"{eu}/sp/productAds/list", json={}, headers=headers(api.token, scope=DE, media=SP_AD))

    # Then only EU profiles exist there and the US scope is refused
    assert [str(p["profileId"]) for p in profiles] == [DE]
    assert refused.status_code == 401
    assert served.status_code == 200
    assert sim.requests[-1].region == "EU"
    assert sim.requests[-1].path == "/sp/productAds/list"


def test_unknown_path_is_404_and_wrong_method_is_405(api: Api) -> None:
    assert api.get("/sp/nothing").status_code == 404
    assert api.get("/sp/productAds/list").status_code == 405


def test_malformed_json_is_400(api: Api) -> None:
    response = api.http.post("/sp/productAds/list", content=b"{not json", headers=headers(api.token, media=SP_AD))

    assert response.status_code == 400
    assert response.json()["code"] == "INVALID_ARGUMENT"
