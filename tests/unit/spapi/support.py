"""A fake SP-API and LWA behind httpx.MockTransport (no sockets), a fake clock and a budget on it."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from stockguard.amazon.budget import TimeBudget
from stockguard.spapi.credentials import SellerCredentials
from stockguard.spapi.pull_client import SpApiPullClient

CLIENT_ID = "amzn1.application-oa2-client.test-client"
CLIENT_SECRET = "amzn1.oa2-cs.v1.test-client-secret-value"
REFRESH_TOKEN = "Atzr|IwEBI-test-refresh-token-of-seller-one"
ACCESS_TOKEN = "Atza|IwEBI-test-access-token"
SELLER_ID = "A1OURSELLER"
MARKETPLACE = "ATVPDKIKX0DER"
ENDPOINT = "https://sp.test"
TOKEN_URL = "https://lwa.test/auth/o2/token"
NOW = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)
SECRETS = (CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, ACCESS_TOKEN)


class FakeClock:
    """A monotonic clock that only moves when something sleeps; records every sleep."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(round(seconds, 3))
        self.now += seconds


@dataclass(frozen=True)
class ClockBudget(TimeBudget):
    """A TimeBudget on the fake clock, so that sleeping spends it."""

    clock: FakeClock = field(default_factory=FakeClock)

    def remaining(self) -> float:
        return self.deadline - self.clock()


def budget(clock: FakeClock, seconds: float) -> ClockBudget:
    return ClockBudget(clock.now + seconds, clock)


def answer(status: int = 200, body: Any = None, **headers: str) -> httpx.Response:
    return httpx.Response(status, json=body if body is not None else {}, headers=headers)


def errors(code: str, message: str) -> dict[str, Any]:
    return {"errors": [{"code": code, "message": message}]}


Handler = Callable[[httpx.Request], httpx.Response]


class FakeSpApi:
    """LWA answers every token request; every other request goes to `handler` and is recorded."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []
        self.token_requests = 0

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/auth/o2/token":
            self.token_requests += 1
            return answer(200, {"access_token": ACCESS_TOKEN, "expires_in": 3600, "token_type": "bearer"})
        self.requests.append(request)
        return self.handler(request)

    def params(self, index: int) -> dict[str, str]:
        return dict(self.requests[index].url.params)

    def bodies(self) -> list[Any]:
        return [json.loads(r.content) for r in self.requests]


def seller_credentials(seller_id: str | None = SELLER_ID) -> SellerCredentials:
    return SellerCredentials(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        refresh_token=REFRESH_TOKEN,
        seller_id=seller_id,
        region="na",
        marketplace_ids=(MARKETPLACE,),
    )


def pull_client(
    handler: Handler, clock: FakeClock | None = None, *, credentials: SellerCredentials | None = None, **options: Any
) -> tuple[SpApiPullClient, FakeSpApi, FakeClock]:
    """A client over the fake, with deterministic backoff (no jitter) and the fake clock for every wait."""
    fake = FakeSpApi(handler)
    clock = clock or FakeClock()
    client = SpApiPullClient(
        credentials or seller_credentials(),
        endpoint=ENDPOINT,
        token_endpoint=TOKEN_URL,
        clock=clock,
        sleep=clock.sleep,
        http=httpx.Client(transport=httpx.MockTransport(fake)),
        **{"rng": lambda: 1.0, "now": lambda: NOW, **options},
    )
    return client, fake, clock


# -- getInventorySummaries answers ---------------------------------------------------------------------


def summary(sku: str, fulfillable: int = 5, **extra) -> dict:
    return {
        "asin": f"B0{sku}",
        "fnSku": f"X0{sku}",
        "sellerSku": sku,
        "condition": "NewItem",
        "lastUpdatedTime": "2025-02-28T10:00:00Z",
        "productName": "A product",
        "totalQuantity": fulfillable + 3,
        "inventoryDetails": {
            "fulfillableQuantity": fulfillable,
            "inboundWorkingQuantity": 1,
            "inboundShippedQuantity": 1,
            "inboundReceivingQuantity": 1,
            "reservedQuantity": {"totalReservedQuantity": 2, "pendingCustomerOrderQuantity": 1, "fcProcessingQuantity": 1},
            "researchingQuantity": {"totalResearchingQuantity": 0, "researchingQuantityBreakdown": []},
            "unfulfillableQuantity": {"totalUnfulfillableQuantity": 0},
        },
        **extra,
    }


def page(skus: list[str], next_token: str | None = None, **headers: str) -> httpx.Response:
    body: dict = {
        "payload": {
            "granularity": {"granularityType": "Marketplace", "granularityId": MARKETPLACE},
            "inventorySummaries": [summary(s) for s in skus],
        }
    }
    if next_token:
        body["pagination"] = {"nextToken": next_token}
    return answer(200, body, **headers)


PAGES = {None: (["S1", "S2"], "tok-2"), "tok-2": (["S3", "S4"], "tok-3"), "tok-3": (["S5"], None)}


def three_pages(request: httpx.Request) -> httpx.Response:
    skus, token = PAGES[request.url.params.get("nextToken")]
    return page(skus, token)
