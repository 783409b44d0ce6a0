"""A seller with SP, SB and SD ads in the US, an index synced from a fake Ads API, moto tables."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from stockguard.ads.port import Profile, Region
from stockguard.domain.ads import AdEntity, AdProduct, EntityRef, EntityState, EntityType
from stockguard.index.sync import sync_index
from stockguard.pipeline.services import Services
from stockguard.policy import StockGuardConfig
from tests.support.fake_ads import FakeAdsApi
from tests.support.notifications import SELLER, T0, US
from tests.support.services import make_services

PROFILE = "1000000001"
ASIN = "B00001ABCD"
OTHER_ASIN = "B00002EFGH"


def entity(product: AdProduct, entity_id: str, state: EntityState, *, asins=(), skus=(), entity_type=EntityType.AD) -> AdEntity:
    return AdEntity(
        ref=EntityRef(profile_id=PROFILE, ad_product=product, entity_type=entity_type, entity_id=entity_id),
        state=state,
        campaign_id=f"c-{entity_id}",
        ad_group_id=f"g-{entity_id}",
        asins=tuple(asins),
        skus=tuple(skus),
    )


ENTITIES = [
    entity(AdProduct.SP, "sp-1", EntityState.ENABLED, skus=["SELLERSKU-1"]),
    entity(AdProduct.SP, "sp-operator", EntityState.PAUSED, skus=["SELLERSKU-1"]),
    entity(AdProduct.SB, "sb-video", EntityState.ENABLED, asins=[ASIN]),
    entity(AdProduct.SB, "sb-collection", EntityState.ENABLED, asins=[ASIN, OTHER_ASIN]),
    entity(AdProduct.SB, "c-legacy", EntityState.ENABLED, asins=[ASIN], entity_type=EntityType.CAMPAIGN),
    entity(AdProduct.SD, "sd-1", EntityState.ENABLED, asins=[ASIN], skus=["SELLERSKU-1"]),
]


@dataclass
class World:
    services: Services
    ads: FakeAdsApi

    def state(self, entity_id: str) -> EntityState:
        match = [e for e in self.ads.entities.values() if e.ref.entity_id == entity_id]
        return match[0].state


def build_world(aws_stack, config: StockGuardConfig | None = None) -> World:
    profile = Profile(profile_id=PROFILE, country_code="US", marketplace_id=US, account_id=SELLER, account_type="seller", region=Region.NA)
    ads = FakeAdsApi([profile], ENTITIES)
    services = make_services(aws_stack.tables, ads, config)
    sync_index(ads=ads, index=services.index, ledger=services.ledger, profiles=[profile], now=T0)
    ads.calls.clear()
    return World(services=services, ads=ads)


@pytest.fixture
def world(aws_stack) -> World:
    return build_world(aws_stack)
