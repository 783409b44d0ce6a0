"""Credentials from a file or a Secrets Manager secret (moto in process); never shown anywhere."""

from __future__ import annotations

import json
import logging

import boto3
import pytest
from moto import mock_aws

from stockguard.spapi.credentials import load_from_file
from stockguard.spapi.errors import CredentialsError
from tests.integration.spapi.conftest import INVENTORY_ARN


def _assert_no_secret(fake, *texts: str) -> None:
    for value in fake.secret_values():
        for text in texts:
            assert value not in text


def test_credentials_from_a_secrets_manager_secret(fake, subscribe, capsys, caplog):
    with mock_aws():
        # Given the secret in Secrets Manager (created before DEBUG is on: botocore would log the test's own call)
        client = boto3.client("secretsmanager", region_name="us-east-1")
        client.create_secret(Name="stockguard/spapi", SecretString=json.dumps(fake.credentials()))
        caplog.set_level(logging.DEBUG)
        # When
        run = subscribe(
            "--queue-arn", INVENTORY_ARN, "--region", "na", "--credentials-secret", "stockguard/spapi", "--json", credentials=False
        )
    # Then the run worked with those credentials, and no value leaked
    assert run.code == 0, run.err
    assert len(fake.subscriptions) == 4
    _assert_no_secret(fake, run.out, run.err, caplog.text)


def test_secret_arn_is_read_in_its_own_region(fake, subscribe):
    with mock_aws():
        client = boto3.client("secretsmanager", region_name="eu-west-1")
        arn = client.create_secret(Name="spapi-eu", SecretString=json.dumps(fake.credentials()))["ARN"]
        run = subscribe("--queue-arn", INVENTORY_ARN, "--region", "eu", "--credentials-secret", arn, credentials=False)
    assert run.code == 0, run.err


def test_missing_secret_is_a_clear_failure(fake, subscribe):
    with mock_aws():
        run = subscribe("--queue-arn", INVENTORY_ARN, "--region", "na", "--credentials-secret", "nope", credentials=False)
    assert run.code == 1
    assert "cannot read secret 'nope'" in run.err and "ResourceNotFoundException" in run.err
    assert fake.requests == []


def test_credentials_from_a_file(fake, subscribe):
    run = subscribe("--queue-arn", INVENTORY_ARN, "--region", "na")
    assert run.code == 0, run.err
    assert len(fake.destinations) == 1


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "is not valid JSON"),
        ("[1, 2]", "must hold a JSON object"),
        (json.dumps({"client_id": "id-x", "client_secret": "very-secret-value", "refresh_token": 7}), "refresh_token"),
        (json.dumps({"client_id": "id-x", "client_secret": "very-secret-value"}), "refresh_token"),
    ],
)
def test_bad_credentials_files_name_the_problem_not_the_values(tmp_path, content, message):
    path = tmp_path / "c.json"
    path.write_text(content)
    with pytest.raises(CredentialsError) as raised:
        load_from_file(path)
    assert message in str(raised.value) and str(path) in str(raised.value)
    assert "very-secret-value" not in str(raised.value)


def test_missing_credentials_file_exits_1(fake, subscribe, tmp_path):
    run = subscribe("--queue-arn", INVENTORY_ARN, "--region", "na", "--credentials-file", str(tmp_path / "none.json"), credentials=False)
    assert run.code == 1
    assert "not found" in run.err


def test_credentials_repr_hides_every_value(fake, creds_file):
    credentials = load_from_file(creds_file)
    for value in fake.credentials().values():
        assert value not in repr(credentials) and value not in str(credentials)
