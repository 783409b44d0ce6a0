"""AdsSimulator: the Ads API and LWA token endpoint on a real HTTP server bound to 127.0.0.1."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from stockguard_dev.simulator.auth import LwaAuthority, build_clients
from stockguard_dev.simulator.call import Backend
from stockguard_dev.simulator.catalog import COLLECTIONS, SB_STATES, SD_STATES, SP_STATES, Catalog, load_catalog
from stockguard_dev.simulator.dispatch import Dispatcher
from stockguard_dev.simulator.faults import FaultConfig
from stockguard_dev.simulator.httpd import HOST, LocalHttpServer
from stockguard_dev.simulator.recording import RecordedRequest, RequestLog
from stockguard_dev.simulator.routes import TOKEN_PATH
from stockguard_dev.simulator.store import EntityStore

__all__ = ["HOST", "AdsSimulator"]

_STATES = {"SP": SP_STATES, "SB": SB_STATES, "SD": SD_STATES}


class AdsSimulator:
    """A faithful local Amazon Ads API (SP v3, SB v4, SD, profiles, LWA) over real HTTP.

    `catalog` is a Catalog, its dict form, or a path to its JSON. Page sizes given here override
    those of `faults`. Use as a context manager or call start()/stop().
    """

    def __init__(
        self,
        catalog: Catalog | Mapping[str, Any] | str | Path,
        *,
        faults: FaultConfig | None = None,
        token_ttl_seconds: int = 3600,
        clients: Mapping[str, Mapping[str, Any]] | None = None,
        page_size_sp: int | None = None,
        page_size_sb: int | None = None,
        page_size_sd: int | None = None,
        port: int = 0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if isinstance(catalog, (str, Path)):
            catalog = load_catalog(catalog)
        elif not isinstance(catalog, Catalog):
            catalog = Catalog.model_validate(catalog)
        self._catalog = catalog
        self._faults = faults if faults is not None else FaultConfig()
        for name, value in (("page_size_sp", page_size_sp), ("page_size_sb", page_size_sb), ("page_size_sd", page_size_sd)):
            if value is not None:
                setattr(self._faults, name, value)
        self._store = EntityStore(catalog)
        self._authority = LwaAuthority(build_clients(clients, catalog.credentials), token_ttl_seconds, clock)
        self._log = RequestLog()
        self._http = LocalHttpServer(
            lambda raw: self._dispatcher().handle(raw), self._log, port=port, name="ads-simulator", server_version="AdsSimulator/1"
        )

    def __repr__(self) -> str:
        where = self._http.running and self.base_url
        return f"AdsSimulator(profiles={len(self._catalog.profiles)}, url={where or 'stopped'})"

    # lifecycle -----------------------------------------------------------------------------------

    def start(self) -> str:
        """Bind 127.0.0.1 (ephemeral port unless `port` was given), serve in a daemon thread, return base_url."""
        return self._http.start()

    def stop(self) -> None:
        """Stop serving; slow (fault-delayed) requests are cut short."""
        self._http.stop()

    def __enter__(self) -> AdsSimulator:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # addresses -----------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        if not self._http.running:
            raise RuntimeError("AdsSimulator is not started")
        return self._http.base_url

    @property
    def token_url(self) -> str:
        return self.base_url + TOKEN_PATH

    def endpoint_for(self, region: str) -> str:
        """base_url + "/na" | "/eu" | "/fe": behaves like that regional host (profiles of the region only,
        other regions' scopes refused). The token endpoint also answers under the prefix."""
        region = str(region).upper()
        if region not in ("NA", "EU", "FE"):
            raise ValueError(f"unknown region {region!r}")
        return f"{self.base_url}/{region.lower()}"

    # observation and control ---------------------------------------------------------------------

    @property
    def catalog(self) -> Catalog:
        """The catalog as loaded (not updated by PUTs; use state_of)."""
        return self._catalog

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

    def state_of(self, profile_id: str | int, ad_product: str, entity_type: str, entity_id: str | int) -> str:
        """The entity's current state in the API's own casing (SD lower-case). KeyError if unknown."""
        return self._store.state_of(str(profile_id), _collection(ad_product, entity_type), str(entity_id))

    def set_state(self, profile_id: str | int, ad_product: str, entity_type: str, entity_id: str | int, state: str) -> None:
        """Change a state as an operator would in the console (any casing; stored in the API's casing)."""
        product = str(ad_product).upper()
        stored = state.lower() if product == "SD" else state.upper()
        if stored not in _STATES.get(product, ()):
            raise ValueError(f"{state!r} is not a {product} state")
        self._store.set_state(str(profile_id), _collection(product, entity_type), str(entity_id), stored)

    def expire_tokens(self) -> None:
        """Every access token issued so far becomes expired (calls with it answer 401)."""
        self._authority.expire_all()

    # used by the request handler -------------------------------------------------------------------

    def _dispatcher(self) -> Dispatcher:
        backend = Backend(store=self._store, profiles=self._catalog.profiles, faults=self._faults)
        return Dispatcher(backend, self._authority, sleep=self._http.stopping.wait)


def _collection(ad_product: str, entity_type: str) -> str:
    key = (str(ad_product).upper(), str(entity_type).lower())
    if key not in COLLECTIONS:
        raise ValueError(f"unknown ad product / entity type {key}")
    return COLLECTIONS[key]
