"""The seed format: the demo seed matches the Ads demo catalog; validation; the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from stockguard_dev.simulator import DEMO_CATALOG_PATH, load_catalog
from stockguard_dev.simulator.spapi import DEMO_SEED_PATH, SeedError, SpApiSimulator, load_seed
from tests.integration.simulator.spapi.wire import SELLER

pytestmark = pytest.mark.integration


def _ads_seller_products() -> tuple[dict[str, set[str]], set[str], dict[tuple[str, str], set[str]]]:
    """From the Ads demo catalog: seller id -> marketplaces, every ASIN advertised by sellers, and the
    SKUs of SP product ads per (seller, marketplace)."""
    catalog = load_catalog(DEMO_CATALOG_PATH)
    marketplaces: dict[str, set[str]] = {}
    asins: set[str] = set()
    skus: dict[tuple[str, str], set[str]] = {}
    for profile in catalog.profiles:
        info = profile["accountInfo"]
        if info["type"] != "seller":
            continue
        seller, marketplace = info["id"], info["marketplaceStringId"]
        marketplaces.setdefault(seller, set()).add(marketplace)
        entities = catalog.entities.get(str(profile["profileId"]))
        if entities is None:
            continue
        skus.setdefault((seller, marketplace), set()).update(ad["sku"] for ad in entities.sp_product_ads if "sku" in ad)
        asins.update(ad["asin"] for ad in entities.sd_product_ads if "asin" in ad)
        for ad in entities.sb_ads:
            creative = ad.get("creative", {})
            asins.update(creative.get("asins", []))
            asins.update(page["asin"] for page in creative.get("subpages", []) if "asin" in page)
    return marketplaces, asins, skus


def test_the_demo_seed_matches_the_ads_demo_catalog() -> None:
    # Given the Ads demo catalog's sellers, marketplaces, advertised ASINs and SP SKUs
    marketplaces, asins, skus = _ads_seller_products()

    # When the SP-API demo seed is loaded
    seed = load_seed(DEMO_SEED_PATH)

    # Then it holds the same sellers and marketplaces, exactly those ASINs, every advertised SKU, and a
    # competitive summary for each ASIN in each marketplace
    assert set(seed.sellers) == set(marketplaces) == {SELLER}
    for seller, wanted in marketplaces.items():
        assert set(seed.sellers[seller].inventory) == wanted
        for marketplace in wanted:
            items = seed.sellers[seller].inventory[marketplace]
            assert skus[(seller, marketplace)] <= {i["sellerSku"] for i in items}
            assert {s["asin"] for s in seed.sellers[seller].competitive_summaries[marketplace]} == {i["asin"] for i in items}
    assert seed.asins() == asins


def test_the_demo_seed_serves_every_sku_mapped_to_its_asin(clock) -> None:
    # Given the simulator on the demo seed / When each seller SKU's listing is read
    with SpApiSimulator(DEMO_SEED_PATH, rate_limiting=False, clock=clock) as sim:
        seed = sim.seed
        creds = sim.credentials()
        for entry in creds["sellers"]:
            form = {"grant_type": "refresh_token", "client_id": creds["client_id"], "client_secret": creds["client_secret"]}
            token = httpx.post(sim.token_url, data={**form, "refresh_token": entry["refresh_token"]}).json()["access_token"]
            for marketplace in entry["marketplace_ids"]:
                for item in seed.sellers[entry["seller_id"]].inventory[marketplace]:
                    response = httpx.get(
                        f"{sim.base_url}/listings/2021-08-01/items/{entry['seller_id']}/{item['sellerSku']}",
                        params={"marketplaceIds": marketplace},
                        headers={"x-amz-access-token": token},
                    )
                    # Then each maps to its inventory ASIN
                    assert response.json()["summaries"][0]["asin"] == item["asin"]


@pytest.mark.parametrize(
    ("seed", "message"),
    [
        ([], "JSON object"),
        ({"lower-case": {}}, "seller id"),
        ({SELLER: {"ATVPDKIKX0DER": [{"asin": "B000000001"}]}}, "sellerSku"),
        ({SELLER: {"ATVPDKIKX0DER": [{"sellerSku": "A", "asin": "B1"}, {"sellerSku": "A", "asin": "B2"}]}}, "repeats"),
        ({SELLER: {"listings": {"ATVPDKIKX0DER": [{"summaries": []}]}}}, "sku"),
        ({SELLER: {"competitiveSummaries": {"ATVPDKIKX0DER": [{"asin": "B1", "marketplaceId": "A1PA6795UKMFR9"}]}}}, "marketplaceId"),
        ({SELLER: {"offers": {}}}, "marketplace id"),
    ],
)
def test_an_invalid_seed_is_refused_with_the_place_named(seed: object, message: str) -> None:
    with pytest.raises(SeedError, match=message):
        SpApiSimulator(seed)  # type: ignore[arg-type]


def test_the_command_line_serves_the_seed_and_writes_credentials(tmp_path: Path) -> None:
    # Given the module run standalone on the demo seed
    creds_path = tmp_path / "creds.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "stockguard_dev.simulator.spapi", "--seed", str(DEMO_SEED_PATH), "--write-credentials", str(creds_path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        # When it has printed its URLs
        lines = dict(process.stdout.readline().strip().split("=", 1) for _ in range(2))
        creds = json.loads(creds_path.read_text())
        form = {
            "grant_type": "refresh_token",
            "client_id": creds["client_id"],
            "client_secret": creds["client_secret"],
            "refresh_token": creds["sellers"][0]["refresh_token"],
        }
        # Then its token endpoint grants with the written credentials
        assert lines["SPAPI_ENDPOINT"].startswith("http://127.0.0.1:")
        assert httpx.post(lines["LWA_TOKEN_ENDPOINT"], data=form).status_code == 200
    finally:
        process.terminate()
        process.wait(timeout=10)
