"""Regional Ads API and Login with Amazon hosts (../shared/reference/ads-api.md §2, §3)."""

from __future__ import annotations

import os

from stockguard.ads.port import Region
from stockguard.domain.marketplaces import REGION_CODE_BY_MARKETPLACE

_REGION_BY_MARKETPLACE = {m: Region(code) for m, code in REGION_CODE_BY_MARKETPLACE.items()}

API_HOSTS = {
    Region.NA: "https://advertising-api.amazon.com",
    Region.EU: "https://advertising-api-eu.amazon.com",
    Region.FE: "https://advertising-api-fe.amazon.com",
}
TOKEN_URLS = {
    Region.NA: "https://api.amazon.com/auth/o2/token",
    Region.EU: "https://api.amazon.co.uk/auth/o2/token",
    Region.FE: "https://api.amazon.co.jp/auth/o2/token",
}


def region_for_marketplace(marketplace_id: str) -> Region:
    try:
        return _REGION_BY_MARKETPLACE[marketplace_id]
    except KeyError:
        raise ValueError(f"unknown marketplace id {marketplace_id!r}: no Ads API region for it") from None


class Endpoints:
    """Hosts per region; ADS_API_ENDPOINT / LWA_TOKEN_ENDPOINT (or explicit values) replace them all."""

    def __init__(self, api_endpoint: str | None = None, token_endpoint: str | None = None) -> None:
        self.api_override = (api_endpoint or os.environ.get("ADS_API_ENDPOINT") or "").rstrip("/")
        self.token_override = token_endpoint or os.environ.get("LWA_TOKEN_ENDPOINT") or ""

    def api(self, region: Region) -> str:
        return self.api_override or API_HOSTS[region]

    def token(self, region: Region) -> str:
        return self.token_override or TOKEN_URLS[region]
