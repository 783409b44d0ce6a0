"""The Amazon Ads API client over httpx: the AdsApi port for SP v3, SB v4 and SD.

Login with Amazon tokens are cached per (token URL, client id) for the life of the container and
refreshed five minutes before expiry or after a 401, one refresh at a time. Each call retries 429 (with
Retry-After when given), 5xx and timeouts with capped exponential backoff and full jitter, never other
4xx, and never sleeps past the time budget. Backoff is per call: one profile's throttling never blocks
another profile's calls. Nothing here logs or raises a token or a secret.
"""

from __future__ import annotations

import logging
import random
import threading
import time
from collections import Counter
from typing import Any, Callable, Iterable, Sequence

import httpx

from stockguard.ads.credentials import AdsCredentials
from stockguard.ads.endpoints import Endpoints
from stockguard.ads.errors import AdsApiAuthError, AdsApiError, AdsApiRetryableError
from stockguard.ads.multistatus import parse_indexed, parse_sd
from stockguard.ads.port import Outcome, Profile, Region, UpdateResult
from stockguard.ads.retry import RETRYABLE_STATUS, TimeBudget, backoff_seconds, retry_after_seconds
from stockguard.domain.ads import MAX_UPDATE_BATCH, AdEntity, AdProduct, EntityRef, EntityState, EntityType

logger = logging.getLogger(__name__)

SP_AD, SP_CAMPAIGN = "application/vnd.spProductAd.v3+json", "application/vnd.spCampaign.v3+json"
SB_AD, SB_CAMPAIGN = "application/vnd.sbadresource.v4+json", "application/vnd.sbcampaignresource.v4+json"
SD = "application/json"
LIST_STATES = ["ENABLED", "PAUSED", "ARCHIVED"]
REFRESH_MARGIN_SECONDS = 300
SB_FILTER_MAX, SD_FILTER_MAX, SP_FILTER_MAX = 10, 100, 1000

_tokens: dict[tuple[str, str], tuple[str, float]] = {}
_token_lock = threading.Lock()


def clear_token_cache() -> None:
    with _token_lock:
        _tokens.clear()


