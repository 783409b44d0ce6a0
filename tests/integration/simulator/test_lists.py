"""List endpoints: paging for each ad product, filters, per-call maximums on filters and page sizes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from stockguard_dev.simulator import DEMO_CATALOG_PATH, AdsSimulator, load_catalog
from tests.integration.simulator.wire import JSON, SB_AD, SB_CAMPAIGN, SP_AD, SP_CAMPAIGN, VENDOR, Api, headers


@pytest.fixture
def small_pages() -> Iterator[Api]:
    """Server page size 2 (SP, SD) and 1 (SB) so the demo catalog needs several pages."""
    with AdsSimulator(load_catalog(DEMO_CATALOG_PATH), page_size_sp=2, page_size_sb=1, page_size_sd=1) as sim:
        client = Api(sim)
        yield client
        client.http.close()


def _page_through(api: Api, path: str, media: str, key: str, body: dict) -> tuple[list[dict], int]:
    items: list[dict] = []
    pages = 0
    request = dict(body)
    while True:
        response = api.post(path, media, request)
        assert response.status_code == 200, response.text
        payload = response.json()
        items += payload[key]
        pages += 1
        if "nextToken" not in payload:
            return items, pages
        request = {**body, "nextToken": payload["nextToken"]}


def test_sp_product_ads_page_through_with_next_token(small_pages: Api) -> None:
    ads, pages = _page_through(small_pages, "/sp/productAds/list", SP_AD, "productAds", {})

    assert pages == 3
    assert [a["sku"] for a in ads] == ["SELLERSKU-1", "SELLERSKU-2", "SELLERSKU-3", "SELLERSKU-1", "SELLERSKU-2"]
    first = small_pages.post("/sp/productAds/list", SP_AD, {}).json()
    assert first["totalResults"] == 5


def test_sp_max_results_below_page_size(api: Api) -> None:
    response = api.post("/sp/productAds/list", SP_AD, {"maxResults": 4}).json()

    assert len(response["productAds"]) == 4
    assert "nextToken" in response


def test_sp_max_results_above_server_page_is_capped(small_pages: Api) -> None:
    response = small_pages.post("/sp/productAds/list", SP_AD, {"maxResults": 1000}).json()

    assert len(response["productAds"]) == 2


def test_sp_filters(api: Api) -> None:
    paused = api.post("/sp/productAds/list", SP_AD, {"stateFilter": {"include": ["PAUSED"]}}).json()
    by_campaign = api.post("/sp/productAds/list", SP_AD, {"campaignIdFilter": {"include": ["100000000000002"]}}).json()
    by_id = api.post("/sp/productAds/list", SP_AD, {"adIdFilter": {"include": ["200000000000003"]}}).json()
    empty_include = api.post("/sp/productAds/list", SP_AD, {"stateFilter": {"include": []}}).json()

    assert [a["adId"] for a in paused["productAds"]] == ["200000000000004"]
    assert {a["adId"] for a in by_campaign["productAds"]} == {"200000000000004", "200000000000005"}
    assert [a["sku"] for a in by_id["productAds"]] == ["SELLERSKU-3"]
    assert empty_include["totalResults"] == 5


def test_vendor_sp_ads_carry_asin(api: Api) -> None:
    ads = api.post("/sp/productAds/list", SP_AD, {}, scope=VENDOR).json()["productAds"]

    assert [a["asin"] for a in ads] == ["B0V0000001", "B0V0000002"]
    assert all("sku" not in a for a in ads)


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ({"adIdFilter": {"include": [str(i) for i in range(1001)]}}, "adIdFilter over 1000"),
        ({"campaignIdFilter": {"include": [str(i) for i in range(101)]}}, "campaignIdFilter over 100"),
        ({"stateFilter": {"include": ["enabled"]}}, "lower-case state"),
        ({"stateFilter": ["ENABLED"]}, "filter without include"),
        ({"maxResults": 0}, "maxResults 0"),
        ({"nextToken": "garbage"}, "foreign nextToken"),
    ],
)
def test_sp_list_rejects_invalid_requests(api: Api, body: dict, why: str) -> None:
    response = api.post("/sp/productAds/list", SP_AD, body)

    assert response.status_code == 400, why
    assert response.json()["code"] == "INVALID_ARGUMENT"


def test_sp_campaigns_list(small_pages: Api) -> None:
    campaigns, pages = _page_through(small_pages, "/sp/campaigns/list", SP_CAMPAIGN, "campaigns", {})

    assert pages == 1
    assert [c["campaignId"] for c in campaigns] == ["100000000000001", "100000000000002"]


def test_sb_ads_page_through(small_pages: Api) -> None:
    ads, pages = _page_through(small_pages, "/sb/v4/ads/list", SB_AD, "ads", {})

    assert pages == 3
    assert [a.get("adId") for a in ads] == ["500000000000001", "500000000000002", None]
    assert small_pages.post("/sb/v4/ads/list", SB_AD, {}).json()["totalResults"] == 3


@pytest.mark.parametrize(
    "body",
    [
        {"maxResults": 101},
        {"maxResults": 0},
        {"adIdFilter": {"include": [str(i) for i in range(11)]}},
        {"campaignIdFilter": {"include": [str(i) for i in range(11)]}},
        {"adGroupIdFilter": {"include": [str(i) for i in range(11)]}},
        {"stateFilter": {"include": ["PROPOSED"]}},
    ],
)
def test_sb_ads_list_limits(api: Api, body: dict) -> None:
    response = api.post("/sb/v4/ads/list", SB_AD, body)

    assert response.status_code == 400
    assert response.headers["content-type"] == SB_AD


def test_sb_ads_accept_ten_ids_and_filter(api: Api) -> None:
    ids = ["500000000000002"] + [str(i) for i in range(9)]

    response = api.post("/sb/v4/ads/list", SB_AD, {"adIdFilter": {"include": ids}, "maxResults": 100})

    assert response.status_code == 200
    assert [a["creative"]["type"] for a in response.json()["ads"]] == ["VIDEO"]


def test_sb_campaigns_list_uses_total_count(small_pages: Api) -> None:
    campaigns, pages = _page_through(small_pages, "/sb/v4/campaigns/list", SB_CAMPAIGN, "campaigns", {})
    first = small_pages.post("/sb/v4/campaigns/list", SB_CAMPAIGN, {}).json()

    assert pages == 3
    assert len(campaigns) == 3
    assert first["totalCount"] == 3
    assert "extendedData" not in campaigns[0]


def test_sd_product_ads_offset_paging(small_pages: Api) -> None:
    first = small_pages.get("/sd/productAds", {"startIndex": "0", "count": "5"})
    second = small_pages.get("/sd/productAds", {"startIndex": "1", "count": "5"})
    after = small_pages.get("/sd/productAds", {"startIndex": "2"})

    assert [a["adId"] for a in first.json()] == [800000000000001]  # count capped at the page size
    assert [a["adId"] for a in second.json()] == [800000000000002]
    assert after.json() == []


def test_sd_filters_are_comma_lists_with_lower_case_states(api: Api) -> None:
    by_id = api.get("/sd/productAds", {"adIdFilter": "800000000000002,123"}).json()
    enabled = api.get("/sd/productAds", {"stateFilter": "enabled, paused"}).json()
    archived = api.get("/sd/productAds", {"stateFilter": "archived"}).json()
    upper = api.get("/sd/productAds", {"stateFilter": "ENABLED"})

    assert [a["asin"] for a in by_id] == ["B00002EFGH"]
    assert len(enabled) == 2
    assert archived == []
    assert upper.status_code == 400
    assert set(upper.json()) == {"code", "details"}


def test_sd_campaigns_list(api: Api) -> None:
    campaigns = api.get("/sd/campaigns", {"campaignIdFilter": "700000000000001"}).json()

    assert [(c["campaignId"], c["state"]) for c in campaigns] == [(700000000000001, "enabled")]


def test_sd_rejects_bad_paging_parameters(api: Api) -> None:
    assert api.get("/sd/productAds", {"startIndex": "-1"}).status_code == 400
    assert api.get("/sd/productAds", {"count": "zero"}).status_code == 400


def test_sd_get_product_ad_by_id_answers_the_list_item(api: Api) -> None:
    # GET /sd/productAds/{adId} (getProductAd, ads-api.md §3): what clients use to confirm a PUT.
    [listed] = api.get("/sd/productAds", params={"adIdFilter": "800000000000002"}).json()

    response = api.get("/sd/productAds/800000000000002")

    assert response.status_code == 200
    assert response.json() == listed
    assert api.sim.requests[-1].path == "/sd/productAds/800000000000002"


def test_sd_get_product_ad_unknown_or_other_profiles_id_is_404_in_sd_error_shape(api: Api) -> None:
    unknown = api.get("/sd/productAds/899999999999999")
    elsewhere = api.get("/sd/productAds/800000000000001", scope=VENDOR)

    for response in (unknown, elsewhere):
        assert response.status_code == 404
        assert set(response.json()) == {"code", "details"}
        assert response.json()["code"] == "NOT_FOUND"


def test_sd_get_product_ad_needs_scope_and_serves_no_other_method(api: Api) -> None:
    assert api.get("/sd/productAds/800000000000001", scope=None).status_code == 401
    assert api.http.put("/sd/productAds/800000000000001", json=[], headers=headers(api.token, media=JSON)).status_code == 405
    assert api.get("/sd/productAds/not-a-number").status_code == 404  # ids are int64
