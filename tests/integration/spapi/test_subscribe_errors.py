"""Errors from LWA and the Notifications API: retried when worth it, reported clearly, never leaking secrets."""

from __future__ import annotations

import json
import logging
import socket

from tests.integration.spapi.conftest import INVENTORY_ARN, OFFER_ARN


def _assert_no_secret(fake, *texts: str) -> None:
    assert fake.secret_values()
    for value in fake.secret_values():
        for text in texts:
            assert value not in text


def test_api_error_on_one_type_is_reported_and_the_others_still_set_up(fake, subscribe, caplog):
    caplog.set_level(logging.DEBUG)
    # Given the app lacks the role for ITEM_INVENTORY_EVENT_CHANGE
    fake.fail_next(
        "POST",
        "/notifications/v1/subscriptions/ITEM_INVENTORY_EVENT_CHANGE",
        403,
        code="Unauthorized",
        message="Access to requested resource is denied.",
        details="role missing",
    )
    # When
    run = subscribe("--queue-arn", INVENTORY_ARN, "--region", "na", "--json")
    # Then
    assert run.code == 1
    subs = {line["notificationType"]: line for line in run.json_lines() if line.get("step") == "subscription"}
    failed = subs["ITEM_INVENTORY_EVENT_CHANGE"]
    assert failed["result"] == "failed"
    assert (
        "createSubscription ITEM_INVENTORY_EVENT_CHANGE failed: HTTP 403 Unauthorized: Access to requested resource is denied. (role missing)"
        in failed["message"]
    )
    assert "Brand Analytics" in failed["message"] and "request id" in failed["message"]
    assert "HTTP 403" in run.err
    assert {t: s["result"] for t, s in subs.items() if t != "ITEM_INVENTORY_EVENT_CHANGE"} == {
        "FBA_INVENTORY_AVAILABILITY_CHANGES": "created",
        "ANY_OFFER_CHANGED": "created",
        "PRICING_HEALTH": "created",
    }
    _assert_no_secret(fake, run.out, run.err, caplog.text)


def test_destination_failure_skips_only_its_subscriptions(fake, subscribe):
    # Given the first createDestination (the inventory queue's) is refused
    fake.fail_next("POST", "/notifications/v1/destinations", 400, code="InvalidInput", message="bad queue")
    # When
    run = subscribe("--queue-arn", INVENTORY_ARN, "--offer-queue-arn", OFFER_ARN, "--region", "na", "--json")
    # Then
    assert run.code == 1
    lines = run.json_lines()
    destinations = [line for line in lines if line.get("step") == "destination"]
    assert [d["result"] for d in destinations] == ["failed", "created"]
    assert "createDestination failed: HTTP 400 InvalidInput: bad queue" in destinations[0]["message"]
    results = {line["notificationType"]: line["result"] for line in lines if line.get("step") == "subscription"}
    assert results == {
        "ITEM_INVENTORY_EVENT_CHANGE": "failed",
        "FBA_INVENTORY_AVAILABILITY_CHANGES": "failed",
        "ANY_OFFER_CHANGED": "created",
        "PRICING_HEALTH": "created",
    }
    assert not fake.calls("GET", "/notifications/v1/subscriptions/ITEM_INVENTORY_EVENT_CHANGE")


def test_throttling_is_retried_after_one_second(fake, subscribe, sleeps):
    # Given two 429s on the first createDestination
    fake.fail_next("POST", "/notifications/v1/destinations", 429, code="QuotaExceeded", message="You exceeded your quota", times=2)
    # When
    run = subscribe("--queue-arn", INVENTORY_ARN, "--region", "na")
    # Then it waited 1 s twice (injected sleep) and succeeded
    assert run.code == 0, run.err
    assert sleeps == [1.0, 1.0]
    assert len(fake.calls("POST", "/notifications/v1/destinations")) == 3


def test_persistent_server_errors_give_up_with_a_clear_message(fake, subscribe, sleeps):
    fake.fail_next("GET", "/notifications/v1/subscriptions/PRICING_HEALTH", 503, code="ServiceUnavailable", message="try later", times=10)
    run = subscribe("--queue-arn", INVENTORY_ARN, "--region", "na", "--json")
    assert run.code == 1
    pricing = next(line for line in run.json_lines() if line.get("notificationType") == "PRICING_HEALTH")
    assert pricing["result"] == "failed"
    assert "getSubscription PRICING_HEALTH failed: HTTP 503 ServiceUnavailable: try later" in pricing["message"]
    assert len(fake.calls("GET", "/notifications/v1/subscriptions/PRICING_HEALTH")) == 4
    assert sleeps == [1.0, 1.0, 1.0]


def test_refused_lwa_credentials_stop_the_run(fake, subscribe, creds_file, caplog):
    caplog.set_level(logging.DEBUG)
    # Given a wrong client secret
    bad = {**fake.credentials(), "client_secret": "wrong-" + fake.client_secret}
    creds_file.write_text(json.dumps(bad))
    # When
    run = subscribe("--queue-arn", INVENTORY_ARN, "--region", "na", "--json")
    # Then
    assert run.code == 1
    assert "Login with Amazon refused the grantless token request: invalid_client (Client authentication failed)" in run.err
    assert run.json_lines()[-1]["summary"]["ok"] is False
    assert fake.api_requests == []
    _assert_no_secret(fake, run.out, run.err, caplog.text)
    assert bad["client_secret"] not in run.out + run.err + caplog.text


def test_a_full_run_never_shows_credentials_or_tokens(fake, subscribe, caplog):
    caplog.set_level(logging.DEBUG)
    fake.fail_next("POST", "/notifications/v1/subscriptions/PRICING_HEALTH", 500, message="boom")
    human = subscribe("--queue-arn", INVENTORY_ARN, "--region", "na", "--marketplace-id", "ATVPDKIKX0DER")
    as_json = subscribe("--queue-arn", INVENTORY_ARN, "--region", "na", "--json")
    assert fake.grantless_tokens and fake.seller_tokens
    _assert_no_secret(fake, human.out, human.err, as_json.out, as_json.err, caplog.text)
    assert any("stockguard.spapi" in r.name for r in caplog.records)  # the client did log, and safely


def test_echoed_secrets_in_an_error_body_are_scrubbed(fake, subscribe):
    # Given a server that echoes the refresh token back in an error (it should not, but)
    fake.fail_next("GET", "/notifications/v1/subscriptions/ITEM_INVENTORY_EVENT_CHANGE", 400, message=f"bad token {fake.refresh_token}")
    run = subscribe("--queue-arn", INVENTORY_ARN, "--region", "na")
    assert run.code == 1
    assert fake.refresh_token not in run.out + run.err
    assert "bad token ***" in run.err


def test_unreachable_host_is_retried_then_reported(fake, subscribe, sleeps):
    # Given an SP-API endpoint where nothing listens (LWA is the fake)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}"
    # When
    run = subscribe(
        "--queue-arn", INVENTORY_ARN, "--region", "na", "--json", "--endpoint", dead, "--lwa-endpoint", fake.lwa_url, endpoints=False
    )
    # Then every call failed after its retries, with the host named and nothing created
    assert run.code == 1
    (destination,) = [line for line in run.json_lines() if line.get("step") == "destination"]
    assert destination["result"] == "failed"
    assert f"createDestination: cannot reach {dead} (ConnectError)" == destination["message"]
    assert sleeps == [1.0, 1.0, 1.0]
