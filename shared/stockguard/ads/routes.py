"""Where each (ad product, entity type) is listed and updated, with its media type and limits (ads-api.md §1, §5-7).

SP v3 and SB v4 list with POST + JSON filters and page with nextToken; SD lists with GET + comma-separated
query filters and pages with startIndex/count. Update sizes come from stockguard.domain.ads.MAX_UPDATE_BATCH.
"""

from __future__ import annotations

from dataclasses import dataclass

from stockguard.domain.ads import MAX_UPDATE_BATCH, AdProduct, EntityType

SP_AD_MEDIA = "application/vnd.spProductAd.v3+json"
SP_CAMPAIGN_MEDIA = "application/vnd.spCampaign.v3+json"
SB_AD_MEDIA = "application/vnd.sbadresource.v4+json"
SB_CAMPAIGN_MEDIA = "application/vnd.sbcampaignresource.v4+json"
SD_MEDIA = "application/json"
PROFILES_MEDIA = "application/json"

LIVE_STATES = ("ENABLED", "PAUSED", "ARCHIVED")  # the list stateFilter; other SP states are not live entities


@dataclass(frozen=True)
class Route:
    list_path: str  # SP/SB: POST …/list; SD: GET
    update_path: str  # PUT
    media: str  # Content-Type and Accept
    collection: str  # SP/SB request/response key ("productAds", "ads", "campaigns"); unused by SD
    id_key: str  # "adId" | "campaignId"
    id_filter: str  # "adIdFilter" | "campaignIdFilter"
    id_filter_max: int  # ids per filtered list call
    page_size: int  # maxResults (SP/SB) or count (SD)
    update_max: int  # items per PUT

    @property
    def is_sd(self) -> bool:
        return self.media == SD_MEDIA


def _route(product: AdProduct, entity: EntityType, **fields: object) -> tuple[tuple[AdProduct, EntityType], Route]:
    return (product, entity), Route(update_max=MAX_UPDATE_BATCH[(product, entity)], **fields)  # type: ignore[arg-type]  # the ROUTES table below passes each Route field by name, with its type


ROUTES: dict[tuple[AdProduct, EntityType], Route] = dict(
    [
        _route(
            AdProduct.SP,
            EntityType.AD,
            list_path="/sp/productAds/list",
            update_path="/sp/productAds",
            media=SP_AD_MEDIA,
            collection="productAds",
            id_key="adId",
            id_filter="adIdFilter",
            id_filter_max=1000,
            page_size=1000,
        ),
        _route(
            AdProduct.SP,
            EntityType.CAMPAIGN,
            list_path="/sp/campaigns/list",
            update_path="/sp/campaigns",
            media=SP_CAMPAIGN_MEDIA,
            collection="campaigns",
            id_key="campaignId",
            id_filter="campaignIdFilter",
            id_filter_max=1000,
            page_size=1000,
        ),
        _route(
            AdProduct.SB,
            EntityType.AD,
            list_path="/sb/v4/ads/list",
            update_path="/sb/v4/ads",
            media=SB_AD_MEDIA,
            collection="ads",
            id_key="adId",
            id_filter="adIdFilter",
            id_filter_max=10,
            page_size=100,
        ),
        _route(
            AdProduct.SB,
            EntityType.CAMPAIGN,
            list_path="/sb/v4/campaigns/list",
            update_path="/sb/v4/campaigns",
            media=SB_CAMPAIGN_MEDIA,
            collection="campaigns",
            id_key="campaignId",
            id_filter="campaignIdFilter",
            id_filter_max=10,
            page_size=100,
        ),
        _route(
            AdProduct.SD,
            EntityType.AD,
            list_path="/sd/productAds",
            update_path="/sd/productAds",
            media=SD_MEDIA,
            collection="",
            id_key="adId",
            id_filter="adIdFilter",
            id_filter_max=100,
            page_size=100,
        ),
        _route(
            AdProduct.SD,
            EntityType.CAMPAIGN,
            list_path="/sd/campaigns",
            update_path="/sd/campaigns",
            media=SD_MEDIA,
            collection="",
            id_key="campaignId",
            id_filter="campaignIdFilter",
            id_filter_max=100,
            page_size=100,
        ),
    ]
)


def route_for(ad_product: AdProduct, entity_type: EntityType) -> Route:
    return ROUTES[(AdProduct(ad_product), EntityType(entity_type))]
