"""Writes: pause and resume per ad product and entity type, request shapes, chunking, every 207 shape."""

from __future__ import annotations

import logging

import pytest

from stockguard.ads.port import Outcome, Region
from stockguard.domain.ads import AdProduct, EntityState, EntityType
from stockguard_dev.simulator import AdsSimulator, FaultRule
from tests.integration.ads.scripted_server import ScriptedServer
from tests.integration.ads.support import US_SELLER, demo_catalog

PAUSED, ENABLED = EntityState.PAUSED, EntityState.ENABLED


@pytest.mark.parametrize(
    "product, entity_type, entity_id, path, media",
    [
        (AdProduct.SP, EntityType.AD, "200000000000001", "/sp/productAds", "application/vnd.spProductAd.v3+json"),
        (AdProduct.SP, EntityType.CAMPAIGN, "100000000000001", "/sp/campaigns", "application/vnd.spCampaign.v3+json"),
        (AdProduct.SB, EntityType.AD, "500000000000002", "/sb/v4/ads", "application/vnd.sbadresource.v4+json"),
        (AdProduct.SB, EntityType.CAMPAIGN, "400000000000003", "/sb/v4/campaigns", "application/vnd.sbcampaignresource.v4+json"),
        (AdProduct.SD, EntityType.AD, "800000000000001", "/sd/productAds", "application/json"),
        (AdProduct.SD, EntityType.CAMPAIGN, "700000000000001", "/sd/campaigns", "application/json"),
    ],
)
def test_pause_then_resume(h, product, entity_type, entity_id, path, media):
    # When the entity is paused
    [paused] = h.client.set_states(Region.NA, US_SELLER, product, entity_type, [(entity_id, PAUSED)])
    # Then Amazon has it paused and a re-read agrees
    assert paused.outcome is Outcome.APPLIED and paused.entity_id == entity_id
    assert h.sim.state_of(US_SELLER, product.value, entity_type.value, entity_id).upper() == "PAUSED"
    assert h.client.get_states(Region.NA, US_SELLER, product, entity_type, [entity_id]) == {entity_id: PAUSED}
    # When it is resumed, it is enabled again
    [resumed] = h.client.set_states(Region.NA, US_SELLER, product, entity_type, [(entity_id, ENABLED)])
    assert resumed.outcome is Outcome.APPLIED
    assert h.sim.state_of(US_SELLER, product.value, entity_type.value, entity_id).upper() == "ENABLED"
    puts = h.calls("PUT", path)
    assert len(puts) == 2 and {(r.headers["content-type"], r.headers["accept"]) for r in puts} == {(media, media)}
    assert {r.headers["amazon-advertising-api-scope"] for r in puts} == {US_SELLER}


def test_request_bodies_follow_each_api(h):
    h.client.set_states(Region.NA, US_SELLER, AdProduct.SP, EntityType.AD, [("200000000000001", PAUSED)])
    h.client.set_states(Region.NA, US_SELLER, AdProduct.SB, EntityType.CAMPAIGN, [("400000000000001", PAUSED)])
    h.client.set_states(Region.NA, US_SELLER, AdProduct.SD, EntityType.AD, [("800000000000001", PAUSED)])
    h.client.set_states(Region.NA, US_SELLER, AdProduct.SD, EntityType.CAMPAIGN, [("700000000000001", PAUSED)])
    assert h.calls("PUT", "/sp/productAds")[0].json == {"productAds": [{"adId": "200000000000001", "state": "PAUSED"}]}
    assert h.calls("PUT", "/sb/v4/campaigns")[0].json == {"campaigns": [{"campaignId": "400000000000001", "state": "PAUSED"}]}
    assert h.calls("PUT", "/sd/productAds")[0].json == [{"adId": 800000000000001, "state": "paused"}]
    assert h.calls("PUT", "/sd/campaigns")[0].json == [{"campaignId": 700000000000001, "state": "paused"}]


