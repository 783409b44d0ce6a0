"""FunctionEnvironment: what template.yaml sets, validated at cold start, reaches the Ads API client."""

from __future__ import annotations

import pytest

from stockguard.ads import AdsCredentials
from stockguard.runtime import FunctionEnvironment, build_ads_client

BASE = {"ADS_INDEX_TABLE_NAME": "index", "LEDGER_TABLE_NAME": "ledger", "ADS_CREDENTIALS_SECRET": "secret-arn"}


def _environment(monkeypatch, **extra: str) -> FunctionEnvironment:
    for name in ("ADS_API_TIMEOUT_SECONDS", "ADS_API_MAX_ATTEMPTS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in {**BASE, **extra}.items():
        monkeypatch.setenv(name, value)
    return FunctionEnvironment.from_environ(need_batch_tables=False)


def test_ads_api_timeout_and_attempts_default_to_the_template_defaults(monkeypatch):
    env = _environment(monkeypatch)
    assert (env.ads_api_timeout_seconds, env.ads_api_max_attempts) == (35.0, 6)


def test_template_values_reach_the_ads_api_client(monkeypatch):
    env = _environment(monkeypatch, ADS_API_TIMEOUT_SECONDS="12", ADS_API_MAX_ATTEMPTS="3")
    credentials = AdsCredentials(client_id="id", client_secret="s", refresh_token="Atzr|r")
    monkeypatch.setattr("stockguard.ads.load_credentials_from_secret", lambda secret_id: credentials)
    client = build_ads_client(env)
    assert (client._transport.timeout, client._transport.max_attempts) == (12.0, 3)


@pytest.mark.parametrize(
    ("name", "value"), [("ADS_API_TIMEOUT_SECONDS", "0"), ("ADS_API_MAX_ATTEMPTS", "0"), ("ADS_API_MAX_ATTEMPTS", "many")]
)
def test_a_bad_value_fails_the_cold_start_naming_it(monkeypatch, name, value):
    with pytest.raises(RuntimeError, match=name):
        _environment(monkeypatch, **{name: value})
