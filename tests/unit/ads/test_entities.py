"""List items -> StockGuard types (pure), on Amazon's sample responses where there is one."""

from __future__ import annotations

import json

import pytest

from stockguard.ads.entities import parse_profiles, product_ad_entity, sb_asins, split_sb_ads
from stockguard.ads.errors import AdsApiError
from stockguard.ads.port import Region
from stockguard.domain.ads import AdProduct, EntityState, EntityType


def sample(reference_dir, name):
    return json.loads((reference_dir / "samples" / "ads-api" / name).read_text())


def test_profiles_sample(reference_dir):
    profiles = parse_profiles(sample(reference_dir, "v2_profiles_list_response.json"), Region.NA)
    assert [(p.profile_id, p.marketplace_id, p.account_id, p.account_type, p.country_code) for p in profiles] == [
        ("777777777", "A2EUQ1WTGCTBG2", "ENTITY2Plqweuieorf", "vendor", "CA"),
        ("888888888", "A1AM78C64UM0Y8", "ENTITY2Ihjasdjkeru", "vendor", "MX"),
        ("999999999", "ATVPDKIKX0DER", "ENTITYZIbbbbbrrr", "vendor", "US"),
    ]
    assert {p.region for p in profiles} == {Region.NA}


def test_a_test_account_profile_id_string_is_kept(reference_dir):
    [profile] = parse_profiles(sample(reference_dir, "v2_profiles_list_response_test_account.json"), Region.NA)
    assert profile.profile_id == "xxxxx"


def test_profiles_without_marketplace_are_skipped_and_a_non_array_is_an_error():
    assert parse_profiles([{"profileId": 1, "accountInfo": {}}, {"profileId": 2}], Region.EU) == []
    with pytest.raises(AdsApiError):
        parse_profiles({"profiles": []}, Region.EU)


def test_sb_sample_with_a_legacy_ad_without_ad_id(reference_dir):
    # Given Amazon's SB v4 list sample, whose first ad (created before v4) has no adId
    ads = sample(reference_dir, "sb_v4_ads_list_response_all.json")["ads"]
    entities, legacy = split_sb_ads("42", ads)
    # Then it is grouped under its campaign, and the others are AD entities with their creative ASINs
    assert list(legacy) == ["144327786111035248"]
    assert sb_asins(legacy["144327786111035248"]) == ("B07R7V6KS8", "B07X2X4D5H", "B003L1717K")
    video = next(e for e in entities if e.ref.entity_id == "7278627757134")
    assert video.ref.entity_type is EntityType.AD and video.ref.ad_product is AdProduct.SB and video.asins == ("B07R7V6KS8",)
    assert video.campaign_id == "177829948461538"


def test_sb_asins_from_creative_landing_page_and_subpages_once_in_order():
    ads = [
        {"creative": {"asins": ["A1", "A2"]}, "landingPage": {"asins": ["A2", "A3"]}},
        {"creative": {"type": "STORE_SPOTLIGHT", "subpages": [{"asin": "S1"}, {"asin": "A1"}, {"pageTitle": "no asin"}]}},
    ]
    assert sb_asins(ads) == ("A1", "A2", "A3", "S1")
    assert sb_asins([{}]) == ()


def test_several_legacy_ads_of_one_campaign_are_grouped_in_first_seen_order():
    ads = [
        {"campaignId": "c2", "creative": {"asins": ["X"]}},
        {"adId": "a1", "campaignId": "c1", "state": "PAUSED", "creative": {"asins": ["Y"]}},
        {"campaignId": "c1", "creative": {"asins": ["Z"]}},
        {"campaignId": "c2", "landingPage": {"asins": ["W"]}},
        {"state": "ENABLED"},  # neither adId nor campaignId: skipped
    ]
    entities, legacy = split_sb_ads("p", ads)
    assert [e.ref.entity_id for e in entities] == ["a1"] and entities[0].state is EntityState.PAUSED
    assert list(legacy) == ["c2", "c1"] and sb_asins(legacy["c2"]) == ("X", "W")


def test_sd_product_ad_with_numeric_ids_and_lower_case_state():
    ad = {"adId": 801, "adGroupId": 901, "campaignId": 701, "state": "paused", "asin": "B1", "sku": "S1", "adName": "n"}
    entity = product_ad_entity("p", AdProduct.SD, ad)
    assert (entity.ref.entity_id, entity.ad_group_id, entity.campaign_id) == ("801", "901", "701")
    assert entity.state is EntityState.PAUSED and entity.asins == ("B1",) and entity.skus == ("S1",)


def test_sp_product_ads_of_sellers_carry_the_sku_and_of_vendors_the_asin():
    seller = product_ad_entity("p", AdProduct.SP, {"adId": "1", "campaignId": "2", "adGroupId": "3", "state": "ENABLED", "sku": "SKU"})
    vendor = product_ad_entity("p", AdProduct.SP, {"adId": "4", "campaignId": "2", "adGroupId": "3", "state": "PROPOSED", "asin": "B9"})
    assert (seller.asins, seller.skus) == ((), ("SKU",)) and (vendor.asins, vendor.skus) == (("B9",), ())
    assert vendor.state is EntityState.OTHER
