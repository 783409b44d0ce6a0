"""Configuration: endpoint overrides, credentials from Secrets Manager and from a file, and that no secret
ever shows up in logs, exception strings, tracebacks or reprs."""

from __future__ import annotations

import json
import logging
import traceback

import boto3
import pytest
from aws_lambda_powertools.utilities import parameters
from aws_lambda_powertools.utilities.parameters import base as parameters_base
from moto import mock_aws

from stockguard.ads import (
    AdsApiAuthError,
    AdsApiClient,
    AdsCredentials,
    Endpoints,
    load_credentials_from_file,
    load_credentials_from_secret,
)
from stockguard.ads.port import Region
from stockguard.domain.ads import AdProduct, EntityState, EntityType
from stockguard_dev.simulator import FaultRule
from tests.integration.ads.support import CLIENT_ID, CREDS, REFRESH, SECRET, US_SELLER

SECRET_JSON = json.dumps({"client_id": CLIENT_ID, "client_secret": SECRET, "refresh_token": REFRESH})


@pytest.mark.parametrize("region", list(Region))
def test_endpoint_overrides_replace_every_regional_host(sim, region):
    # Given a client built with the simulator's hosts as overrides (by value: runtime passes the template's)
    client = AdsApiClient(CREDS, api_endpoint=sim.base_url + "/", token_endpoint=sim.token_url, sleep=lambda s: None)
    # When listing the profiles of any region, then only the simulator is asked
    assert {p.region for p in client.list_profiles(region)} == {region}
    assert [r.path for r in sim.requests] == ["/auth/o2/token", "/v2/profiles"]


def test_the_environment_is_never_read(sim, monkeypatch):
    # Given the old override variables pointing at the simulator
    monkeypatch.setenv("ADS_API_ENDPOINT", sim.base_url)
    monkeypatch.setenv("LWA_TOKEN_ENDPOINT", sim.token_url)
    # When a client is built without overrides, then it talks to Amazon's hosts, not to the simulator
    assert AdsApiClient(CREDS)._endpoints.api(Region.NA) == "https://advertising-api.amazon.com"
    # And explicit endpoints are what a client uses
    client = AdsApiClient(CREDS, endpoints=Endpoints(sim.base_url, sim.token_url))
    assert client.list_profiles(Region.NA)


@pytest.fixture
def secrets():
    with mock_aws():
        parameters.clear_caches()
        parameters_base.DEFAULT_PROVIDERS.clear()  # a provider built outside the mock would reach AWS
        yield boto3.client("secretsmanager", region_name="us-east-1")
        parameters.clear_caches()
        parameters_base.DEFAULT_PROVIDERS.clear()


def test_credentials_from_the_secret_are_cached(secrets):
    secrets.create_secret(Name="stockguard/ads", SecretString=SECRET_JSON)
    credentials = load_credentials_from_secret("stockguard/ads")
    assert credentials.client_id == CLIENT_ID and credentials.refresh_token.get_secret_value() == REFRESH
    # When the secret changes within max_age, the cached value is still served (warm invocations)
    secrets.put_secret_value(SecretId="stockguard/ads", SecretString=SECRET_JSON.replace(SECRET, "rotated-secret"))
    assert load_credentials_from_secret("stockguard/ads").client_secret.get_secret_value() == SECRET
    parameters.clear_caches()
    assert load_credentials_from_secret("stockguard/ads").client_secret.get_secret_value() == "rotated-secret"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("Atzr|not-json " + SECRET, "not JSON"),
        (json.dumps({"client_id": CLIENT_ID, "client_secret": SECRET}), "refresh_token"),
        (json.dumps({"client_id": CLIENT_ID, "client_secret": "", "refresh_token": REFRESH}), "client_secret"),
    ],
)
def test_a_bad_secret_is_an_auth_error_that_does_not_show_the_value(secrets, value, expected):
    secrets.create_secret(Name="stockguard/bad", SecretString=value)
    with pytest.raises(AdsApiAuthError, match=expected) as raised:
        load_credentials_from_secret("stockguard/bad")
    text = "".join(traceback.format_exception(raised.value))
    assert SECRET not in text and REFRESH not in text and "stockguard/bad" in text


def test_a_missing_secret_is_an_auth_error(secrets):
    with pytest.raises(AdsApiAuthError, match="ResourceNotFoundException"):
        load_credentials_from_secret("stockguard/absent")


def test_credentials_from_a_file(tmp_path):
    path = tmp_path / "ads.json"
    path.write_text(SECRET_JSON)
    assert load_credentials_from_file(path) == CREDS
    path.write_text("{" + SECRET)
    with pytest.raises(AdsApiAuthError, match="not JSON") as raised:
        load_credentials_from_file(path)
    assert SECRET not in str(raised.value)
    with pytest.raises(AdsApiAuthError, match="cannot read"):
        load_credentials_from_file(tmp_path / "absent.json")


def test_no_secret_in_logs_exceptions_or_reprs(sim, harness_for, caplog):
    caplog.set_level(logging.DEBUG)  # every logger, httpx and httpcore included
    h = harness_for(sim)
    # A full round: token, listing, a 401 and its refresh, a throttled write, a refused grant
    h.client.list_entities(Region.NA, US_SELLER, AdProduct.SP)
    sim.expire_tokens()
    sim.faults.add(FaultRule(match="PUT /sp/productAds", kind="429", times=1))
    h.client.set_states(Region.NA, US_SELLER, AdProduct.SP, EntityType.AD, [("200000000000001", EntityState.PAUSED)])
    sim.faults.clear()
    sim.faults.add(FaultRule(match="POST /auth/o2/token", kind="5xx", times=1))
    revoked = AdsCredentials(client_id=CLIENT_ID, client_secret="wrong-secret-value", refresh_token="Atzr|revoked-token")
    bad = harness_for(sim, credentials=revoked)
    with pytest.raises(AdsApiAuthError) as raised:
        bad.client.list_profiles(Region.NA)
    text = "\n".join(
        [
            caplog.text,
            "".join(traceback.format_exception(raised.value)),
            repr(h.client),
            repr(bad.client),
            repr(CREDS),
            str(CREDS),
            CREDS.model_dump_json(),
        ]
    )
    for secret in (SECRET, REFRESH, "wrong-secret-value", "Atzr|revoked-token", "Atza|"):  # the simulator's tokens start Atza|
        assert secret not in text
    assert "/sp/productAds" in caplog.text and US_SELLER in caplog.text  # what may be logged is logged
