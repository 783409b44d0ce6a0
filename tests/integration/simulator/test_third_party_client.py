"""A widely used third-party client, python-amazon-ad-api 1.2.9 (import name `ad_api`), driven unchanged
against the simulator (issue 10, part 5): a client that works against Amazon must work against it.

Pointing the client at the simulator without touching its code:
- API host: `Client.__init__` reads only `marketplace.endpoint` (`https://<host>` in its `Marketplaces` enum)
  and calls `endpoint + path`, so a marketplace object whose `endpoint` is `sim.base_url` is enough.
- Token URL: the library has no option for it; its `AccessTokenClient` always builds
  `scheme + host + path` = `https://api.amazon.com/auth/o2/token` (ads-api.md §2, "DENIS … always calls
  api.amazon.com"). The test sets that instance's own `scheme`/`host` attributes to the simulator; the
  refresh itself (form, caching) is the library's code.
- Credentials: the credentials dict (the library prefers AD_API_* environment variables, which are removed).

Every HTTP request the library makes goes through `requests`; the `outbound` fixture refuses any host other than
the simulator's before a socket opens (pytest-socket would also stop it, see tests/conftest.py) and
records the URLs, so a test can assert the simulator answered every one of them.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any, TypeVar
from urllib.parse import urlsplit

import pytest

from stockguard_dev.simulator import DEMO_CATALOG_PATH, AdsSimulator, load_catalog
from tests.integration.simulator.wire import CLIENT_ID, CREDENTIALS, US, VENDOR

C = TypeVar("C")

SP_ADS = ["200000000000001", "200000000000002", "200000000000003", "200000000000004", "200000000000005"]
SB_ADS = ["500000000000001", "500000000000002", "400000000000003"]
SD_ADS = [800000000000001, 800000000000002]


class BlockedHost(AssertionError):
    """The client tried to reach a host other than the simulator."""


@pytest.fixture
def sim() -> Iterator[AdsSimulator]:
    # Server pages smaller than the catalog so that SP and SB lists need nextToken paging.
    with AdsSimulator(load_catalog(DEMO_CATALOG_PATH), page_size_sp=2, page_size_sb=2) as simulator:
        yield simulator


@pytest.fixture
def outbound(sim: AdsSimulator, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """URLs of every request the library sends; anything not addressed to the simulator is refused."""
    import requests.adapters

    allowed = urlsplit(sim.base_url).netloc
    urls: list[str] = []
    send = requests.adapters.HTTPAdapter.send

    def guarded_send(self: Any, request: Any, *args: Any, **kwargs: Any) -> Any:
        urls.append(request.url)
        if urlsplit(request.url).netloc != allowed:
            raise BlockedHost(f"the client tried to reach {urlsplit(request.url).netloc}, not the simulator")
        return send(self, request, *args, **kwargs)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", guarded_send)
    return urls


@pytest.fixture
def make(sim: AdsSimulator, outbound: list[str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[..., Any]]:
    """make(ClientClass, profile_id=US): a client of the library wired to this simulator."""
    for name in ("AD_API_CLIENT_ID", "AD_API_CLIENT_SECRET", "AD_API_REFRESH_TOKEN", "AD_API_PROFILE_ID"):
        monkeypatch.delenv(name, raising=False)
    # Imported here, not at module level: ad_api calls logging.basicConfig(level=INFO) on import, which
    # would configure the root logger for the whole session if it ran at collection time.
    token_cache = _token_cache()
    token_cache.clear()  # process-wide, keyed by refresh token: a previous simulator's token is unknown here
    netloc = urlsplit(sim.base_url).netloc
    marketplace = SimpleNamespace(endpoint=sim.base_url)

    def build(cls: type[C], profile_id: str | None = US) -> C:
        credentials = {**CREDENTIALS, **({"profile_id": profile_id} if profile_id else {})}
        client = cls(credentials=credentials, marketplace=marketplace, verify_additional_credentials=profile_id is not None)
        client._auth.scheme, client._auth.host = "http://", netloc  # type: ignore[attr-defined]
        return client

    yield build
    token_cache.clear()


def _ad_api(module: str) -> Any:
    """ad_api.api.<module>; the package must be imported through ad_api.api first (its auth and base
    modules import each other)."""
    importlib.import_module("ad_api.api")
    return importlib.import_module(f"ad_api.api.{module}")


def _token_cache() -> Any:
    """The library's process-wide token cache (TTL 3200 s, keyed by refresh token)."""
    _ad_api("profiles")
    return importlib.import_module("ad_api.auth.access_token_client").cache


def _calls(sim: AdsSimulator, method: str, path: str) -> list[Any]:
    return [r for r in sim.requests if r.method == method and r.path == path]


# token and profiles ------------------------------------------------------------------------------


