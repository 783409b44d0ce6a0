"""The SP-API pull client of one seller: the SpApiPull port over httpx (issue 13, reconciliation).

Composition, each piece in its own module: the shared Login with Amazon client on the seller's
refresh-token grant (lwa.LwaTokens, over stockguard.amazon.lwa), the transport with the shared retry
policy and the invocation's TimeBudget (transport.Transport, over stockguard.amazon.retry), the token
buckets per (operation, seller) (rate_limit.RateLimiter), the authorised request (call.SellerCall), and
the three operations (inventory_api, listings_api, pricing_api).

Hosts come in by value: `endpoint` (else the region's `sellingpartnerapi-{na,eu,fe}.amazon.com`) and
`token_endpoint` (else LWA's). The deployment's overrides are `SP_API_ENDPOINT` / `SP_LWA_TOKEN_ENDPOINT`,
read by stockguard.environment alone; nothing here reads the environment.

`set_budget` takes the invocation's deadline, as the Ads API client's: no retry wait and no rate-limit
wait goes past it. `stats` counts HTTP requests by operation (retries and token requests included) for the
benchmarks. `clock` drives the token buckets and token expiry, `sleep` every wait, `now` the call times:
tests inject all three.
"""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime

import httpx

from stockguard.amazon.budget import TimeBudget
from stockguard.amazon.retry import RetryPolicy
from stockguard.clock import utcnow
from stockguard.spapi.call import SellerCall
from stockguard.spapi.credentials import SellerCredentials
from stockguard.spapi.errors import SpApiError
from stockguard.spapi.inventory_api import DEFAULT_MAX_RESTARTS, InventoryApi, InventorySnapshot
from stockguard.spapi.listings_api import ListingsApi, ListingsItem
from stockguard.spapi.lwa import LwaTokens
from stockguard.spapi.pricing_api import FeaturedOfferStatus, PricingApi
from stockguard.spapi.rate_limit import RateLimiter
from stockguard.spapi.regions import LWA_TOKEN_URL, REGIONS
from stockguard.spapi.transport import USER_AGENT, Transport

__all__ = ["SpApiPullClient"]


class SpApiPullClient:
    """SpApiPull for one seller (`SpApiAppCredentials.seller(id)` or `.all_sellers()` give the credentials).

    Share one `rate_limiter` between the clients of one process when two may serve the same seller."""

    def __init__(
        self,
        credentials: SellerCredentials,
        *,
        endpoint: str | None = None,
        token_endpoint: str | None = None,
        timeout: float = 15.0,
        max_attempts: int = 6,
        backoff_base: float = 0.5,
        backoff_cap: float = 20.0,
        budget: TimeBudget | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], datetime] = utcnow,
        rng: Callable[[], float] = random.random,
        http: httpx.Client | None = None,
        rate_limiter: RateLimiter | None = None,
        max_restarts: int = DEFAULT_MAX_RESTARTS,
    ) -> None:
        if endpoint is None and credentials.region is None:
            raise ValueError("the SP-API host is unknown: the credentials name no region, so pass `endpoint`")
        self._credentials = credentials
        self._endpoint = (endpoint or REGIONS[credentials.region or ""].endpoint).rstrip("/")
        policy = RetryPolicy(max_attempts=max_attempts, backoff_base=backoff_base, backoff_cap=backoff_cap, rng=rng)
        self._transport = Transport(
            client=http or httpx.Client(timeout=timeout, headers={"user-agent": USER_AGENT}),
            sleep=sleep,
            timeout=timeout,
            policy=policy,
            budget=budget,
        )
        tokens = LwaTokens(credentials, self._transport, token_url=token_endpoint or LWA_TOKEN_URL, clock=clock)
        limiter = rate_limiter or RateLimiter(clock=clock, sleep=sleep)
        call = SellerCall(
            self._endpoint,
            tokens,
            self._transport,
            limiter,
            seller_key=credentials.seller_id or tokens.seller_key,
            secrets=credentials.secret_values(),
        )
        self._inventory = InventoryApi(call, now=now, max_restarts=max_restarts)
        self._listings = ListingsApi(call)
        self._pricing = PricingApi(call)

    def __repr__(self) -> str:
        return f"SpApiPullClient(seller_id={self._credentials.seller_id!r}, endpoint={self._endpoint!r})"

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> SpApiPullClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def seller_id(self) -> str | None:
        return self._credentials.seller_id

    @property
    def stats(self) -> Counter[str]:
        """HTTP requests sent so far by operation (retries and LWA token requests included), for benchmarks."""
        return self._transport.stats

    def set_budget(self, budget: TimeBudget | None) -> None:
        """The deadline of the current invocation: no wait (retry or rate limit) may pass it."""
        self._transport.budget = budget

    # -- SpApiPull -----------------------------------------------------------------------------------------
    def inventory_summaries(
        self, marketplace_id: str, *, since: datetime | None = None, skus: Sequence[str] | None = None
    ) -> InventorySnapshot:
        return self._inventory.summaries(marketplace_id, since=since, skus=skus)

    def listings_item(self, sku: str, marketplace_ids: Sequence[str] | None = None) -> ListingsItem | None:
        marketplaces = list(marketplace_ids) if marketplace_ids else list(self._credentials.marketplace_ids)
        return self._listings.item(self._require_seller_id("getListingsItem"), sku, marketplaces)

    def competitive_summary(self, marketplace_id: str, asins: Sequence[str]) -> dict[str, FeaturedOfferStatus]:
        return self._pricing.competitive_summary(self._require_seller_id("getCompetitiveSummary"), marketplace_id, asins)

    def _require_seller_id(self, operation: str) -> str:
        if not self._credentials.seller_id:
            raise SpApiError(f"{operation} needs the seller id: use the credentials' `sellers` shape (or add seller_id)")
        return self._credentials.seller_id
