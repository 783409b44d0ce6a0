"""Header enforcement: token, client id, scope, media types, regions, unknown routes."""

from __future__ import annotations

import httpx
import pytest

from stockguard.simulator import AdsSimulator
from tests.integration.simulator.wire import DE, JSON, SB_AD, SP_AD, SP_CAMPAIGN, US, Api, headers


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
        ("/sb/v4/ads/list", "POST", SB_AD),
        ("/sb/v4/campaigns", "PUT", "application/vnd.sbcampaignresource.v4+json"),
        ("/sd/productAds", "PUT", JSON),
    ],
)
def test_wrong_content_type_is_415(api: Api, path: str, method: str, media: str) -> None:
    hdrs = headers(api.token, media=media)
    hdrs["Content-Type"] = "text/plain"

    response = api.http.request(method, path, content=b"{}", headers=hdrs)

    assert response.status_code == 415
    assert response.json()["code"] == "UNSUPPORTED_MEDIA_TYPE"


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