def test_token_refresh_goes_to_the_simulator_and_is_reused(sim: AdsSimulator, make: Callable[..., Any]) -> None:
    profiles = make(_ad_api("profiles").Profiles, profile_id=None)

    profiles.list_profiles()
    profiles.list_profiles()

    tokens = _calls(sim, "POST", "/auth/o2/token")
    assert [(t.status, t.form["grant_type"], t.form["client_id"]) for t in tokens] == [(200, "refresh_token", CLIENT_ID)]
    assert [r.status for r in _calls(sim, "GET", "/v2/profiles")] == [200, 200]
    assert _calls(sim, "GET", "/v2/profiles")[0].headers["authorization"] == "Bearer <redacted>"


def test_profiles_and_type_filter(make: Callable[..., Any]) -> None:
    profiles = make(_ad_api("profiles").Profiles, profile_id=None)

    everything = profiles.list_profiles().payload
    vendors = profiles.list_profiles(profileTypeFilter="vendor").payload

    assert [str(p["profileId"]) for p in everything] == [US, "2222222222222222", VENDOR]
    assert [str(p["profileId"]) for p in vendors] == [VENDOR]


# lists with paging -------------------------------------------------------------------------------


def _page_with_next_token(call: Callable[..., Any], key: str, id_field: str, max_results: int) -> tuple[list[str], int]:
    ids: list[str] = []
    body: dict[str, Any] = {"maxResults": max_results}
    pages = 0
    while True:
        payload = call(body=body).payload
        pages += 1
        ids += [item[id_field] for item in payload[key]]
        if not payload.get("nextToken"):
            return ids, pages
        body = {"maxResults": max_results, "nextToken": payload["nextToken"]}


def test_sp_product_ads_list_pages_with_next_token(make: Callable[..., Any]) -> None:
    sp = make(_ad_api("sp").ProductAdsV3)

    ids, pages = _page_with_next_token(sp.list_product_ads, "productAds", "adId", max_results=100)

    assert ids == SP_ADS
    assert pages == 3  # server page 2 < maxResults: only nextToken says when to stop


def test_sb_v4_ads_list_pages_with_next_token(sim: AdsSimulator, make: Callable[..., Any]) -> None:
    sb = make(_ad_api("sb").AdsV4)

    ids, pages = _page_with_next_token(sb.list_ads, "ads", "adGroupId", max_results=100)

    assert len(ids) == len(SB_ADS) and pages == 2
    sent = _calls(sim, "POST", "/sb/v4/ads/list")[0].headers
    # What the library sends for SB v4 (and Amazon serves): a JSON Content-Type, the versioned Accept.
    assert (sent["content-type"], sent["accept"]) == ("application/json", "application/vnd.sbadresource.v4+json")


def test_sb_v4_campaigns_list(make: Callable[..., Any]) -> None:
    campaigns = make(_ad_api("sb").CampaignsV4)

    payload = campaigns.list_campaigns(body={"maxResults": 10}).payload

    assert [c["campaignId"] for c in payload["campaigns"]] == ["400000000000001", "400000000000002"]
    assert payload["nextToken"]


def test_sd_product_ads_list_pages_with_start_index_and_count(make: Callable[..., Any]) -> None:
    sd = make(_ad_api("sd").ProductAds)

    ids: list[int] = []
    start = 0
    while page := sd.list_product_ads(startIndex=start, count=1).payload:  # page until an empty array
        ids += [ad["adId"] for ad in page]
        start += len(page)

    assert ids == SD_ADS


def test_sp_campaigns_and_sd_campaigns_list(make: Callable[..., Any]) -> None:
    sp = make(_ad_api("sp").CampaignsV3)
    sd = make(_ad_api("sd").Campaigns)

    sp_campaigns = sp.list_campaigns(body={}).payload["campaigns"]
    sd_campaigns = sd.list_campaigns().payload

    assert [c["campaignId"] for c in sp_campaigns] == ["100000000000001", "100000000000002"]
    assert [c["campaignId"] for c in sd_campaigns] == [700000000000001]


# pause and resume --------------------------------------------------------------------------------


def test_sp_pause_and_resume(sim: AdsSimulator, make: Callable[..., Any]) -> None:
    sp = make(_ad_api("sp").ProductAdsV3)
    ad = SP_ADS[0]

    paused = sp.edit_product_ads(body={"productAds": [{"adId": ad, "state": "PAUSED"}]}, prefer=True).payload
    state_after_pause = sim.state_of(US, "SP", "ad", ad)
    resumed = sp.edit_product_ads(body={"productAds": [{"adId": ad, "state": "ENABLED"}]}).payload

    assert paused["productAds"]["success"][0]["productAd"]["state"] == "PAUSED"
    assert state_after_pause == "PAUSED"
    assert resumed["productAds"] == {"success": [{"index": 0, "adId": ad}], "error": []}
    assert sim.state_of(US, "SP", "ad", ad) == "ENABLED"