@pytest.mark.parametrize(
    "product, collection, count, sizes",
    [
        (AdProduct.SB, "sb_ads", 25, [10, 10, 5]),
        (AdProduct.SD, "sd_product_ads", 250, [100, 100, 50]),
        (AdProduct.SP, "sp_product_ads", 1500, [1000, 500]),
    ],
)
def test_updates_are_chunked_to_the_per_call_maximum(harness_for, product, collection, count, sizes):
    # Given `count` enabled ads of one ad product
    ads = [_ad(product, i) for i in range(count)]
    with AdsSimulator(demo_catalog(**{collection: ads})) as sim:
        h = harness_for(sim)
        ids = [str(a["adId"]) for a in ads]
        # When all of them are paused at once
        results = h.client.set_states(Region.NA, US_SELLER, product, EntityType.AD, [(i, PAUSED) for i in ids])
        # Then one result per ad, in order, and the PUTs respect the endpoint's maximum
        assert [r.entity_id for r in results] == ids and {r.outcome for r in results} == {Outcome.APPLIED}
        puts = [r for r in sim.requests if r.method == "PUT"]
        assert [len(r.json if isinstance(r.json, list) else next(iter(r.json.values()))) for r in puts] == sizes
        assert sim.state_of(US_SELLER, product.value, "ad", ids[-1]).upper() == "PAUSED"


def _ad(product: AdProduct, i: int) -> dict:
    if product is AdProduct.SD:
        return {"adId": 810000000000000 + i, "adGroupId": 1, "campaignId": 700000000000001, "state": "enabled", "asin": "B00001ABCD"}
    if product is AdProduct.SB:
        return {
            "adId": f"9{i:05d}",
            "adGroupId": "1",
            "campaignId": "400000000000001",
            "name": f"ad {i}",
            "state": "ENABLED",
            "creative": {"type": "VIDEO", "asins": ["B00001ABCD"]},
        }
    return {"adId": f"7{i:05d}", "adGroupId": "1", "campaignId": "100000000000001", "state": "ENABLED", "sku": "SELLERSKU-1"}


def test_sp_207_per_item_errors(h):
    # Given one ad refused by a fault, one unknown, one archived, and one fine
    h.sim.faults.add(FaultRule(match="PUT /sp/productAds", kind="item_error", times=1, entity_ids=["200000000000002"]))
    changes = [("200000000000001", PAUSED), ("200000000000002", PAUSED), ("999", PAUSED), ("200000000000005", ENABLED)]
    results = {r.entity_id: r for r in h.client.set_states(Region.NA, US_SELLER, AdProduct.SP, EntityType.AD, changes)}
    assert results["200000000000001"].outcome is Outcome.APPLIED
    assert (results["200000000000002"].outcome, results["200000000000002"].error_code) == (Outcome.FAILED, "INVALID_STATE_TRANSITION")
    assert (results["999"].outcome, results["999"].error_code) == (Outcome.FAILED, "ENTITY_NOT_FOUND")
    assert (results["200000000000005"].outcome, results["200000000000005"].error_code) == (
        Outcome.FAILED,
        "ARCHIVED_ENTITY_CANNOT_BE_MODIFIED",
    )
    assert results["999"].error_message and h.sleeps == []


@pytest.mark.parametrize(
    "product, entity_id, refused_code",
    [
        (AdProduct.SP, "200000000000003", "INVALID_STATE_TRANSITION"),
        (AdProduct.SB, "500000000000002", "INVALID_STATE_TRANSITION"),
        (AdProduct.SD, "800000000000002", "INVALID_ARGUMENT"),
    ],
)
def test_item_errors_and_item_throttling_in_every_207_shape(h, product, entity_id, refused_code):
    h.sim.faults.add(FaultRule(match="PUT *", kind="item_throttle", times=1))
    [throttled] = h.client.set_states(Region.NA, US_SELLER, product, EntityType.AD, [(entity_id, PAUSED)])
    assert throttled.outcome is Outcome.THROTTLED and throttled.error_code == "THROTTLED"
    h.sim.faults.add(FaultRule(match="PUT *", kind="item_error", times=1))
    [refused] = h.client.set_states(Region.NA, US_SELLER, product, EntityType.AD, [(entity_id, PAUSED)])
    assert (refused.outcome, refused.error_code) == (Outcome.FAILED, refused_code)
    assert h.sim.state_of(US_SELLER, product.value, "ad", entity_id).upper() == "ENABLED", "nothing was applied"
    [applied] = h.client.set_states(Region.NA, US_SELLER, product, EntityType.AD, [(entity_id, PAUSED)])
    assert applied.outcome is Outcome.APPLIED