def _chunks(items: Sequence, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _sd_id(value: str) -> int | str:
    return int(value) if str(value).isdigit() else value


class AdsApiClient:
    def __init__(
        self,
        credentials: AdsCredentials,
        *,
        api_endpoint: str | None = None,
        token_endpoint: str | None = None,
        http: httpx.Client | None = None,
        timeout: float = 35.0,
        max_attempts: int = 6,
        backoff_base: float = 0.5,
        backoff_cap: float = 20.0,
        budget: TimeBudget | None = None,
        sleep: Callable[[float], None] = time.sleep,
        rng: Callable[[], float] = random.random,
    ) -> None:
        self._credentials = credentials
        self._endpoints = Endpoints(api_endpoint, token_endpoint)
        self._http = http or httpx.Client(timeout=timeout)
        self._timeout = timeout
        self._max_attempts = max_attempts
        self._base, self._cap = backoff_base, backoff_cap
        self._budget = budget
        self._sleep, self._rng = sleep, rng
        self.stats: Counter[str] = Counter()

    def __repr__(self) -> str:
        return f"AdsApiClient(client_id={self._credentials.client_id!r})"

    def set_budget(self, budget: TimeBudget | None) -> None:
        self._budget = budget

    # -- tokens ---------------------------------------------------------------------------------
    def _access_token(self, region: Region, *, force: bool = False, stale: str | None = None) -> str:
        url = self._endpoints.token(region)
        key = (url, self._credentials.client_id)
        with _token_lock:
            cached = _tokens.get(key)
            if cached and not force and time.monotonic() < cached[1] - REFRESH_MARGIN_SECONDS:
                return cached[0]
            if cached and force and stale is not None and cached[0] != stale:
                return cached[0]  # another thread refreshed it already
            token, expires_in = self._refresh(url)
            _tokens[key] = (token, time.monotonic() + expires_in)
            return token

    def _refresh(self, url: str) -> tuple[str, float]:
        form = {
            "grant_type": "refresh_token",
            "refresh_token": self._credentials.refresh_token.get_secret_value(),
            "client_id": self._credentials.client_id,
            "client_secret": self._credentials.client_secret.get_secret_value(),
        }
        response = self._send("POST", url, data=form, label="POST /auth/o2/token")
        if response.status_code >= 400:
            code = _json(response).get("error", "") if isinstance(_json(response), dict) else ""
            raise AdsApiAuthError(f"Login with Amazon refused the credentials (HTTP {response.status_code} {code})".strip(), status=response.status_code, code=str(code))
        body = _json(response)
        if not isinstance(body, dict) or not body.get("access_token"):
            raise AdsApiAuthError("Login with Amazon answered without an access token")
        return str(body["access_token"]), float(body.get("expires_in") or 3600)

    # -- transport ------------------------------------------------------------------------------
    def _send(self, method: str, url: str, *, label: str, **kwargs: Any) -> httpx.Response:
        """One HTTP exchange with retries on 429 / 5xx / timeouts; returns the final non-retryable response."""
        attempt = 0
        while True:
            timeout = self._timeout
            if self._budget is not None:
                timeout = max(1.0, min(timeout, self._budget.remaining()))
            delay: float
            try:
                self.stats[label] += 1
                response = self._http.request(method, url, timeout=timeout, **kwargs)
            except (httpx.TimeoutException, httpx.TransportError) as error:
                logger.warning("Ads API transport error", extra={"call": label, "attempt": attempt, "error": type(error).__name__})
                delay, reason = backoff_seconds(attempt, base=self._base, cap=self._cap, rng=self._rng), type(error).__name__
            else:
                if response.status_code not in RETRYABLE_STATUS:
                    return response
                hinted = retry_after_seconds(response.headers.get("Retry-After")) if response.status_code == 429 else None
                delay = hinted if hinted is not None else backoff_seconds(attempt, base=self._base, cap=self._cap, rng=self._rng)
                reason = f"HTTP {response.status_code}"
                logger.info("Ads API retryable answer", extra={"call": label, "status": response.status_code, "attempt": attempt})
            attempt += 1
            if attempt >= self._max_attempts:
                raise AdsApiRetryableError(f"{label}: {reason} after {attempt} attempts", status=_status(reason))
            if self._budget is not None and delay >= self._budget.remaining():
                raise AdsApiRetryableError(f"{label}: {reason}; time budget spent", status=_status(reason))
            self._sleep(delay)

    def _call(self, method: str, region: Region, path: str, *, profile_id: str | None, media: str, body: Any = None, params: dict | None = None) -> tuple[int, Any]:
        label = f"{method} {path}"
        token = self._access_token(region)
        for refreshed in (False, True):
            headers = {
                "Authorization": f"Bearer {token}",
                "Amazon-Advertising-API-ClientId": self._credentials.client_id,
                "Accept": media,
            }
            if body is not None:
                headers["Content-Type"] = media
            if profile_id is not None:
                headers["Amazon-Advertising-API-Scope"] = str(profile_id)
            response = self._send(method, self._endpoints.api(region) + path, label=label, headers=headers, json=body, params=params)
            if response.status_code == 401 and not refreshed:
                token = self._access_token(region, force=True, stale=token)  # expired or revoked: refresh once
                continue
            break
        if response.status_code >= 400:
            payload = _json(response)
            code = str(payload.get("code", "")) if isinstance(payload, dict) else ""
            message = str(payload.get("message") or payload.get("details") or "") if isinstance(payload, dict) else ""
            raise AdsApiError(f"{label}: HTTP {response.status_code} {code} {message}".strip()[:500], status=response.status_code, code=code)
        return response.status_code, _json(response)

    # -- AdsApi: reads --------------------------------------------------------------------------
    def list_profiles(self, region: Region) -> list[Profile]:
        _, body = self._call("GET", region, "/v2/profiles", profile_id=None, media="application/json")
        profiles = []
        for item in body or []:
            info = item.get("accountInfo") or {}
            if not info.get("marketplaceStringId"):
                continue
            profiles.append(
                Profile(
                    profile_id=str(item["profileId"]),
                    country_code=str(item.get("countryCode", "")),
                    marketplace_id=info["marketplaceStringId"],
                    account_id=str(info.get("id", "")),
                    account_type=str(info.get("type", "")),
                    region=region,
                )
            )
        return profiles

    def list_entities(self, region: Region, profile_id: str, ad_product: AdProduct) -> list[AdEntity]:
        if ad_product is AdProduct.SP:
            return [self._sp_entity(profile_id, ad) for ad in self._paged(region, profile_id, "/sp/productAds/list", "productAds", SP_AD, {"stateFilter": {"include": LIST_STATES}, "maxResults": 1000})]
        if ad_product is AdProduct.SB:
            return self._sb_entities(region, profile_id)
        return [self._sd_entity(profile_id, ad) for ad in self._sd_list(region, profile_id, "/sd/productAds", {"stateFilter": ",".join(s.lower() for s in LIST_STATES)})]

    def get_states(self, region: Region, profile_id: str, ad_product: AdProduct, entity_type: EntityType, entity_ids: Sequence[str]) -> dict[str, EntityState]:
        ids = [str(i) for i in entity_ids]
        out: dict[str, EntityState] = {}
        if ad_product is AdProduct.SD:
            path, id_key, filt = ("/sd/productAds", "adId", "adIdFilter") if entity_type is EntityType.AD else ("/sd/campaigns", "campaignId", "campaignIdFilter")
            for chunk in _chunks(ids, SD_FILTER_MAX):
                for item in self._sd_list(region, profile_id, path, {filt: ",".join(chunk)}):
                    out[str(item[id_key])] = EntityState.parse(item.get("state"))
            return out
        if ad_product is AdProduct.SP:
            size = SP_FILTER_MAX
            path, key, media, id_key, filt = (
                ("/sp/productAds/list", "productAds", SP_AD, "adId", "adIdFilter")
                if entity_type is EntityType.AD
                else ("/sp/campaigns/list", "campaigns", SP_CAMPAIGN, "campaignId", "campaignIdFilter")
            )
            page = 1000
        else:
            size = SB_FILTER_MAX
            path, key, media, id_key, filt = (
                ("/sb/v4/ads/list", "ads", SB_AD, "adId", "adIdFilter")
                if entity_type is EntityType.AD
                else ("/sb/v4/campaigns/list", "campaigns", SB_CAMPAIGN, "campaignId", "campaignIdFilter")
            )
            page = 100
        for chunk in _chunks(ids, size):
            for item in self._paged(region, profile_id, path, key, media, {filt: {"include": chunk}, "maxResults": page}):
                if item.get(id_key) is not None:
                    out[str(item[id_key])] = EntityState.parse(item.get("state"))
        return out

    # -- AdsApi: writes -------------------------------------------------------------------------
    def set_states(self, region: Region, profile_id: str, ad_product: AdProduct, entity_type: EntityType, changes: Sequence[tuple[str, EntityState]]) -> list[UpdateResult]:
        size = MAX_UPDATE_BATCH[(ad_product, entity_type)]
        results: list[UpdateResult] = []
        for chunk in _chunks(list(changes), size):
            ids = [str(i) for i, _ in chunk]
            try:
                results.extend(self._put_chunk(region, profile_id, ad_product, entity_type, chunk, ids))
            except AdsApiRetryableError as error:
                results.extend(UpdateResult(entity_id=i, outcome=Outcome.THROTTLED, error_code="RETRYABLE", error_message=str(error)) for i in ids)
            except AdsApiError as error:
                results.extend(UpdateResult(entity_id=i, outcome=Outcome.FAILED, error_code=error.code or str(error.status or ""), error_message=str(error)) for i in ids)
        return results

    def _put_chunk(self, region, profile_id, ad_product, entity_type, chunk, ids) -> list[UpdateResult]:
        is_ad = entity_type is EntityType.AD
        if ad_product is AdProduct.SD:
            id_key = "adId" if is_ad else "campaignId"
            body = [{id_key: _sd_id(i), "state": s.value.lower()} for i, s in chunk]
            _, answer = self._call("PUT", region, "/sd/productAds" if is_ad else "/sd/campaigns", profile_id=profile_id, media=SD, body=body)
            return parse_sd(answer, id_key, ids)
        if ad_product is AdProduct.SP:
            path, key, media, id_key = ("/sp/productAds", "productAds", SP_AD, "adId") if is_ad else ("/sp/campaigns", "campaigns", SP_CAMPAIGN, "campaignId")
        else:
            path, key, media, id_key = ("/sb/v4/ads", "ads", SB_AD, "adId") if is_ad else ("/sb/v4/campaigns", "campaigns", SB_CAMPAIGN, "campaignId")
        body = {key: [{id_key: i, "state": s.value} for i, s in chunk]}
        _, answer = self._call("PUT", region, path, profile_id=profile_id, media=media, body=body)
        return parse_indexed(answer, key, ids)

    # -- helpers --------------------------------------------------------------------------------
    def _paged(self, region: Region, profile_id: str, path: str, key: str, media: str, body: dict) -> list[dict]:
        items: list[dict] = []
        request = dict(body)
        while True:
            _, answer = self._call("POST", region, path, profile_id=profile_id, media=media, body=request)
            items.extend((answer or {}).get(key) or [])
            token = (answer or {}).get("nextToken")
            if not token:
                return items
            request = {**body, "nextToken": token}

    def _sd_list(self, region: Region, profile_id: str, path: str, params: dict) -> list[dict]:
        items: list[dict] = []
        start = 0
        while True:
            _, answer = self._call("GET", region, path, profile_id=profile_id, media=SD, params={**params, "startIndex": start, "count": SD_FILTER_MAX})
            page = answer or []
            if not page:
                return items
            items.extend(page)
            start += len(page)

    def _sb_entities(self, region: Region, profile_id: str) -> list[AdEntity]:
        ads = self._paged(region, profile_id, "/sb/v4/ads/list", "ads", SB_AD, {"stateFilter": {"include": LIST_STATES}, "maxResults": 100})
        entities: list[AdEntity] = []
        legacy: dict[str, list[dict]] = {}
        for ad in ads:
            if ad.get("adId"):
                entities.append(
                    AdEntity(
                        ref=EntityRef(profile_id=profile_id, ad_product=AdProduct.SB, entity_type=EntityType.AD, entity_id=str(ad["adId"])),
                        state=EntityState.parse(ad.get("state")),
                        campaign_id=str(ad.get("campaignId", "")),
                        ad_group_id=str(ad["adGroupId"]) if ad.get("adGroupId") else None,
                        asins=sb_asins([ad]),
                        name=ad.get("name"),
                    )
                )
            elif ad.get("campaignId"):
                legacy.setdefault(str(ad["campaignId"]), []).append(ad)
        if legacy:
            states = self.get_states(region, profile_id, AdProduct.SB, EntityType.CAMPAIGN, list(legacy))
            for campaign_id, group in legacy.items():
                entities.append(
                    AdEntity(
                        ref=EntityRef(profile_id=profile_id, ad_product=AdProduct.SB, entity_type=EntityType.CAMPAIGN, entity_id=campaign_id),
                        state=states.get(campaign_id, EntityState.OTHER),
                        campaign_id=campaign_id,
                        asins=sb_asins(group),
                    )
                )
        return entities

    @staticmethod
    def _sp_entity(profile_id: str, ad: dict) -> AdEntity:
        return AdEntity(
            ref=EntityRef(profile_id=profile_id, ad_product=AdProduct.SP, entity_type=EntityType.AD, entity_id=str(ad["adId"])),
            state=EntityState.parse(ad.get("state")),
            campaign_id=str(ad.get("campaignId", "")),
            ad_group_id=str(ad["adGroupId"]) if ad.get("adGroupId") else None,
            asins=(ad["asin"],) if ad.get("asin") else (),
            skus=(ad["sku"],) if ad.get("sku") else (),
        )

    @staticmethod
    def _sd_entity(profile_id: str, ad: dict) -> AdEntity:
        return AdEntity(
            ref=EntityRef(profile_id=profile_id, ad_product=AdProduct.SD, entity_type=EntityType.AD, entity_id=str(ad["adId"])),
            state=EntityState.parse(ad.get("state")),
            campaign_id=str(ad.get("campaignId", "")),
            ad_group_id=str(ad["adGroupId"]) if ad.get("adGroupId") is not None else None,
            asins=(ad["asin"],) if ad.get("asin") else (),
            skus=(ad["sku"],) if ad.get("sku") else (),
            name=ad.get("adName"),
        )


def sb_asins(ads: Iterable[dict]) -> tuple[str, ...]:
    """ASINs of SB ads: creative.asins, landingPage.asins and creative.subpages[].asin, in order, once."""
    seen: dict[str, None] = {}
    for ad in ads:
        creative = ad.get("creative") or {}
        landing = ad.get("landingPage") or {}
        for asin in [*(creative.get("asins") or []), *(landing.get("asins") or []), *(s.get("asin") for s in creative.get("subpages") or [])]:
            if asin:
                seen.setdefault(str(asin), None)
    return tuple(seen)


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return {}


def _status(reason: str) -> int | None:
    return int(reason.split()[1]) if reason.startswith("HTTP ") else None
