"""The Amazon Ads API client over httpx: the AdsApi port for SP v3, SB v4 and SD (ads-api.md).

Composition: tokens.LwaTokenProvider (the shared LWA client of stockguard.amazon.lwa: cached tokens,
refreshed early and after a 401), transport.RetryingTransport (the shared retry policy of
stockguard.amazon.retry: 429/5xx/timeouts with backoff inside a time budget), routes (paths, media
types, limits), entities (list items -> AdEntity) and multistatus (207 -> UpdateResult).
Hosts come in by value (`api_endpoint` / `token_endpoint` or `endpoints`): nothing here reads the environment.

set_states and whole-call failures: the changes are sent in chunks of the endpoint's maximum, one after
the other. When a chunk's call fails as a whole and retrying did not help (throttled, 5xx, timeouts, the
time budget spent) its entities come back THROTTLED; when Amazon refuses it (another 4xx, LWA refusing
the credentials) they come back FAILED. Either way the results of the other chunks are kept, so entities
that were APPLIED are never reported as failed.
"""

from __future__ import annotations

import logging
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

import httpx

from stockguard.ads.credentials import AdsCredentials
from stockguard.ads.endpoints import Endpoints
from stockguard.ads.entities import parse_profiles, product_ad_entity, sb_campaign_entity, split_sb_ads
from stockguard.ads.errors import AdsApiError, AdsApiRetryableError
from stockguard.ads.multistatus import parse_indexed, parse_sd
from stockguard.ads.port import Outcome, Profile, Region, UpdateResult
from stockguard.ads.routes import LIVE_STATES, PROFILES_MEDIA, Route, route_for
from stockguard.ads.tokens import LwaTokenProvider
from stockguard.ads.transport import CallInfo, RetryingTransport
from stockguard.amazon.budget import TimeBudget
from stockguard.domain.ads import AdEntity, AdProduct, EntityState, EntityType

logger = logging.getLogger(__name__)

ERROR_TEXT_MAX = 300


