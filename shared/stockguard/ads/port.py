"""The small interface the rest of StockGuard uses to talk to the Amazon Ads API.

stockguard.ads.client.AdsApiClient implements it over httpx; tests may pass fakes. Every method is
synchronous and raises stockguard.ads.errors.AdsApiRetryableError when the caller should retry later
(throttled, 5xx, timeout, time budget spent) and AdsApiError for anything else.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from stockguard.domain.ads import AdEntity, AdProduct, EntityState, EntityType
from stockguard.domain.outcomes import Outcome

__all__ = ["AdsApi", "Outcome", "Profile", "Region", "UpdateResult"]


class Region(StrEnum):
    NA = "NA"
    EU = "EU"
    FE = "FE"


class Profile(BaseModel):
    """One advertising profile (GET /v2/profiles item), reduced to what StockGuard needs."""

    model_config = ConfigDict(frozen=True)

    profile_id: str
    country_code: str = ""
    marketplace_id: str  # accountInfo.marketplaceStringId
    account_id: str  # accountInfo.id (seller: the SP-API seller id; vendor: ENTITY…)
    account_type: str = ""  # seller | vendor | agency
    region: Region


class UpdateResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    entity_id: str
    outcome: Outcome  # APPLIED, FAILED or THROTTLED (the port never reports SKIPPED or MONITOR)
    error_code: str = ""
    error_message: str = ""


class AdsApi(Protocol):
    def list_profiles(self, region: Region) -> list[Profile]:
        """GET /v2/profiles on the region's host (or the client's endpoint override)."""

    def list_entities(self, region: Region, profile_id: str, ad_product: AdProduct) -> list[AdEntity]:
        """Every ad of the ad product in the profile, paged through, as index rows.

        SP: POST /sp/productAds/list (sku for sellers, asin for vendors). SB: POST /sb/v4/ads/list
        (ASINs from creative.asins, landingPage.asins, creative.subpages[].asin); SB ads without adId
        become CAMPAIGN entities with the campaign's state (POST /sb/v4/campaigns/list). SD: GET /sd/productAds.
        """

    def get_states(
        self, region: Region, profile_id: str, ad_product: AdProduct, entity_type: EntityType, entity_ids: Sequence[str]
    ) -> dict[str, EntityState]:
        """Current state of the given entities (list calls filtered by id, chunked). Missing ids are absent."""

    def set_states(
        self,
        region: Region,
        profile_id: str,
        ad_product: AdProduct,
        entity_type: EntityType,
        changes: Sequence[tuple[str, EntityState]],
    ) -> list[UpdateResult]:
        """PUT the states, chunked to the endpoint's maximum; one result per requested entity id."""
