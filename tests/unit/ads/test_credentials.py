"""Ads credentials (pure part and Secrets Manager through moto, in process): values never leak into a repr,
an error message or botocore's DEBUG logging. Caching, files and bad JSON: tests/integration/ads/test_config.py."""

from __future__ import annotations

import json
import logging

import boto3
import pytest
from moto import mock_aws

from stockguard.ads import AdsApiAuthError, AdsCredentials, load_credentials_from_secret

SECRET_VALUE = "amzn1.oa2-cs.v1.very-secret-value"
REFRESH = "Atzr|IwEBIrefresh-token-value"
GOOD = {"client_id": "amzn1.application-oa2-client.abc", "client_secret": SECRET_VALUE, "refresh_token": REFRESH}


@pytest.fixture
def secrets():
    from aws_lambda_powertools.utilities import parameters
    from aws_lambda_powertools.utilities.parameters import base

    with mock_aws():
        parameters.clear_caches()
        base.DEFAULT_PROVIDERS.clear()  # a provider built outside the mock would not see it
        yield boto3.client("secretsmanager", region_name="us-east-1")
        parameters.clear_caches()
        base.DEFAULT_PROVIDERS.clear()


def test_repr_and_str_hide_the_secrets():
    credentials = AdsCredentials(**GOOD)
    for text in (repr(credentials), str(credentials), str(credentials.model_dump())):
        assert SECRET_VALUE not in text and REFRESH not in text
    assert credentials.client_secret.get_secret_value() == SECRET_VALUE


@pytest.mark.parametrize(
    "value, fields",
    [
        ({"client_id": "x", "client_secret": SECRET_VALUE}, ["refresh_token"]),
        ({"client_id": "", "client_secret": SECRET_VALUE, "refresh_token": "  "}, ["client_id", "refresh_token"]),
        ({"client_id": "x", "client_secret": 42, "refresh_token": REFRESH}, ["client_secret"]),
    ],
)
def test_missing_or_empty_fields_are_named_without_any_value(secrets, value, fields):
    secrets.create_secret(Name="s", SecretString=json.dumps(value))
    with pytest.raises(AdsApiAuthError) as raised:
        load_credentials_from_secret("s")
    message = str(raised.value)
    assert all(field in message for field in fields)
    assert SECRET_VALUE not in message and REFRESH not in message and "42" not in message


def test_botocore_debug_logging_never_shows_the_secret(secrets, caplog):
    # Given botocore (and everything else) logging at DEBUG, as a careless log-level setting would do
    secrets.create_secret(Name="stockguard/ads", SecretString=json.dumps(GOOD))
    caplog.set_level(logging.DEBUG)
    for name in ("botocore", "botocore.parsers", "botocore.endpoint", "botocore.hooks"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    try:
        load_credentials_from_secret("stockguard/ads")
    finally:
        for name in ("botocore", "botocore.parsers", "botocore.endpoint", "botocore.hooks"):
            logging.getLogger(name).setLevel(logging.NOTSET)
    # Then botocore did log, but no record carries a secret value
    assert any(r.name.startswith("botocore") for r in caplog.records), "botocore logged nothing: the test proves nothing"
    assert SECRET_VALUE not in caplog.text and REFRESH not in caplog.text
    # And the levels were restored for everyone else
    assert logging.getLogger("botocore.parsers").level == logging.NOTSET
