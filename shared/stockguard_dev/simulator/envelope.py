"""SP v3 and SB v4 resources: one EnvelopeResource per list/update endpoint pair holds what differs
between them (media type, limits, states, key names); envelope_handlers.py serves them all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from stockguard_dev.simulator.call import Backend
from stockguard_dev.simulator.catalog import SB_STATES, SP_STATES
from stockguard_dev.simulator.reply import ApiError, message_error

SP_AD_MEDIA = "application/vnd.spProductAd.v3+json"
SP_CAMPAIGN_MEDIA = "application/vnd.spCampaign.v3+json"
SB_AD_MEDIA = "application/vnd.sbadresource.v4+json"
SB_CAMPAIGN_MEDIA = "application/vnd.sbcampaignresource.v4+json"


@dataclass(frozen=True)
class EnvelopeResource:
    collection: str  # catalog key
    media_type: str
    # SP v3 requires its vendor Content-Type (its spec declares 415). SB v4 picks the version by Accept and
    # serves any Content-Type whose body parses as JSON: its spec declares no 415, DOCS' examples send
    # text/plain, Amazon staff used application/json (ads-api.md §3).
    content_type_required: bool
    list_key: str  # "productAds" | "campaigns" | "ads"
    id_field: str  # "adId" | "campaignId"
    item_key: str  # key of the entity in a 207 success item
    entity_type: str  # entityType in errors (SP enum)
    id_filters: dict[str, tuple[str, int]]  # filter -> (entity field, max ids)
    list_states: frozenset[str]
    update_states: frozenset[str]
    page_size: Callable[[Backend], int]
    max_results_cap: int | None  # SB: maxResults must be 1..100; SP: any positive int
    update_range: tuple[int, int]
    total_key: str
    entity_always_in_success: bool  # SB yes; SP only with Prefer: return=representation
    extended_on_request: bool  # extendedData only when includeExtendedDataFields is true
    mutable_name: bool
    error_content_type: str

    def bad(self, message: str) -> ApiError:
        return ApiError(message_error(400, "INVALID_ARGUMENT", message, self.error_content_type))


SP_PRODUCT_ADS = EnvelopeResource(
    collection="sp_product_ads",
    media_type=SP_AD_MEDIA,
    content_type_required=True,
    list_key="productAds",
    id_field="adId",
    item_key="productAd",
    entity_type="PRODUCT_AD",
    id_filters={
        "campaignIdFilter": ("campaignId", 100),
        "adGroupIdFilter": ("adGroupId", 100),
        "adIdFilter": ("adId", 1000),
    },
    list_states=SP_STATES,
    update_states=frozenset({"ENABLED", "PAUSED", "PROPOSED"}),
    page_size=lambda b: b.faults.page_size_sp,
    max_results_cap=None,
    update_range=(0, 1000),
    total_key="totalResults",
    entity_always_in_success=False,
    extended_on_request=True,
    mutable_name=False,
    error_content_type="application/json",
)

SP_CAMPAIGNS = EnvelopeResource(
    collection="sp_campaigns",
    media_type=SP_CAMPAIGN_MEDIA,
    content_type_required=True,
    list_key="campaigns",
    id_field="campaignId",
    item_key="campaign",
    entity_type="CAMPAIGN",
    id_filters={"campaignIdFilter": ("campaignId", 1000), "portfolioIdFilter": ("portfolioId", 100)},
    list_states=SP_STATES,
    update_states=frozenset({"ENABLED", "PAUSED", "PROPOSED"}),
    page_size=lambda b: b.faults.page_size_sp,
    max_results_cap=None,
    update_range=(0, 1000),
    total_key="totalResults",
    entity_always_in_success=False,
    extended_on_request=True,
    mutable_name=False,
    error_content_type="application/json",
)

SB_ADS = EnvelopeResource(
    collection="sb_ads",
    media_type=SB_AD_MEDIA,
    content_type_required=False,
    list_key="ads",
    id_field="adId",
    item_key="ad",
    entity_type="AD",
    id_filters={
        "campaignIdFilter": ("campaignId", 10),
        "adGroupIdFilter": ("adGroupId", 10),
        "adIdFilter": ("adId", 10),
    },
    list_states=SB_STATES,
    update_states=frozenset({"ENABLED", "PAUSED"}),
    page_size=lambda b: b.faults.page_size_sb,
    max_results_cap=100,
    update_range=(1, 10),
    total_key="totalResults",
    entity_always_in_success=True,
    extended_on_request=False,
    mutable_name=True,
    error_content_type=SB_AD_MEDIA,
)

SB_CAMPAIGNS = EnvelopeResource(
    collection="sb_campaigns",
    media_type=SB_CAMPAIGN_MEDIA,
    content_type_required=False,
    list_key="campaigns",
    id_field="campaignId",
    item_key="campaign",
    entity_type="CAMPAIGN",
    id_filters={"campaignIdFilter": ("campaignId", 10), "portfolioIdFilter": ("portfolioId", 10)},
    list_states=SB_STATES,
    update_states=frozenset({"ENABLED", "PAUSED"}),
    page_size=lambda b: b.faults.page_size_sb,
    max_results_cap=100,
    update_range=(1, 10),
    total_key="totalCount",  # the SB v4 campaigns list names it totalCount (spec and sample)
    entity_always_in_success=True,
    extended_on_request=True,
    mutable_name=True,
    error_content_type=SB_CAMPAIGN_MEDIA,
)
