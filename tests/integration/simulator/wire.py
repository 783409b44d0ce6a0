"""Raw httpx helpers for the simulator tests: the real client lives elsewhere, so these tests speak
the wire format directly."""

from __future__ import annotations

import httpx

from stockguard_dev.simulator import AdsSimulator

US = "1111111111111111"  # seller, US
DE = "2222222222222222"  # seller, DE
VENDOR = "3333333333333333"  # vendor, US
CLIENT_ID = "demo-client-id"
CREDENTIALS = {"client_id": CLIENT_ID, "client_secret": "demo-client-secret", "refresh_token": "Atzr|demo-refresh-token"}

SP_AD = "application/vnd.spProductAd.v3+json"
SP_CAMPAIGN = "application/vnd.spCampaign.v3+json"
SB_AD = "application/vnd.sbadresource.v4+json"
SB_CAMPAIGN = "application/vnd.sbcampaignresource.v4+json"
JSON = "application/json"


def get_token(base_url: str, **overrides: str) -> httpx.Response:
    form = {"grant_type": "refresh_token", **CREDENTIALS, **overrides}
    return httpx.post(f"{base_url}/auth/o2/token", data=form)


def headers(token: str, *, scope: str | None = US, media: str | None = None, client_id: str = CLIENT_ID) -> dict[str, str]:
    out = {"Authorization": f"Bearer {token}", "Amazon-Advertising-API-ClientId": client_id}
    if scope is not None:
        out["Amazon-Advertising-API-Scope"] = scope
    if media is not None:
        out["Content-Type"] = media
        out["Accept"] = media
    return out


class Api:
    """Authenticated raw calls against one simulator."""

    def __init__(self, sim: AdsSimulator) -> None:
        self.sim = sim
        self.http = httpx.Client(base_url=sim.base_url, timeout=10)
        self.token = get_token(sim.base_url).json()["access_token"]

    def post(
        self, path: str, media: str, body: object, scope: str = US, extra: dict[str, str] | None = None, **kw: object
    ) -> httpx.Response:
        return self.http.post(path, json=body, headers={**headers(self.token, scope=scope, media=media), **(extra or {})}, **kw)

    def put(
        self, path: str, media: str, body: object, scope: str = US, extra: dict[str, str] | None = None, **kw: object
    ) -> httpx.Response:
        return self.http.put(path, json=body, headers={**headers(self.token, scope=scope, media=media), **(extra or {})}, **kw)

    def get(self, path: str, params: dict[str, str] | None = None, scope: str | None = US) -> httpx.Response:
        return self.http.get(path, params=params, headers=headers(self.token, scope=scope))
