"""--dry-run makes no request at all; usage errors exit 2 through argparse or run()."""

from __future__ import annotations

import argparse

import pytest

from stockguard_dev.cli.subscribe import add_parser
from tests.integration.spapi.conftest import INVENTORY_ARN, OFFER_ARN


def test_dry_run_makes_zero_requests_and_prints_the_plan(fake, subscribe):
    # When
    run = subscribe(
        "--queue-arn", INVENTORY_ARN, "--offer-queue-arn", OFFER_ARN, "--region", "na", "--marketplace-id", "ATVPDKIKX0DER", "--dry-run"
    )
    # Then nothing reached the fake, not even the token endpoint
    assert run.code == 0, run.err
    assert fake.requests == []
    assert f"POST {fake.base_url}/notifications/v1/destinations" in run.out
    assert f'"arn":"{OFFER_ARN}"' in run.out
    assert f"POST {fake.base_url}/notifications/v1/subscriptions/ANY_OFFER_CHANGED" in run.out
    assert '"marketplaceIds":["ATVPDKIKX0DER"]' in run.out
    assert f"POST {fake.lwa_url}" in run.out and "client_secret" not in run.out and "x-amz-access-token" not in run.out


def test_dry_run_needs_no_credentials_and_reads_none(fake, subscribe, tmp_path):
    # Given a credentials file that does not exist: a dry run must not even read it
    run = subscribe(
        "--queue-arn",
        INVENTORY_ARN,
        "--region",
        "fe",
        "--dry-run",
        "--json",
        "--credentials-file",
        str(tmp_path / "missing.json"),
        credentials=False,
    )
    assert run.code == 0, run.err
    lines = run.json_lines()
    assert [line["result"] for line in lines[:-1]] == ["planned"] * 5
    subscription = next(line for line in lines if line.get("notificationType") == "ITEM_INVENTORY_EVENT_CHANGE")
    assert subscription["destinationId"] is None and subscription["payloadVersion"] == "1.0"
    assert [r["method"] for r in subscription["requests"]] == ["GET", "POST"]
    assert subscription["requests"][1]["body"]["payloadVersion"] == "1.0"
    assert (
        "processingDirective"
        not in next(line for line in lines if line.get("notificationType") == "ANY_OFFER_CHANGED")["requests"][1]["body"]
    )
    assert lines[-1] == {"summary": {"destinations": {"planned": 1}, "subscriptions": {"planned": 4}, "ok": True, "dryRun": True}}
    assert fake.requests == []


def test_dry_run_uses_the_regional_host_by_default(subscribe):
    run = subscribe("--queue-arn", INVENTORY_ARN, "--region", "eu-west-1", "--dry-run", endpoints=False, credentials=False)
    assert run.code == 0
    assert "https://sellingpartnerapi-eu.amazon.com/notifications/v1/destinations" in run.out
    assert "https://api.amazon.com/auth/o2/token" in run.out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--queue-arn", INVENTORY_ARN, "--region", "mars"], "unknown SP-API region"),
        (["--queue-arn", "https://sqs.us-east-1.amazonaws.com/1/q", "--region", "na"], "not an SQS queue ARN"),
        (["--queue-arn", INVENTORY_ARN, "--region", "na", "--payload-version", "ORDER_CHANGE=1.0"], "unknown notification type"),
        (["--queue-arn", INVENTORY_ARN, "--region", "na", "--payload-version", "PRICING_HEALTH"], "TYPE=VERSION"),
        (["--queue-arn", INVENTORY_ARN, "--region", "na", "--credentials-file", "a", "--credentials-secret", "b"], "not allowed with"),
        (["--region", "na"], "--queue-arn"),
    ],
)
def test_usage_errors_exit_2(capsys, argv, message):
    parser = argparse.ArgumentParser(prog="stockguard")
    add_parser(parser.add_subparsers(dest="command"))
    with pytest.raises(SystemExit) as exited:
        parser.parse_args(["subscribe", *argv])
    assert exited.value.code == 2
    assert message in capsys.readouterr().err


def test_real_run_without_a_credentials_source_exits_2(fake, subscribe):
    run = subscribe("--queue-arn", INVENTORY_ARN, "--region", "na", credentials=False)
    assert run.code == 2
    assert "--credentials-secret or --credentials-file" in run.err
    assert fake.requests == []


def test_region_aliases_map_to_the_regional_hosts():
    from stockguard.spapi.regions import resolve_region

    assert resolve_region("us-west-2").endpoint == "https://sellingpartnerapi-fe.amazon.com"
    assert resolve_region("NA").aws_region == "us-east-1"
    assert resolve_region("eu").endpoint == "https://sellingpartnerapi-eu.amazon.com"
