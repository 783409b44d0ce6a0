"""Regional Ads API and Login with Amazon hosts (../shared/reference/ads-api.md §2, §3)."""

from __future__ import annotations

import os

from stockguard.ads.port import Region

_MARKETPLACES = {
    Region.NA: ("ATVPDKIKX0DER", "A2EUQ1WTGCTBG2", "A1AM78C64UM0Y8", "A2Q3Y263D00KWC"),
    Region.EU: (
        "A1F83G8C2ARO7P", "A1PA6795UKMFR9", "A13V1IB3VIYZZH", "APJ6JRA9NG5V4", "A1RKKUPIHCS9HS", "A1805IZSGTT6HS",
        "A2NODRKZP88ZB9", "A1C3SOZRARQ6R3", "AMEN7PMS3EDWL", "A33AVAJ2PDY3EV", "A2VIGQ35RCS4UG", "A17E79C6D8DWNP",
        "ARBP9OOSHTCHU", "A21TJRUUN4KGV", "AE08WJ6YKNBMC",
    ),
    Region.FE: ("A1VC38T7YXB528", "A39IBJ37TRP1C6", "A19VAU5U5O7RUS"),
}
_REGION_BY_MARKETPLACE = {m: region for region, ids in _MARKETPLACES.items() for m in ids}

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
