"""The handlers' environment models: what template.yaml sets, validated at cold start, reaches the adapters."""

from __future__ import annotations

import pytest

from stockguard.ads import AdsCredentials
from stockguard.environment import BatchFunctionEnvironment, IndexSyncEnvironment
from stockguard.runtime import build_ads_client

pytestmark = pytest.mark.unit

INDEX_SYNC = {"ADS_INDEX_TABLE_NAME": "index", "LEDGER_TABLE_NAME": "ledger", "ADS_CREDENTIALS_SECRET": "secret-arn"}
BATCH = {
    **INDEX_SYNC,
    "STOCK_TABLE_NAME": "stock",
    "DEDUP_TABLE_NAME": "dedup",
    "AUDIT_TABLE_NAME": "audit",
    "REEVALUATE_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/123456789012/q",
}


def test_ads_api_timeout_and_attempts_default_to_the_template_defaults():
    # Given only the required variables / When the index sync environment is validated
    env = IndexSyncEnvironment.from_environ(INDEX_SYNC)
    # Then the Ads API limits are the template's defaults and no endpoint is overridden
    assert (env.ads.timeout_seconds, env.ads.max_attempts, env.ads.endpoint_overridden) == (35.0, 6, False)


def test_template_values_reach_the_ads_api_client(monkeypatch):
    # Given the template's limits and endpoint overrides
    env = IndexSyncEnvironment.from_environ(
        {**INDEX_SYNC, "ADS_API_TIMEOUT_SECONDS": "12", "ADS_API_MAX_ATTEMPTS": "3", "ADS_API_ENDPOINT": "http://127.0.0.1:1"}
    )
    credentials = AdsCredentials(client_id="id", client_secret="s", refresh_token="Atzr|r")
    monkeypatch.setattr("stockguard.ads.load_credentials_from_secret", lambda secret_id: credentials)
    # When the client is built from the model (never from os.environ)
    monkeypatch.delenv("ADS_API_ENDPOINT", raising=False)
    client = build_ads_client(env.ads)
    # Then the values arrived
    assert (client._transport.timeout, client._transport.max_attempts) == (12.0, 3)  # type: ignore[attr-defined]
    assert env.ads.endpoint_overridden


@pytest.mark.parametrize(
    ("name", "value"), [("ADS_API_TIMEOUT_SECONDS", "0"), ("ADS_API_MAX_ATTEMPTS", "0"), ("ADS_API_MAX_ATTEMPTS", "many")]
)
def test_a_bad_value_fails_the_cold_start_naming_it(name, value):
    with pytest.raises(RuntimeError, match=name):
        IndexSyncEnvironment.from_environ({**INDEX_SYNC, name: value})


@pytest.mark.parametrize("missing", sorted(BATCH))
def test_a_batch_function_needs_every_table_and_its_queue(missing):
    # Given the batch environment without one variable / Then the cold start fails naming it
    with pytest.raises(RuntimeError, match=missing):
        BatchFunctionEnvironment.from_environ({k: v for k, v in BATCH.items() if k != missing})


def test_the_error_never_echoes_a_value():
    # Given a bad value that looks like a secret / Then the message names the variable, not the value
    with pytest.raises(RuntimeError) as error:
        IndexSyncEnvironment.from_environ({**INDEX_SYNC, "ADS_API_MAX_ATTEMPTS": "Atzr|secret"})
    assert "ADS_API_MAX_ATTEMPTS" in str(error.value) and "Atzr" not in str(error.value)


def test_variables_lists_every_name_with_whether_it_is_required():
    assert IndexSyncEnvironment.variables() == {
        "ADS_INDEX_TABLE_NAME": True,
        "LEDGER_TABLE_NAME": True,
        "ADS_CREDENTIALS_SECRET": True,
        "ADS_API_ENDPOINT": False,
        "LWA_TOKEN_ENDPOINT": False,
        "ADS_API_TIMEOUT_SECONDS": False,
        "ADS_API_MAX_ATTEMPTS": False,
        "CONFIG_PARAMETER_NAME": False,
    }
    assert {n for n, required in BatchFunctionEnvironment.variables().items() if required} == set(BATCH)
