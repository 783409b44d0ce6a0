"""Configuration: defaults, partial overrides, and loud failures for every kind of mistake."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from stockguard.domain.ads import AdProduct
from stockguard.policy import ConfigError, StockGuardConfig, config_json_schema, load_config
from stockguard.policy.config import Mode, ProductRules


def problems(text: str) -> tuple[str, ...]:
    with pytest.raises(ConfigError) as caught:
        load_config(text)
    assert isinstance(caught.value, ValueError)
    return caught.value.problems


@pytest.mark.parametrize("text", [None, "", "  \n"])
def test_no_text_means_every_default(text):
    config = load_config(text)
    assert config == StockGuardConfig()
    assert config.mode is Mode.PAUSE_AND_RESUME
    assert (config.pause_threshold, config.resume_threshold) == (0, 1)
    assert config.include_inbound is False and config.dwell_minutes == 10
    assert config.rules == {p: ProductRules(stock=True, featured_offer=True) for p in AdProduct}
    assert config.sb_multi_asin == "all"
    assert config.allowed_marketplaces is None and list(config.excluded_asins) == []
    assert config.profile_mapping == {} and list(config.vendor_account_prefixes) == ["amzn1.vg."]
    assert (config.dedup_ttl_days, config.profile_cache_ttl_hours, config.audit_ttl_days, config.index_max_age_hours) == (14, 24, 400, 3)


def test_resume_threshold_defaults_to_one_above_the_pause_threshold():
    assert load_config('{"pause_threshold": 5}').resume_threshold == 6
    assert load_config('{"pause_threshold": 5, "resume_threshold": 9}').resume_threshold == 9


def test_partial_rules_keep_the_other_defaults():
    config = load_config('{"rules": {"SD": {"featured_offer": false}}}')
    assert config.rules_for(AdProduct.SD) == ProductRules(stock=True, featured_offer=False)
    assert config.rules_for(AdProduct.SP) == ProductRules(stock=True, featured_offer=True)
    assert config.rules_for(AdProduct.SB) == ProductRules(stock=True, featured_offer=True)


def test_profile_ids_written_as_numbers_become_text():
    config = load_config('{"profile_mapping": {"A2SELLER": {"ATVPDKIKX0DER": 3745832947321990, "A1F83G8C2ARO7P": "42"}}}')
    assert config.profile_mapping == {"A2SELLER": {"ATVPDKIKX0DER": "3745832947321990", "A1F83G8C2ARO7P": "42"}}


def test_a_full_configuration_loads():
    text = json.dumps(
        {
            "mode": "monitor",
            "pause_threshold": 2,
            "resume_threshold": 5,
            "include_inbound": True,
            "dwell_minutes": 0,
            "rules": {"SP": {"stock": True, "featured_offer": False}},
            "sb_multi_asin": "any",
            "allowed_marketplaces": ["ATVPDKIKX0DER"],
            "excluded_asins": ["B000000001"],
            "vendor_account_prefixes": ["amzn1.vg.", "amzn1.vendor."],
            "dedup_ttl_days": 7,
        }
    )
    config = load_config(text)
    assert config.mode is Mode.MONITOR and config.sb_multi_asin == "any"
    assert config.marketplace_allowed("ATVPDKIKX0DER") and not config.marketplace_allowed("A1F83G8C2ARO7P")
    assert config.is_vendor("amzn1.vendor.x") and not config.is_vendor("A2SELLER")


def test_the_configuration_is_frozen():
    config = load_config(None)
    with pytest.raises(ValidationError, match="frozen"):
        config.pause_threshold = 3  # type: ignore[misc]


def test_bad_json_fails_with_its_position():
    [problem] = problems('{"mode": "monitor",}')
    assert problem.startswith("not valid JSON") and "line 1" in problem


def test_a_json_document_that_is_not_an_object_fails():
    assert problems("[1, 2]") == ("(root): expected a JSON object, got list",)


@pytest.mark.parametrize("resume", [0, 2])
def test_resume_threshold_must_be_above_the_pause_threshold(resume):
    [problem] = problems(json.dumps({"pause_threshold": 2, "resume_threshold": resume}))
    assert problem == f"resume_threshold: must be greater than pause_threshold (2), got {resume}"


def test_an_unknown_key_is_a_typo():
    assert problems('{"pause_treshold": 3}') == ("pause_treshold: unknown key (typo?)",)


def test_an_unknown_key_inside_rules_is_a_typo():
    assert problems('{"rules": {"SB": {"featured": false}}}') == ("rules.SB.featured: unknown key (typo?)",)


def test_an_unknown_mode_names_the_allowed_ones():
    [problem] = problems('{"mode": "pause"}')
    assert problem.startswith("mode: ") and "'monitor', 'pause_only' or 'pause_and_resume'" in problem and "'pause'" in problem


def test_every_problem_is_listed_at_once():
    listed = problems('{"mode": "x", "pause_threshold": -1, "sb_multi_asin": "some", "rules": {"XX": {}}, "dwell": 3}')
    fields = sorted(p.split(":")[0] for p in listed)
    assert fields == ["dwell", "mode", "pause_threshold", "rules.XX.[key]", "sb_multi_asin"]
    assert "invalid StockGuard configuration" in str(ConfigError(list(listed)))


def test_the_json_schema_documents_every_key():
    schema = config_json_schema()
    assert set(schema["properties"]) == set(StockGuardConfig.model_fields)
    assert schema.get("additionalProperties") is False
