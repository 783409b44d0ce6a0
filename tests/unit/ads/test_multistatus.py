"""Multi-status parsing on Amazon's own 207 examples, endpoint selection and backoff math."""

from __future__ import annotations

import json

import pytest

from stockguard.ads.endpoints import Endpoints, region_for_marketplace
from stockguard.ads.multistatus import parse_indexed, parse_sd
from stockguard.ads.port import Outcome, Region
from stockguard.ads.retry import backoff_seconds, retry_after_seconds


def sample(reference_dir, name):
    return json.loads((reference_dir / "samples" / "ads-api" / name).read_text())


def test_sb_v4_207_sample(reference_dir):
    body = sample(reference_dir, "sb_v4_ads_update_207_response.json")
    [result] = parse_indexed(body, "ads", ["277277580302345"])
    assert result.outcome is Outcome.APPLIED


def test_sp_v3_207_sample(reference_dir):
    body = sample(reference_dir, "sp_v3_campaigns_create_207_response.json")
    assert [r.outcome for r in parse_indexed(body, "campaigns", ["218293333782035"])] == [Outcome.APPLIED]


def test_sd_207_sample(reference_dir):
    body = sample(reference_dir, "sd_productAds_create_207_response_test_account.json")
    assert [r.outcome for r in parse_sd(body, "adId", ["545635580911524"])] == [Outcome.APPLIED]


def test_sp_errors_by_index_throttled_failed_and_missing():
    body = {
        "productAds": {
            "success": [{"index": 0, "adId": "a"}],
            "error": [
                {"index": 1, "errors": [{"errorType": "throttledError", "errorValue": {"throttledError": {"message": "slow down", "reason": "THROTTLED"}}}]},
                {"index": 2, "errors": [{"errorType": "entityStateError", "errorValue": {"entityStateError": {"message": "archived", "reason": "ARCHIVED_ENTITY_CANNOT_BE_MODIFIED"}}}]},
            ],
        }
    }
    results = parse_indexed(body, "productAds", ["a", "b", "c", "d"])
    assert [r.outcome for r in results] == [Outcome.APPLIED, Outcome.THROTTLED, Outcome.FAILED, Outcome.FAILED]
    assert results[2].error_code == "ARCHIVED_ENTITY_CANNOT_BE_MODIFIED"
    assert results[3].error_message == "missing from multi-status"


def test_sd_codes_matched_by_id_not_position():
    body = [{"code": "INVALID_ARGUMENT", "adId": 2, "description": "bad"}, {"code": "SUCCESS", "adId": 1}, {"code": "THROTTLED", "adId": 3}]
    assert [r.outcome for r in parse_sd(body, "adId", ["1", "2", "3"])] == [Outcome.APPLIED, Outcome.FAILED, Outcome.THROTTLED]


def test_malformed_207_fails_every_entity():
    assert {r.outcome for r in parse_indexed({"oops": 1}, "ads", ["x", "y"])} == {Outcome.FAILED}
    assert {r.outcome for r in parse_sd({"not": "a list"}, "adId", ["1"])} == {Outcome.FAILED}


@pytest.mark.parametrize("marketplace, region", [("ATVPDKIKX0DER", Region.NA), ("A1PA6795UKMFR9", Region.EU), ("A1VC38T7YXB528", Region.FE)])
def test_regions(marketplace, region, monkeypatch):
    monkeypatch.delenv("ADS_API_ENDPOINT", raising=False)
    monkeypatch.delenv("LWA_TOKEN_ENDPOINT", raising=False)
    assert region_for_marketplace(marketplace) is region
    hosts = Endpoints()
    assert hosts.api(Region.EU) == "https://advertising-api-eu.amazon.com"
    assert hosts.token(Region.FE) == "https://api.amazon.co.jp/auth/o2/token"


def test_overrides_replace_every_region(monkeypatch):
    monkeypatch.setenv("ADS_API_ENDPOINT", "http://127.0.0.1:9/")
    monkeypatch.setenv("LWA_TOKEN_ENDPOINT", "http://127.0.0.1:9/auth/o2/token")
    hosts = Endpoints()
    assert {hosts.api(r) for r in Region} == {"http://127.0.0.1:9"}
    assert {hosts.token(r) for r in Region} == {"http://127.0.0.1:9/auth/o2/token"}


def test_unknown_marketplace_is_a_clear_error():
    with pytest.raises(ValueError, match="XYZ"):
        region_for_marketplace("XYZ")


def test_backoff_is_capped_full_jitter():
    assert backoff_seconds(0, base=0.5, cap=20, rng=lambda: 1.0) == 0.5
    assert backoff_seconds(10, base=0.5, cap=20, rng=lambda: 1.0) == 20
    assert backoff_seconds(3, base=0.5, cap=20, rng=lambda: 0.0) == 0.0
    assert retry_after_seconds("3") == 3.0 and retry_after_seconds("") is None and retry_after_seconds("soon") is None
