"""Regional Ads API and Login with Amazon hosts (../shared/reference/ads-api.md §2, §3).

Overrides (the simulator, tests, the template's AdsApiEndpointOverride) come in by value: this package
never reads the environment, so what a client talks to is decided by whoever builds it (runtime.py
passes the function environment's values).
"""

from __future__ import annotations

from stockguard.ads.port import Region
from stockguard.amazon.lwa import LWA_TOKEN_URLS
from stockguard.domain.marketplaces import REGION_CODE_BY_MARKETPLACE

_REGION_BY_MARKETPLACE = {m: Region(code) for m, code in REGION_CODE_BY_MARKETPLACE.items()}

API_HOSTS = {
    Region.NA: "https://advertising-api.amazon.com",
    Region.EU: "https://advertising-api-eu.amazon.com",
    Region.FE: "https://advertising-api-fe.amazon.com",
}
TOKEN_URLS = {region: LWA_TOKEN_URLS[region.value] for region in Region}


def region_for_marketplace(marketplace_id: str) -> Region:
    try:
        return _REGION_BY_MARKETPLACE[marketplace_id]
    except KeyError:
        raise ValueError(f"unknown marketplace id {marketplace_id!r}: no Ads API region for it") from None


class Endpoints:
    """Hosts per region; an explicit `api_endpoint` / `token_endpoint` replaces them for every region."""

    def __init__(self, api_endpoint: str | None = None, token_endpoint: str | None = None) -> None:
        self.api_override = (api_endpoint or "").rstrip("/")
        self.token_override = token_endpoint or ""

    def api(self, region: Region) -> str:
        return self.api_override or API_HOSTS[region]

    def token(self, region: Region) -> str:
        return self.token_override or TOKEN_URLS[region]
