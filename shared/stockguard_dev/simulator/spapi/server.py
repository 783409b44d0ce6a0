"""SpApiSimulator: getInventorySummaries, getListingsItem, getCompetitiveSummary and the LWA token
endpoint on a real HTTP server bound to 127.0.0.1, with the Ads simulator's fault injection and
request recording, and SP-API's per-operation rate limits."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from stockguard_dev.simulator.auth import LwaAuthority, build_clients
from stockguard_dev.simulator.exchange import TOKEN_PATH
from stockguard_dev.simulator.faults import FaultConfig
from stockguard_dev.simulator.httpd import LocalHttpServer
from stockguard_dev.simulator.recording import RecordedRequest, RequestLog
from stockguard_dev.simulator.spapi.call import Context, Options
from stockguard_dev.simulator.spapi.credentials import (
    GRANTLESS_SCOPES,
    AppCredentials,
    default_credentials,
    parse_credentials,
    principals,
)
from stockguard_dev.simulator.spapi.dispatch import SpApiDispatcher
from stockguard_dev.simulator.spapi.next_token import NEXT_TOKEN_TTL_SECONDS
from stockguard_dev.simulator.spapi.rate_limits import RateLimit, RateLimiter
from stockguard_dev.simulator.spapi.seed import SpApiSeed, load_seed
from stockguard_dev.simulator.spapi.state import SpApiState


class SpApiSimulator:
    """A local SP-API (the reconciliation reads StockGuard makes) over real HTTP.

    `seed`: an SpApiSeed, its JSON form, or a path to it (format: ../README.md). `credentials`: the
    one-seller or multi-seller JSON shape; default: the seed's "credentials" key, else generated
    (`credentials()` returns them). `rate_limits` override the default plans per operation
    ({"getListingsItem": RateLimit(5, 10)} or (rate, burst)); `rate_limiting=False` turns throttling
    off (the header stays). `clock` (epoch seconds) drives token lifetimes, nextToken expiry,
    rate-limit refills and lastUpdatedTime: inject a ManualClock in tests.
    """

    def __init__(
        self,
        seed: SpApiSeed | Mapping[str, Any] | str | Path,
        *,
        credentials: Mapping[str, Any] | None = None,
        faults: FaultConfig | None = None,
        rate_limits: Mapping[str, RateLimit | tuple[float, int]] | None = None,
        rate_limiting: bool = True,
        page_size: int = 50,
        next_token_ttl_seconds: float = NEXT_TOKEN_TTL_SECONDS,
        token_ttl_seconds: int = 3600,
        port: int = 0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if isinstance(seed, (str, Path)):
            seed = load_seed(seed)
        elif not isinstance(seed, SpApiSeed):
            seed = SpApiSeed.from_json(seed)
        if page_size < 1:
            raise ValueError("page_size must be >= 1")
        self._seed = seed
        given = credentials if credentials is not None else seed.credentials
        self._credentials: AppCredentials = parse_credentials(given, seed) if given is not None else default_credentials(seed)
        self._principals = principals(self._credentials)
        clients = {
            self._credentials.client_id: {
                "client_secret": self._credentials.client_secret,
                "refresh_tokens": sorted(self._principals),
            }
        }
        self._authority = LwaAuthority(build_clients(clients, None), token_ttl_seconds, clock, scopes=GRANTLESS_SCOPES)
        self._clock = clock
        self._faults = faults if faults is not None else FaultConfig()
        self._limiter = RateLimiter(rate_limits, enabled=rate_limiting, clock=clock)
        self._options = Options(page_size=page_size, next_token_ttl_seconds=next_token_ttl_seconds)
        self._state = SpApiState(seed, clock)
        self._log = RequestLog()
        self._http = LocalHttpServer(
            lambda raw: self._dispatcher().handle(raw), self._log, port=port, name="spapi-simulator", server_version="SpApiSimulator/1"
        )

    def __repr__(self) -> str:
        where = self._http.running and self.base_url
        return f"SpApiSimulator(sellers={sorted(self._seed.sellers)}, url={where or 'stopped'})"

    # lifecycle -----------------------------------------------------------------------------------

    def start(self) -> str:
        """Bind 127.0.0.1 (ephemeral port unless `port` was given), serve in a daemon thread, return base_url."""
        return self._http.start()

    def stop(self) -> None:
        """Stop serving; slow (fault-delayed) requests are cut short."""
        self._http.stop()

    def __enter__(self) -> SpApiSimulator:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # addresses -----------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The SP-API endpoint (serves every region); see endpoint_for."""
        if not self._http.running:
            raise RuntimeError("SpApiSimulator is not started")
        return self._http.base_url

    @property
    def token_url(self) -> str:
        return self.base_url + TOKEN_PATH

    def endpoint_for(self, region: str) -> str:
        """base_url + "/na" | "/eu" | "/fe": like that regional host, it refuses (403) a seller token
        whose authorisation is for another region."""
        code = str(region).lower()
        if code not in ("na", "eu", "fe"):
            raise ValueError(f"unknown region {region!r}")
        return f"{self.base_url}/{code}"

    # observation and control ---------------------------------------------------------------------

    @property
    def seed(self) -> SpApiSeed:
        """The seed as loaded (not updated by the mutators; use inventory_of / competitive_summary_of)."""
        return self._seed

    def credentials(self) -> dict[str, Any]:
        """The accepted app and seller authorisations, in the multi-seller JSON shape."""
        return self._credentials.to_json()

    @property
    def requests(self) -> list[RecordedRequest]:
        return self._log.items()

    def clear_requests(self) -> None:
        self._log.clear()

    @property
    def faults(self) -> FaultConfig:
        return self._faults

    @faults.setter
    def faults(self, value: FaultConfig) -> None:
        self._faults = value

    @property
    def rate_limiter(self) -> RateLimiter:
        """Live: `sim.rate_limiter.enabled = False`, `.set_limit("getListingsItem", (1, 1))`, `.reset()`."""
        return self._limiter

    @property
    def page_size(self) -> int:
        return self._options.page_size

    @page_size.setter
    def page_size(self, value: int) -> None:
        if value < 1:
            raise ValueError("page_size must be >= 1")
        self._options.page_size = value

    def expire_tokens(self) -> None:
        """Every access token issued so far becomes expired (calls with it answer 403)."""
        self._authority.expire_all()

    # test mutators -------------------------------------------------------------------------------

    def set_inventory(self, seller_id: str, marketplace_id: str, sku: str, **fields: Any) -> dict[str, Any]:
        """Change an inventory item as a warehouse event would: top-level fields (totalQuantity,
        productName, …) and inventoryDetails fields (fulfillableQuantity=0, reservedQuantity={…}, …).
        totalQuantity follows the details unless given; lastUpdatedTime becomes now unless given.
        An unknown SKU is added when asin= is given (else KeyError). Returns the item."""
        return self._state.set_inventory(seller_id, marketplace_id, sku, fields)

    def inventory_of(self, seller_id: str, marketplace_id: str, sku: str) -> dict[str, Any]:
        """The item as getInventorySummaries with details=true returns it; KeyError if unknown."""
        item = self._state.find_item(seller_id, marketplace_id, sku)
        if item is None:
            raise KeyError(f"{sku} is not in {seller_id}/{marketplace_id}")
        return item

    def set_listing(self, seller_id: str, marketplace_id: str, sku: str, body: Mapping[str, Any] | None) -> None:
        """Override getListingsItem for a SKU (its response shape); None drops the override."""
        self._state.set_listing(seller_id, marketplace_id, sku, dict(body) if body is not None else None)

    def set_featured(self, seller_id: str, marketplace_id: str, asin: str, featured: bool, **offer: Any) -> dict[str, Any]:
        """Make `seller_id` (the caller or any other seller) featured or not for the ASIN: its offer is
        added to (or removed from) the "New" featuredBuyingOptions' segmentedFeaturedOffers. `offer`
        fields (listingPrice, fulfillmentType, featuredOfferSegments, …) shape an added offer or update
        an existing one. Returns the competitive summary body."""
        return self._state.set_featured(seller_id, marketplace_id, asin, featured, offer)

    def competitive_summary_of(self, marketplace_id: str, asin: str) -> dict[str, Any] | None:
        return self._state.competitive_summary(marketplace_id, asin)

    def write_credentials(self, path: str | Path) -> Path:
        """Write credentials() as JSON (for a CLI's --credentials-file)."""
        target = Path(path)
        target.write_text(json.dumps(self.credentials(), indent=2) + "\n", encoding="utf-8")
        return target

    # used by the request handler -------------------------------------------------------------------

    def _dispatcher(self) -> SpApiDispatcher:
        return SpApiDispatcher(
            context=Context(self._state, self._options, self._clock),
            authority=self._authority,
            principals=self._principals,
            faults=self._faults,
            limiter=self._limiter,
            sleep=self._http.stopping.wait,
        )