def _chunks(items: Sequence[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _sd_id(value: str) -> int | str:
    """SD ids are int64 numbers in the spec: send them as numbers when they are."""
    return int(value) if value.isdigit() else value


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def _error_from(info: CallInfo, response: httpx.Response) -> AdsApiError:
    """A non-retryable error with the status and Amazon's code and message (SP/SB {code, message}, SD {code, details})."""
    body = _json(response)
    body = body if isinstance(body, dict) else {}
    code = str(body.get("code") or "")
    message = str(body.get("message") or body.get("details") or "")[:ERROR_TEXT_MAX]
    return AdsApiError(
        f"{info.method} {info.path}: HTTP {response.status_code} {code} {message}".strip(), status=response.status_code, code=code
    )


class AdsApiClient:
    """AdsApi over httpx. `sleep` and `rng` are injectable so tests record backoff instead of waiting."""

    def __init__(
        self,
        credentials: AdsCredentials,
        *,
        endpoints: Endpoints | None = None,
        http: httpx.Client | None = None,
        timeout: float = 35.0,
        max_attempts: int = 6,
        backoff_base: float = 0.5,
        backoff_cap: float = 20.0,
        budget: TimeBudget | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
        clock: Callable[[], float] = time.monotonic,
        api_endpoint: str | None = None,
        token_endpoint: str | None = None,
    ) -> None:
        """`endpoints` defaults to Endpoints(api_endpoint, token_endpoint): the regional hosts unless an
        override is given (the simulator, tests, the template's endpoint override parameters).
        `clock` drives token expiry only."""
        self._credentials = credentials
        self._endpoints = endpoints or Endpoints(api_endpoint, token_endpoint)
        self._transport = RetryingTransport(
            http or httpx.Client(timeout=timeout),
            timeout=timeout,
            max_attempts=max_attempts,
            backoff_base=backoff_base,
            backoff_cap=backoff_cap,
            budget=budget,
            sleep=sleep,
            rng=rng,
        )
        self._tokens = LwaTokenProvider(credentials, self._post_token_form, clock=clock)

    def __repr__(self) -> str:
        return f"AdsApiClient(client_id={self._credentials.client_id!r})"

    @property
    def stats(self) -> Counter[str]:
        """HTTP requests sent so far (retries and token refreshes included) by "METHOD /path", for benchmarks."""
        return self._transport.stats

    def set_budget(self, budget: TimeBudget | None) -> None:
        """The deadline of the current invocation (runtime.apply_time_budget sets it per Lambda event)."""
        self._transport.budget = budget

    # -- HTTP ----------------------------------------------------------------------------------------
    def _post_token_form(self, url: str, form: dict[str, str]) -> tuple[int, Any]:
        info = CallInfo("POST", urlsplit(url).path or "/auth/o2/token")
        response = self._transport.send(info, url, data=form, headers={"Accept": "application/json"})
        return response.status_code, _json(response)

    def _call(
        self, method: str, region: Region, path: str, *, profile_id: str | None, media: str, body: Any = None, params: dict | None = None
    ) -> Any:
        """One Ads API call: the parsed 2xx body; a 401 refreshes the token and is retried once."""
        info = CallInfo(method, path, profile_id)
        token_url = self._endpoints.token(region)
        token = self._tokens.token(token_url)
        for retried_401 in (False, True):
            headers = {"Authorization": f"Bearer {token}", "Amazon-Advertising-API-ClientId": self._credentials.client_id, "Accept": media}
            if body is not None:
                headers["Content-Type"] = media
            if profile_id is not None:
                headers["Amazon-Advertising-API-Scope"] = str(profile_id)
            response = self._transport.send(info, self._endpoints.api(region) + path, headers=headers, json=body, params=params)
            if response.status_code != 401 or retried_401:
                break
            logger.info(
                "Ads API answered 401: refreshing the access token once", extra={"method": method, "path": path, "profile_id": profile_id}
            )
            token = self._tokens.refresh_after_401(token_url, token)
        if response.status_code >= 400:
            raise _error_from(info, response)
        return _json(response)

    # -- AdsApi: reads -------------------------------------------------------------------------------
    def list_profiles(self, region: Region) -> list[Profile]:
        return parse_profiles(self._call("GET", region, "/v2/profiles", profile_id=None, media=PROFILES_MEDIA), region)

    def list_entities(self, region: Region, profile_id: str, ad_product: AdProduct) -> list[AdEntity]:
        route = route_for(ad_product, EntityType.AD)
        if route.is_sd:
            items = self._sd_pages(region, profile_id, route, {"stateFilter": ",".join(s.lower() for s in LIVE_STATES)})
            return [product_ad_entity(profile_id, AdProduct.SD, ad) for ad in items]
        items = self._token_pages(region, profile_id, route, {"stateFilter": {"include": list(LIVE_STATES)}})
        if ad_product is AdProduct.SP:
            return [product_ad_entity(profile_id, AdProduct.SP, ad) for ad in items]
        entities, legacy = split_sb_ads(profile_id, items)
        if legacy:
            states = self.get_states(region, profile_id, AdProduct.SB, EntityType.CAMPAIGN, list(legacy))
            entities.extend(sb_campaign_entity(profile_id, cid, ads, states.get(cid)) for cid, ads in legacy.items())
        return entities

    def get_states(
        self, region: Region, profile_id: str, ad_product: AdProduct, entity_type: EntityType, entity_ids: Sequence[str]
    ) -> dict[str, EntityState]:
        route = route_for(ad_product, entity_type)
        ids = list(dict.fromkeys(str(i) for i in entity_ids))
        states: dict[str, EntityState] = {}
        for chunk in _chunks(ids, route.id_filter_max):
            if route.is_sd:
                items = self._sd_pages(region, profile_id, route, {route.id_filter: ",".join(chunk)}, expected=chunk)
            else:
                items = self._token_pages(region, profile_id, route, {route.id_filter: {"include": chunk}})
            for item in items:
                if item.get(route.id_key) not in (None, "") and str(item[route.id_key]) in chunk:
                    states[str(item[route.id_key])] = EntityState.parse(item.get("state"))
        return states

    # -- AdsApi: writes ------------------------------------------------------------------------------
    def set_states(
        self, region: Region, profile_id: str, ad_product: AdProduct, entity_type: EntityType, changes: Sequence[tuple[str, EntityState]]
    ) -> list[UpdateResult]:
        route = route_for(ad_product, entity_type)
        results: list[UpdateResult] = []
        for chunk in _chunks([(str(i), EntityState(s)) for i, s in changes], route.update_max):
            ids = [entity_id for entity_id, _ in chunk]
            try:
                results.extend(self._put(region, profile_id, route, chunk))
            except AdsApiRetryableError as error:
                results.extend(
                    UpdateResult(entity_id=i, outcome=Outcome.THROTTLED, error_code="RETRYABLE", error_message=str(error)) for i in ids
                )
            except AdsApiError as error:
                code = error.code or (f"HTTP_{error.status}" if error.status else "ERROR")
                results.extend(UpdateResult(entity_id=i, outcome=Outcome.FAILED, error_code=code, error_message=str(error)) for i in ids)
        return results

    def _put(self, region: Region, profile_id: str, route: Route, chunk: list[tuple[str, EntityState]]) -> list[UpdateResult]:
        ids = [entity_id for entity_id, _ in chunk]
        if route.is_sd:
            body: Any = [{route.id_key: _sd_id(i), "state": s.value.lower()} for i, s in chunk]
        else:
            body = {route.collection: [{route.id_key: i, "state": s.value} for i, s in chunk]}
        answer = self._call("PUT", region, route.update_path, profile_id=profile_id, media=route.media, body=body)
        return parse_sd(answer, route.id_key, ids) if route.is_sd else parse_indexed(answer, route.collection, ids)

    # -- paging --------------------------------------------------------------------------------------
    def _token_pages(self, region: Region, profile_id: str, route: Route, filters: dict) -> list[dict]:
        """SP v3 / SB v4 list: POST with maxResults, following nextToken until it is absent."""
        items: list[dict] = []
        request = {**filters, "maxResults": route.page_size}
        while True:
            answer = self._call("POST", region, route.list_path, profile_id=profile_id, media=route.media, body=request)
            if not isinstance(answer, dict) or not isinstance(answer.get(route.collection) or [], list):
                raise AdsApiError(f"POST {route.list_path}: expected an object with a '{route.collection}' array")
            items.extend(item for item in answer.get(route.collection) or [] if isinstance(item, dict))
            token = answer.get("nextToken")
            if not token:
                return items
            request = {**filters, "maxResults": route.page_size, "nextToken": token}

    def _sd_pages(
        self, region: Region, profile_id: str, route: Route, params: dict, *, expected: Sequence[str] | None = None
    ) -> list[dict]:
        """SD list: GET with startIndex/count until an empty page (the server may cap count below ours, so a
        short page is not proof of the end) or, for a read by id, until every requested id has come back."""
        items: list[dict] = []
        missing = set(expected) if expected is not None else None
        start = 0
        while True:
            page_params = {**params, "startIndex": start, "count": route.page_size}
            answer = self._call("GET", region, route.list_path, profile_id=profile_id, media=route.media, params=page_params)
            if not isinstance(answer, list):
                raise AdsApiError(f"GET {route.list_path}: expected a JSON array")
            if not answer:
                return items
            page = [item for item in answer if isinstance(item, dict)]
            items.extend(page)
            start += len(answer)
            if missing is not None:
                missing.difference_update(str(item.get(route.id_key)) for item in page)
                if not missing:
                    return items