@pytest.mark.parametrize(
    "product, entity_id", [(AdProduct.SP, "200000000000001"), (AdProduct.SB, "500000000000002"), (AdProduct.SD, "800000000000001")]
)
def test_a_207_without_a_single_success_fails_every_entity_and_is_logged(h, caplog, product, entity_id):
    caplog.set_level(logging.WARNING, logger="stockguard")
    h.sim.faults.add(FaultRule(match="PUT *", kind="no_success_207", times=1))
    [result] = h.client.set_states(Region.NA, US_SELLER, product, EntityType.AD, [(entity_id, PAUSED)])
    assert result.outcome is Outcome.THROTTLED and result.error_code == "INTERNAL_ERROR"  # internalServerError: retry later
    assert h.sim.state_of(US_SELLER, product.value, "ad", entity_id).upper() == "ENABLED"
    assert "without a single success" in caplog.text


def test_sd_unknown_ids_fail_by_id(h):
    results = h.client.set_states(Region.NA, US_SELLER, AdProduct.SD, EntityType.AD, [("1234", PAUSED), ("800000000000001", PAUSED)])
    assert [(r.entity_id, r.outcome) for r in results] == [("1234", Outcome.FAILED), ("800000000000001", Outcome.APPLIED)]
    assert results[0].error_code


def test_a_failed_chunk_keeps_the_other_chunks_results(harness_for):
    # Given 15 SB ads (two PUTs) and a 503 on the first PUT, with no retries allowed
    ads = [_ad(AdProduct.SB, i) for i in range(15)]
    with AdsSimulator(demo_catalog(sb_ads=ads)) as sim15:
        h = harness_for(sim15, max_attempts=1)
        sim15.faults.add(FaultRule(match="PUT /sb/v4/ads", kind="5xx", times=1, status=503))
        results = h.client.set_states(Region.NA, US_SELLER, AdProduct.SB, EntityType.AD, [(a["adId"], PAUSED) for a in ads])
        # Then the first chunk is THROTTLED (retry later) and the second APPLIED
        assert [r.outcome for r in results] == [Outcome.THROTTLED] * 10 + [Outcome.APPLIED] * 5
        assert results[0].error_code == "RETRYABLE" and "503" in results[0].error_message


def test_a_refused_request_fails_its_chunk_without_retry(h):
    # SD ids are numbers: a non-numeric id makes the whole request a 400, which is never retried
    results = h.client.set_states(Region.NA, US_SELLER, AdProduct.SD, EntityType.AD, [("not-a-number", PAUSED)])
    assert [(r.outcome, r.error_code) for r in results] == [(Outcome.FAILED, "INVALID_ARGUMENT")]
    assert len(h.calls("PUT", "/sd/productAds")) == 1 and h.sleeps == []


def test_a_200_with_the_multi_status_shape_is_read_like_a_207(harness_for):
    with ScriptedServer() as server:
        server.answer(
            200,
            {
                "productAds": {
                    "success": [{"index": 1, "adId": "b"}],
                    "error": [
                        {
                            "index": 0,
                            "errors": [
                                {
                                    "errorType": "entityStateError",
                                    "errorValue": {"entityStateError": {"message": "no", "reason": "INVALID_STATE"}},
                                }
                            ],
                        }
                    ],
                }
            },
        )
        server.answer(200, [{"code": "SUCCESS", "campaignId": 7}])
        h = harness_for(server)
        sp = h.client.set_states(Region.NA, US_SELLER, AdProduct.SP, EntityType.AD, [("a", PAUSED), ("b", PAUSED)])
        assert [(r.entity_id, r.outcome, r.error_code) for r in sp] == [("a", Outcome.FAILED, "INVALID_STATE"), ("b", Outcome.APPLIED, "")]
        [sd] = h.client.set_states(Region.NA, US_SELLER, AdProduct.SD, EntityType.CAMPAIGN, [("7", ENABLED)])
        assert sd.outcome is Outcome.APPLIED
