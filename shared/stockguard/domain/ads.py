"""Ad entities as StockGuard sees them: the join of the Ads API's three ad products.

Ads API states differ in casing per ad product (SD is lower case); everything inside StockGuard
uses the upper-case EntityState and converts at the client boundary.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class AdProduct(StrEnum):
    SP = "SP"
    SB = "SB"
    SD = "SD"


class EntityType(StrEnum):
    AD = "ad"
    CAMPAIGN = "campaign"


class EntityState(StrEnum):
    ENABLED = "ENABLED"
    PAUSED = "PAUSED"
    ARCHIVED = "ARCHIVED"
    OTHER = "OTHER"  # PROPOSED, ENABLING, USER_DELETED, pending review …: never touched

    @classmethod
    def parse(cls, value: str | None) -> EntityState:
        try:
            return cls(str(value or "").upper())
        except ValueError:
            return cls.OTHER


# Per-call maximums of the state-update endpoints (../shared/reference/ads-api.md §1).
MAX_UPDATE_BATCH: dict[tuple[AdProduct, EntityType], int] = {
    (AdProduct.SP, EntityType.AD): 1000,
    (AdProduct.SP, EntityType.CAMPAIGN): 1000,
    (AdProduct.SB, EntityType.AD): 10,
    (AdProduct.SB, EntityType.CAMPAIGN): 10,
    (AdProduct.SD, EntityType.AD): 100,
    (AdProduct.SD, EntityType.CAMPAIGN): 100,
}


class EntityRef(BaseModel):
    """Identity of one thing whose state StockGuard may change."""

    model_config = ConfigDict(frozen=True)

    profile_id: str
    ad_product: AdProduct
    entity_type: EntityType
    entity_id: str

    @property
    def id(self) -> str:
        return f"{self.profile_id}#{self.ad_product}#{self.entity_type}#{self.entity_id}"


class AdEntity(BaseModel):
    """An index row: an entity, its current state, and every ASIN / SKU it advertises.

    SB ads created before v4 have no adId; they are addressed through their campaign
    (entity_type CAMPAIGN, entity_id = campaignId, state = the campaign's state).
    """

    model_config = ConfigDict(frozen=True)

    ref: EntityRef
    state: EntityState
    campaign_id: str
    ad_group_id: str | None = None
    asins: tuple[str, ...] = ()
    skus: tuple[str, ...] = ()
    name: str | None = None
