"""Raw httpx helpers for the SP-API simulator tests: these tests speak the wire format directly."""

from __future__ import annotations

from typing import Any

import httpx

from stockguard_dev.simulator.spapi import SpApiSimulator

SELLER = "A3TH9S8BH6GOGM"  # the demo seed's seller (the Ads demo catalog's accountInfo.id)
COMPETITOR = "A2COMPETITOR01"
US = "ATVPDKIKX0DER"
DE = "A1PA6795UKMFR9"
SUMMARIES = "/fba/inventory/v1/summaries"
COMPETITIVE = "/batches/products/pricing/2022-05-01/items/competitiveSummary"
ITEM_URI = "/products/pricing/2022-05-01/items/competitiveSummary"


def listing_path(sku: str, seller: str = SELLER) -> str:
    return f"/listings/2021-08-01/items/{seller}/{sku}"


def refresh_grant(sim: SpApiSimulator, seller_id: str = SELLER, **overrides: str) -> httpx.Response:
    creds = sim.credentials()
    seller = next(s for s in creds["sellers"] if s["seller_id"] == seller_id)
    form = {
        "grant_type": "refresh_token",
        "client_id": creds["client_id"],
        "client_secret": creds["client_secret"],
        "refresh_token": seller["refresh_token"],
        **overrides,
    }
    return httpx.post(sim.token_url, data=form)


def grantless(sim: SpApiSimulator, scope: str = "sellingpartnerapi::notifications") -> httpx.Response:
    creds = sim.credentials()
    form = {"grant_type": "client_credentials", "client_id": creds["client_id"], "client_secret": creds["client_secret"], "scope": scope}
    return httpx.post(sim.token_url, data=form)


def summaries_params(marketplace: str = US, **extra: str) -> dict[str, str]:
    return {"granularityType": "Marketplace", "granularityId": marketplace, "marketplaceIds": marketplace, **extra}


def summary_request(asin: str, marketplace: str = US, included: list[str] | None = None) -> dict[str, Any]:
    return {
        "asin": asin,
        "marketplaceId": marketplace,
        "includedData": included or ["featuredBuyingOptions"],
        "method": "GET",
        "uri": ITEM_URI,
    }


class SpApi:
    """Calls with one seller's access token (the demo seller unless told)."""

    def __init__(self, sim: SpApiSimulator, seller_id: str = SELLER) -> None:
        self.sim = sim
        self.token = refresh_grant(sim, seller_id).json()["access_token"]
        self.http = httpx.Client(base_url=sim.base_url, timeout=10, headers={"x-amz-access-token": self.token})

    def summaries(self, marketplace: str = US, **extra: str) -> httpx.Response:
        return self.http.get(SUMMARIES, params=summaries_params(marketplace, **extra))

    def listing(self, sku: str, marketplace: str = US, seller: str = SELLER, **extra: str) -> httpx.Response:
        params = {"marketplaceIds": marketplace, "includedData": "summaries,fulfillmentAvailability", **extra}
        return self.http.get(listing_path(sku, seller), params=params)

    def competitive(self, requests: list[dict[str, Any]]) -> httpx.Response:
        return self.http.post(COMPETITIVE, json={"requests": requests})

    def close(self) -> None:
        self.http.close()
