"""Reads: profiles, listing every ad product with paging, SB ads without adId, state re-reads by id."""

from __future__ import annotations

from stockguard.ads.port import Region
from stockguard.domain.ads import AdProduct, EntityState, EntityType
from stockguard_dev.simulator import AdsSimulator
from tests.integration.ads.support import CLIENT_ID, DE_SELLER, US_SELLER, US_VENDOR, demo_catalog

SP_AD = "application/vnd.spProductAd.v3+json"
SB_AD = "application/vnd.sbadresource.v4+json"
SB_CAMPAIGN = "application/vnd.sbcampaignresource.v4+json"


def test_profiles_are_listed_without_a_scope_header(h):
    profiles = {p.profile_id: p for p in h.client.list_profiles(Region.NA)}
    seller, vendor = profiles[US_SELLER], profiles[US_VENDOR]
    assert (seller.marketplace_id, seller.account_id, seller.account_type, seller.country_code) == (
        "ATVPDKIKX0DER",
        "A3TH9S8BH6GOGM",
        "seller",
        "US",
    )
    assert vendor.account_type == "vendor" and vendor.account_id == "ENTITY2DEMOVENDOR" and vendor.region is Region.NA
    [call] = h.calls("GET", "/v2/profiles")
    assert "amazon-advertising-api-scope" not in call.headers
    assert call.headers["amazon-advertising-api-clientid"] == CLIENT_ID and call.headers["accept"] == "application/json"
    assert call.headers["authorization"].startswith("Bearer ")


def test_a_regional_host_lists_only_its_profiles(sim, harness_for):
    h = harness_for(sim, api_endpoint=sim.endpoint_for("EU"))
    [profile] = h.client.list_profiles(Region.EU)
    assert (profile.profile_id, profile.marketplace_id, profile.region) == (DE_SELLER, "A1PA6795UKMFR9", Region.EU)


def test_sp_ads_are_paged_through_with_next_token(sim, harness_for):
    # Given a server page of 2 and five ads (one PAUSED, one ARCHIVED)
    sim.faults.page_size_sp = 2
    h = harness_for(sim)
    ads = {e.ref.entity_id: e for e in h.client.list_entities(Region.NA, US_SELLER, AdProduct.SP)}
    # Then three pages were read and every ad came back with its SKU (sellers' SP ads carry no ASIN)
    assert len(ads) == 5
    assert ads["200000000000004"].state is EntityState.PAUSED and ads["200000000000005"].state is EntityState.ARCHIVED
    assert ads["200000000000001"].skus == ("SELLERSKU-1",) and ads["200000000000001"].asins == ()
    assert ads["200000000000001"].campaign_id == "100000000000001" and ads["200000000000001"].ad_group_id == "300000000000001"
    pages = h.calls("POST", "/sp/productAds/list")
    assert len(pages) == 3
    assert pages[0].json == {"stateFilter": {"include": ["ENABLED", "PAUSED", "ARCHIVED"]}, "maxResults": 1000}
    assert pages[1].json["nextToken"] and pages[2].json["nextToken"] != pages[1].json["nextToken"]
    assert {(r.headers["content-type"], r.headers["accept"], r.headers["amazon-advertising-api-scope"]) for r in pages} == {
        (SP_AD, SP_AD, US_SELLER)
    }


def test_vendor_sp_ads_carry_the_asin(h):
    ads = h.client.list_entities(Region.NA, US_VENDOR, AdProduct.SP)
    assert sorted(e.asins for e in ads) == [("B0V0000001",), ("B0V0000002",)] and all(e.skus == () for e in ads)


def test_sb_ads_with_their_asins_and_legacy_ads_as_campaigns(sim, harness_for):
    # Given a server page of one SB ad, and the legacy campaign paused by an operator
    sim.faults.page_size_sb = 1
    sim.set_state(US_SELLER, "SB", "campaign", "400000000000003", "PAUSED")
    h = harness_for(sim)
    entities = {(e.ref.entity_type, e.ref.entity_id): e for e in h.client.list_entities(Region.NA, US_SELLER, AdProduct.SB)}
    # Then the ads with adId are AD entities with the ASINs of creative + landing page, once each, in order
    collection = entities[(EntityType.AD, "500000000000001")]
    assert collection.asins == ("B00001ABCD", "B00002EFGH", "B00003IJKL") and collection.name == "Demo collection ad"
    assert entities[(EntityType.AD, "500000000000002")].state is EntityState.ENABLED
    # And the ad without adId is its campaign, in the campaign's state
    legacy = entities[(EntityType.CAMPAIGN, "400000000000003")]
    assert legacy.state is EntityState.PAUSED and legacy.campaign_id == "400000000000003" and legacy.asins
    assert len(entities) == 3
    pages = h.calls("POST", "/sb/v4/ads/list")
    assert len(pages) == 3 and pages[0].json["maxResults"] == 100
    assert {r.headers["content-type"] for r in pages} == {SB_AD}
    [campaigns] = h.calls("POST", "/sb/v4/campaigns/list")
    assert campaigns.json["campaignIdFilter"] == {"include": ["400000000000003"]}
    assert campaigns.headers["content-type"] == SB_CAMPAIGN


