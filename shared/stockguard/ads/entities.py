"""Ads API list items -> StockGuard types (pure): profiles, SP/SD product ads, SB ads and their ASINs."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from stockguard.ads.errors import AdsApiError
from stockguard.ads.port import Profile, Region
from stockguard.domain.ads import AdEntity, AdProduct, EntityRef, EntityState, EntityType

logger = logging.getLogger(__name__)


def parse_profiles(body: Any, region: Region) -> list[Profile]:
    """GET /v2/profiles items; items without accountInfo.marketplaceStringId cannot be mapped and are skipped."""
    if not isinstance(body, list):
        raise AdsApiError("GET /v2/profiles: expected a JSON array")
    profiles = []
    for item in body:
        info = item.get("accountInfo") if isinstance(item, dict) else None
        if not isinstance(info, dict) or not info.get("marketplaceStringId") or item.get("profileId") in (None, ""):
            logger.warning("profile without profileId or marketplace skipped")
            continue
        profiles.append(
            Profile(
                profile_id=str(item["profileId"]),
                country_code=str(item.get("countryCode") or ""),
                marketplace_id=str(info["marketplaceStringId"]),
                account_id=str(info.get("id") or ""),
                account_type=str(info.get("type") or ""),
                region=region,
            )
        )
    return profiles


def _optional_id(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def _one(value: Any) -> tuple[str, ...]:
    return (str(value),) if value else ()


def product_ad_entity(profile_id: str, ad_product: AdProduct, ad: Mapping[str, Any]) -> AdEntity:
    """SP v3 / SD product ad: sellers' SP ads carry only the SKU, vendors' only the ASIN; SD ads carry the ASIN (+ SKU)."""
    return AdEntity(
        ref=EntityRef(profile_id=profile_id, ad_product=ad_product, entity_type=EntityType.AD, entity_id=str(ad["adId"])),
        state=EntityState.parse(ad.get("state")),
        campaign_id=str(ad.get("campaignId") or ""),
        ad_group_id=_optional_id(ad.get("adGroupId")),
        asins=_one(ad.get("asin")),
        skus=_one(ad.get("sku")),
        name=ad.get("adName") or ad.get("name"),
    )


def sb_asins(ads: Iterable[Mapping[str, Any]]) -> tuple[str, ...]:
    """ASINs of SB ads: creative.asins, then landingPage.asins, then creative.subpages[].asin; in order, once each."""
    seen: dict[str, None] = {}
    for ad in ads:
        creative = ad.get("creative") or {}
        landing = ad.get("landingPage") or {}
        subpages = [page.get("asin") for page in creative.get("subpages") or [] if isinstance(page, dict)]
        for asin in [*(creative.get("asins") or []), *(landing.get("asins") or []), *subpages]:
            if asin:
                seen.setdefault(str(asin), None)
    return tuple(seen)


def sb_ad_entity(profile_id: str, ad: Mapping[str, Any]) -> AdEntity:
    return AdEntity(
        ref=EntityRef(profile_id=profile_id, ad_product=AdProduct.SB, entity_type=EntityType.AD, entity_id=str(ad["adId"])),
        state=EntityState.parse(ad.get("state")),
        campaign_id=str(ad.get("campaignId") or ""),
        ad_group_id=_optional_id(ad.get("adGroupId")),
        asins=sb_asins([ad]),
        name=ad.get("name"),
    )


def sb_campaign_entity(profile_id: str, campaign_id: str, ads: list[Mapping[str, Any]], state: EntityState | None) -> AdEntity:
    """SB ads without adId (created before v4) are addressed through their campaign: one entity per campaign,
    advertising every ASIN of its ads, in the campaign's state (OTHER when the campaign was not found)."""
    return AdEntity(
        ref=EntityRef(profile_id=profile_id, ad_product=AdProduct.SB, entity_type=EntityType.CAMPAIGN, entity_id=campaign_id),
        state=state or EntityState.OTHER,
        campaign_id=campaign_id,
        asins=sb_asins(ads),
    )


def split_sb_ads(profile_id: str, ads: Iterable[Mapping[str, Any]]) -> tuple[list[AdEntity], dict[str, list[Mapping[str, Any]]]]:
    """SB ads with an adId as AD entities, and the ads without one grouped by campaignId (in first-seen order)."""
    entities: list[AdEntity] = []
    legacy: dict[str, list[Mapping[str, Any]]] = {}
    for ad in ads:
        if ad.get("adId") not in (None, ""):
            entities.append(sb_ad_entity(profile_id, ad))
        elif ad.get("campaignId") not in (None, ""):
            legacy.setdefault(str(ad["campaignId"]), []).append(ad)
        else:
            logger.warning("SB ad without adId or campaignId skipped", extra={"profile_id": profile_id})
    return entities, legacy
