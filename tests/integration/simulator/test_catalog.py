"""The catalog contract and the shipped demo catalog, served over HTTP."""

from __future__ import annotations

import copy
import json
import subprocess
import sys

import httpx
import pytest
from pydantic import ValidationError

from stockguard_dev.simulator import DEMO_CATALOG_PATH, AdsSimulator, Catalog, load_catalog
from tests.integration.simulator.wire import DE, SB_AD, SB_CAMPAIGN, SP_AD, SP_CAMPAIGN, US, VENDOR, Api, headers


def test_demo_catalog_has_the_three_profiles() -> None:
    catalog = load_catalog(DEMO_CATALOG_PATH)

    accounts = {
        str(p["profileId"]): (p["accountInfo"]["id"], p["accountInfo"]["marketplaceStringId"], p["accountInfo"]["type"])
        for p in catalog.profiles
    }
    assert accounts[US] == ("A3TH9S8BH6GOGM", "ATVPDKIKX0DER", "seller")
    assert accounts[DE] == ("A3TH9S8BH6GOGM", "A1PA6795UKMFR9", "seller")
    assert accounts[VENDOR][1:] == ("ATVPDKIKX0DER", "vendor")
    assert accounts[VENDOR][0].startswith("ENTITY")


def test_demo_seller_us_serves_every_ad_product(api: Api) -> None:
    sp = api.post("/sp/productAds/list", SP_AD, {}).json()["productAds"]
    sp_campaigns = api.post("/sp/campaigns/list", SP_CAMPAIGN, {}).json()["campaigns"]
    sb = api.post("/sb/v4/ads/list", SB_AD, {}).json()["ads"]
    sb_campaigns = api.post("/sb/v4/campaigns/list", SB_CAMPAIGN, {}).json()["campaigns"]
    sd = api.get("/sd/productAds").json()
    sd_campaigns = api.get("/sd/campaigns").json()

    assert {a["sku"] for a in sp} == {"SELLERSKU-1", "SELLERSKU-2", "SELLERSKU-3"}
    assert [(a["sku"], a["state"]) for a in sp if a["state"] == "PAUSED"] == [("SELLERSKU-1", "PAUSED")]
    assert len(sp_campaigns) == 2
    by_type = {a["creative"]["type"]: a for a in sb if "adId" in a}
    assert by_type["PRODUCT_COLLECTION"]["creative"]["asins"] == ["B00001ABCD", "B00002EFGH", "B00003IJKL"]
    assert by_type["VIDEO"]["creative"]["asins"] == ["B00001ABCD"]
    assert next(a for a in sb if "adId" not in a)["campaignId"] in {c["campaignId"] for c in sb_campaigns}
    assert {(a["asin"], a["sku"]) for a in sd} >= {("B00001ABCD", "SELLERSKU-1")}
    assert all(isinstance(a["adId"], int) and a["state"].islower() for a in sd)
    assert len(sd_campaigns) == 1


def test_demo_de_profile_has_a_store_spotlight(api: Api) -> None:
    ads = api.post("/sb/v4/ads/list", SB_AD, {}, scope=DE).json()["ads"]

    assert [p["asin"] for p in ads[0]["creative"]["subpages"]] == ["B00001ABCD", "B00002EFGH", "B00003IJKL"]


def test_vendor_has_no_sd_entities(api: Api) -> None:
    assert api.get("/sd/productAds", scope=VENDOR).json() == []


def _demo() -> dict:
    return json.loads(DEMO_CATALOG_PATH.read_text())


@pytest.mark.parametrize(
    ("collection", "mutate"),
    [
        ("sp_product_ads", lambda e: e.pop("adId")),
        ("sp_product_ads", lambda e: e.update(state="paused")),
        ("sd_product_ads", lambda e: e.update(state="ENABLED")),
        ("sb_campaigns", lambda e: e.pop("name")),
    ],
)
def test_invalid_entities_are_rejected(collection: str, mutate) -> None:
    data = _demo()
    mutate(data["entities"][US][collection][0])

    with pytest.raises(ValidationError):
        Catalog.model_validate(data)


def test_duplicate_ids_and_unknown_profiles_are_rejected() -> None:
    duplicated = _demo()
    ads = duplicated["entities"][US]["sp_product_ads"]
    ads.append(copy.deepcopy(ads[0]))
    orphan = _demo()
    orphan["entities"]["42"] = {}

    with pytest.raises(ValidationError):
        Catalog.model_validate(duplicated)
    with pytest.raises(ValidationError):
        Catalog.model_validate(orphan)


def test_int_profile_keys_and_string_profile_ids_are_accepted() -> None:
    data = {
        "profiles": [{"profileId": "xxxxx", "countryCode": "US", "accountInfo": {"id": "ENTITYX", "type": "vendor"}}],
        "entities": {"xxxxx": {"sp_product_ads": [{"adId": "1", "adGroupId": "2", "campaignId": "3", "state": "ENABLED", "asin": "B0X"}]}},
    }
    with AdsSimulator(data) as sim:
        api = Api(sim)
        ads = api.post("/sp/productAds/list", SP_AD, {}, scope="xxxxx").json()["productAds"]
        api.http.close()
    assert [a["asin"] for a in ads] == ["B0X"]

    numeric = Catalog.model_validate({"profiles": [{"profileId": 5}], "entities": {5: {}}})
    assert list(numeric.entities) == ["5"]


def test_catalog_repr_hides_credentials() -> None:
    assert "demo-client-secret" not in repr(load_catalog(DEMO_CATALOG_PATH))


def test_simulator_is_not_changed_by_the_catalog_it_was_given() -> None:
    catalog = load_catalog(DEMO_CATALOG_PATH)
    with AdsSimulator(catalog) as sim:
        sim.set_state(US, "SP", "ad", "200000000000001", "PAUSED")
    assert catalog.entities[US].sp_product_ads[0]["state"] == "ENABLED"


def test_command_line_runner_serves_the_demo_catalog() -> None:
    # Given the simulator started as a process (ephemeral port)
    proc = subprocess.Popen([sys.executable, "-m", "stockguard_dev.simulator"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first, second = proc.stdout.readline().strip(), proc.stdout.readline().strip()
        base_url = first.split("=", 1)[1]
        token_url = second.split("=", 1)[1]

        # When a client logs in and lists profiles
        token = httpx.post(
            token_url,
            data={
                "grant_type": "refresh_token",
                "client_id": "demo-client-id",
                "client_secret": "demo-client-secret",
                "refresh_token": "Atzr|demo-refresh-token",
            },
        ).json()["access_token"]
        profiles = httpx.get(f"{base_url}/v2/profiles", headers=headers(token, scope=None)).json()

        # Then the demo profiles come back
        assert first.startswith("ADS_API_ENDPOINT=http://127.0.0.1:")
        assert len(profiles) == 3
    finally:
        proc.terminate()
        proc.wait(timeout=10)
