"""The SP-API pull client of each seller, built on first use and kept for the container's life (warm runs
reuse the LWA access token and the rate limiter's buckets), with the invocation's time budget."""

from __future__ import annotations

from stockguard.amazon.budget import TimeBudget
from stockguard.spapi.credentials import SellerCredentials
from stockguard.spapi.port import SpApiPull
from stockguard.spapi.pull_client import SpApiPullClient
from stockguard.spapi.rate_limit import RateLimiter


class PullClients:
    def __init__(self, *, endpoint: str | None = None, token_endpoint: str | None = None) -> None:
        self._endpoint = endpoint
        self._token_endpoint = token_endpoint
        self._clients: dict[str, SpApiPullClient] = {}
        self._limiter = RateLimiter()  # one bucket per (operation, seller), shared by the clients
        self._budget: TimeBudget | None = None

    def __call__(self, credentials: SellerCredentials) -> SpApiPull:
        key = credentials.seller_id or ""
        client = self._clients.get(key)
        if client is None:
            client = SpApiPullClient(credentials, endpoint=self._endpoint, token_endpoint=self._token_endpoint, rate_limiter=self._limiter)
            self._clients[key] = client
        client.set_budget(self._budget)
        return client

    def set_budget(self, budget: TimeBudget | None) -> None:
        self._budget = budget
        for client in self._clients.values():
            client.set_budget(budget)