def test_sb_v4_pause_and_resume(sim: AdsSimulator, make: Callable[..., Any]) -> None:
    sb = make(_ad_api("sb").AdsV4)
    ad = SB_ADS[0]

    paused = sb.update_ads(body={"ads": [{"adId": ad, "state": "PAUSED"}]}).payload
    state_after_pause = sim.state_of(US, "SB", "ad", ad)
    resumed = sb.update_ads(body={"ads": [{"adId": ad, "state": "ENABLED"}]}).payload

    assert paused["ads"]["success"][0]["ad"]["state"] == "PAUSED"
    assert state_after_pause == "PAUSED"
    assert resumed["ads"]["success"][0]["adId"] == ad
    assert sim.state_of(US, "SB", "ad", ad) == "ENABLED"


def test_sd_pause_and_resume_confirmed_by_get_product_ad(sim: AdsSimulator, make: Callable[..., Any]) -> None:
    sd = make(_ad_api("sd").ProductAds)
    ad = SD_ADS[0]

    paused = sd.edit_product_ads(body=[{"adId": ad, "state": "paused"}]).payload
    confirmed_paused = sd.get_product_ad(ad).payload
    resumed = sd.edit_product_ads(body=[{"adId": ad, "state": "enabled"}]).payload
    confirmed_enabled = sd.get_product_ad(ad).payload

    assert paused == [{"code": "SUCCESS", "adId": ad}]
    assert confirmed_paused["adId"] == ad and confirmed_paused["state"] == "paused"
    assert resumed == [{"code": "SUCCESS", "adId": ad}]
    assert confirmed_enabled["state"] == "enabled"
    assert sim.state_of(US, "SD", "ad", ad) == "enabled"


def test_sd_get_product_ad_returns_the_list_shape(make: Callable[..., Any]) -> None:
    sd = make(_ad_api("sd").ProductAds)

    listed = sd.list_product_ads(adIdFilter=str(SD_ADS[1])).payload

    assert sd.get_product_ad(SD_ADS[1]).payload == listed[0]


def test_sd_get_unknown_product_ad_is_404_in_sd_error_shape(make: Callable[..., Any]) -> None:
    _ad_api("sd")
    exceptions = importlib.import_module("ad_api.base.exceptions")
    sd = make(_ad_api("sd").ProductAds)

    with pytest.raises(exceptions.AdvertisingApiException) as raised:
        sd.get_product_ad(899999999999999)

    assert raised.value.code == 404
    assert set(raised.value.error) == {"code", "details"}  # SD errors are {code, details} (§7)


# item errors -------------------------------------------------------------------------------------


def test_sp_unknown_ad_id_is_a_207_item_error_the_client_returns(sim: AdsSimulator, make: Callable[..., Any]) -> None:
    sp = make(_ad_api("sp").ProductAdsV3)

    body = {"productAds": [{"adId": "299999999999999", "state": "PAUSED"}, {"adId": SP_ADS[1], "state": "PAUSED"}]}

    payload = sp.edit_product_ads(body=body).payload

    assert _calls(sim, "PUT", "/sp/productAds")[-1].status == 207
    [error] = payload["productAds"]["error"]
    assert error["index"] == 0
    assert error["errors"][0]["errorType"] == "entityNotFoundError"
    assert error["errors"][0]["errorValue"]["entityNotFoundError"]["reason"] == "ENTITY_NOT_FOUND"
    assert payload["productAds"]["success"] == [{"index": 1, "adId": SP_ADS[1]}]
    assert sim.state_of(US, "SP", "ad", SP_ADS[1]) == "PAUSED"


# isolation ---------------------------------------------------------------------------------------


def test_every_request_reached_the_simulator_and_nothing_else(sim: AdsSimulator, make: Callable[..., Any], outbound: list[str]) -> None:
    make(_ad_api("profiles").Profiles, profile_id=None).list_profiles()
    make(_ad_api("sp").ProductAdsV3).list_product_ads(body={})
    make(_ad_api("sd").ProductAds).list_product_ads()

    assert {urlsplit(url).netloc for url in outbound} == {urlsplit(sim.base_url).netloc}
    assert [urlsplit(url).path for url in outbound] == [r.path for r in sim.requests]
    assert [r.path for r in sim.requests] == ["/auth/o2/token", "/v2/profiles", "/sp/productAds/list", "/sd/productAds"]


def test_an_unredirected_client_is_stopped_before_leaving_the_machine(outbound: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AD_API_CLIENT_ID", "AD_API_CLIENT_SECRET", "AD_API_REFRESH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    _token_cache().clear()
    profiles = _ad_api("profiles").Profiles(credentials=dict(CREDENTIALS), verify_additional_credentials=False)

    with pytest.raises(BlockedHost):
        profiles.list_profiles()

    assert [urlsplit(url).netloc for url in outbound] == ["api.amazon.com"]