def test_legacy_sb_campaign_states_are_read_ten_ids_per_call(harness_for):
    # Given 12 SB campaigns whose only ad has no adId (created before v4)
    campaigns = [{"campaignId": f"41{i:04d}", "name": f"legacy {i}", "state": "ENABLED"} for i in range(12)]
    ads = [
        {
            "adGroupId": f"61{i:04d}",
            "campaignId": f"41{i:04d}",
            "state": "ENABLED",
            "creative": {"type": "STORE_SPOTLIGHT", "subpages": [{"asin": "B0000000S1"}, {"asin": "B0000000S2"}, {"asin": "B0000000S3"}]},
        }
        for i in range(12)
    ]
    with AdsSimulator(demo_catalog(sb_campaigns=campaigns, sb_ads=ads)) as sim:
        h = harness_for(sim)
        entities = h.client.list_entities(Region.NA, US_SELLER, AdProduct.SB)
        # Then every one is a CAMPAIGN entity with the subpage ASINs, and the states took two calls (10 + 2 ids)
        assert {e.ref.entity_type for e in entities} == {EntityType.CAMPAIGN} and len(entities) == 12
        assert {e.asins for e in entities} == {("B0000000S1", "B0000000S2", "B0000000S3")}
        assert all(e.state is EntityState.ENABLED for e in entities)
        calls = h.calls("POST", "/sb/v4/campaigns/list")
        assert [len(r.json["campaignIdFilter"]["include"]) for r in calls] == [10, 2]


def test_sd_ads_are_paged_with_start_index_and_states_become_upper_case(sim, harness_for):
    sim.faults.page_size_sd = 1
    h = harness_for(sim)
    ads = {e.ref.entity_id: e for e in h.client.list_entities(Region.NA, US_SELLER, AdProduct.SD)}
    assert set(ads) == {"800000000000001", "800000000000002"}
    first = ads["800000000000001"]
    assert first.state is EntityState.ENABLED and first.asins == ("B00001ABCD",) and first.skus == ("SELLERSKU-1",)
    assert first.campaign_id == "700000000000001" and first.ref.ad_product is AdProduct.SD
    pages = h.calls("GET", "/sd/productAds")
    assert [r.query["startIndex"] for r in pages] == ["0", "1", "2"]  # until an empty page
    assert {r.query["stateFilter"] for r in pages} == {"enabled,paused,archived"}
    assert {r.headers["accept"] for r in pages} == {"application/json"}


def test_get_states_reads_back_by_id_and_leaves_unknown_ids_out(h):
    states = h.client.get_states(Region.NA, US_SELLER, AdProduct.SP, EntityType.AD, ["200000000000001", "200000000000004", "999"])
    assert states == {"200000000000001": EntityState.ENABLED, "200000000000004": EntityState.PAUSED}
    [call] = h.calls("POST", "/sp/productAds/list")
    assert call.json["adIdFilter"] == {"include": ["200000000000001", "200000000000004", "999"]}
    campaigns = h.client.get_states(Region.NA, US_SELLER, AdProduct.SP, EntityType.CAMPAIGN, ["100000000000002"])
    assert campaigns == {"100000000000002": EntityState.ENABLED}
    assert h.calls("POST", "/sp/campaigns/list")[0].headers["content-type"] == "application/vnd.spCampaign.v3+json"
    sd = h.client.get_states(Region.NA, US_SELLER, AdProduct.SD, EntityType.CAMPAIGN, ["700000000000001"])
    assert sd == {"700000000000001": EntityState.ENABLED}


def test_get_states_chunks_the_id_filters(h):
    # SB: at most 10 ids per filter; SD: at most 100 ids in the comma list
    sb_ids = ["500000000000001"] + [f"59{i:04d}" for i in range(24)]
    assert h.client.get_states(Region.NA, US_SELLER, AdProduct.SB, EntityType.AD, sb_ids) == {"500000000000001": EntityState.ENABLED}
    assert [len(r.json["adIdFilter"]["include"]) for r in h.calls("POST", "/sb/v4/ads/list")] == [10, 10, 5]
    sd_ids = ["800000000000002"] + [str(880000000000000 + i) for i in range(249)]
    assert h.client.get_states(Region.NA, US_SELLER, AdProduct.SD, EntityType.AD, sd_ids) == {"800000000000002": EntityState.ENABLED}
    sd_calls = [r for r in h.calls("GET", "/sd/productAds") if r.query["startIndex"] == "0"]
    assert [len(r.query["adIdFilter"].split(",")) for r in sd_calls] == [100, 100, 50]
