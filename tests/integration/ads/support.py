"""Shared names of the Ads API client tests: demo profile ids, credentials, the harness."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from stockguard.ads import AdsApiClient, AdsCredentials
from stockguard_dev.simulator import DEMO_CATALOG_PATH, AdsSimulator

US_SELLER = "1111111111111111"
DE_SELLER = "2222222222222222"
US_VENDOR = "3333333333333333"
CLIENT_ID, SECRET, REFRESH = "demo-client-id", "demo-client-secret", "Atzr|demo-refresh-token"
CREDS = AdsCredentials(client_id=CLIENT_ID, client_secret=SECRET, refresh_token=REFRESH)
RNG = 0.5  # rng() value: backoff = 0.5 * min(cap, base * 2**attempt)


@dataclass
class Harness:
    """A client on a simulator, with the sleeps it asked for."""

    sim: AdsSimulator
    client: AdsApiClient
    sleeps: list[float] = field(default_factory=list)

    def calls(self, method: str, path: str) -> list[Any]:
        return [r for r in self.sim.requests if r.method == method and r.path == path]

    def token_calls(self) -> int:
        return len(self.calls("POST", "/auth/o2/token"))


def demo_catalog(**entities: list[dict]) -> dict:
    """The demo catalog as a dict, with the US seller's entity lists replaced by `entities`."""
    raw = json.loads(DEMO_CATALOG_PATH.read_text())
    raw["entities"][US_SELLER].update(entities)
    return raw
