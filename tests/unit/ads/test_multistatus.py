"""Multi-status parsing on Amazon's own 207 examples and on every documented error shape."""

from __future__ import annotations

import json
import logging

import pytest

from stockguard.ads.multistatus import MISSING, parse_indexed, parse_sd
from stockguard.ads.port import Outcome


def sample(reference_dir, name):
    return json.loads((reference_dir / "samples" / "ads-api" / name).read_text())


def error_item(index, error_type, reason, message="m"):
    return {"index": index, "errors": [{"errorType": error_type, "errorValue": {error_type: {"message": message, "reason": reason}}}]}


@pytest.mark.parametrize(
    "name, collection, entity_id",
    [
        ("sb_v4_ads_update_207_response.json", "ads", "277277580302345"),
        ("sb_v4_adGroups_update_207_response.json", "adGroups", "35407526816553"),
        ("sp_v3_campaigns_create_207_response.json", "campaigns", "218293333782035"),
    ],
)
def test_amazon_samples_with_an_empty_error_list_are_applied(reference_dir, name, collection, entity_id):
    [result] = parse_indexed(sample(reference_dir, name), collection, [entity_id])
    assert (result.entity_id, result.outcome, result.error_code) == (entity_id, Outcome.APPLIED, "")


def test_sd_sample_with_a_numeric_id_is_applied(reference_dir):
    body = sample(reference_dir, "sd_productAds_create_207_response_test_account.json")
    assert [r.outcome for r in parse_sd(body, "adId", ["545635580911524"])] == [Outcome.APPLIED]


def test_sp_items_are_matched_by_index_and_classified():
    body = {
        "productAds": {
            "success": [{"index": 0, "adId": "a"}],
            "error": [
                error_item(1, "throttledError", "THROTTLED", "slow down"),
                error_item(2, "entityStateError", "ARCHIVED_ENTITY_CANNOT_BE_MODIFIED", "archived"),
                error_item(4, "internalServerError", "INTERNAL_ERROR"),
                error_item(9, "otherError", "OUT_OF_RANGE"),  # an index the request never had: ignored
            ],
        }
    }
    results = parse_indexed(body, "productAds", ["a", "b", "c", "d", "e"])
    assert [(r.entity_id, r.outcome) for r in results] == [
        ("a", Outcome.APPLIED),
        ("b", Outcome.THROTTLED),
        ("c", Outcome.FAILED),
        ("d", Outcome.FAILED),
        ("e", Outcome.THROTTLED),
    ]
    assert (results[1].error_code, results[1].error_message) == ("THROTTLED", "slow down")
    assert (results[2].error_code, results[2].error_message) == ("ARCHIVED_ENTITY_CANNOT_BE_MODIFIED", "archived")
    assert (results[3].error_code, results[3].error_message) == ("MISSING", MISSING)


def test_an_error_without_a_reason_is_coded_by_its_type():
    body = {"ads": {"error": [{"index": 0, "errors": [{"errorType": "billingError", "errorValue": {}}]}], "success": []}}
    [result] = parse_indexed(body, "ads", ["x"])
    assert (result.outcome, result.error_code) == (Outcome.FAILED, "billingError")


def test_a_207_without_a_single_success_fails_every_entity_and_is_logged(caplog):
    caplog.set_level(logging.WARNING)
    body = {
        "campaigns": {
            "success": [],
            "error": [error_item(0, "internalServerError", "INTERNAL_ERROR"), error_item(1, "rangeError", "TOO_LOW")],
        }
    }
    results = parse_indexed(body, "campaigns", ["1", "2"])
    assert [r.outcome for r in results] == [Outcome.THROTTLED, Outcome.FAILED]
    assert "without a single success" in caplog.text


def test_sd_items_are_matched_by_id_not_position():
    body = [
        {"code": "INVALID_ARGUMENT", "adId": 2, "description": "bad state"},
        {"code": "SUCCESS", "adId": 1},
        {"code": "THROTTLED", "adId": 3},
        {"code": "SERVER_ERROR", "adId": "4"},
        {"code": "SUCCESS", "adId": 99},  # not asked for: ignored
    ]
    results = parse_sd(body, "adId", ["1", "2", "3", "4", "5"])
    assert [r.outcome for r in results] == [Outcome.APPLIED, Outcome.FAILED, Outcome.THROTTLED, Outcome.THROTTLED, Outcome.FAILED]
    assert (results[1].error_code, results[1].error_message) == ("INVALID_ARGUMENT", "bad state")
    assert results[4].error_message == MISSING


def test_sd_campaign_results_use_campaign_id():
    body = [{"code": "SUCCESS", "campaignId": 7}, {"code": "INTERNAL_ERROR", "campaignId": 8}]
    assert [r.outcome for r in parse_sd(body, "campaignId", ["7", "8"])] == [Outcome.APPLIED, Outcome.THROTTLED]


@pytest.mark.parametrize("body", [{"oops": 1}, {"ads": []}, None, "text"])
def test_an_unreadable_indexed_answer_fails_every_entity(body):
    assert {(r.outcome, r.error_code) for r in parse_indexed(body, "ads", ["x", "y"])} == {(Outcome.FAILED, "MALFORMED")}


def test_an_unreadable_sd_answer_fails_every_entity():
    assert {r.outcome for r in parse_sd({"not": "a list"}, "adId", ["1"])} == {Outcome.FAILED}
