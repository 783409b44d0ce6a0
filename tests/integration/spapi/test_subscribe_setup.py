"""`stockguard subscribe` against the fake Notifications API: set-up, idempotence, reuse, conflicts."""

from __future__ import annotations

from tests.integration.spapi.conftest import INVENTORY_ARN, OFFER_ARN

INVENTORY_TYPES = {"ITEM_INVENTORY_EVENT_CHANGE", "FBA_INVENTORY_AVAILABILITY_CHANGES"}
OFFER_TYPES = {"ANY_OFFER_CHANGED", "PRICING_HEALTH"}


def _by_type(lines):
    return {line["notificationType"]: line for line in lines if line.get("step") == "subscription"}


def test_fresh_setup_creates_two_destinations_and_four_subscriptions(fake, subscribe):
    # Given an account with nothing set up
    # When
    run = subscribe("--queue-arn", INVENTORY_ARN, "--offer-queue-arn", OFFER_ARN, "--region", "na", "--json")
    # Then
    assert run.code == 0, run.err
    lines = run.json_lines()
    destinations = [line for line in lines if line.get("step") == "destination"]
    assert [(d["queueArn"], d["result"]) for d in destinations] == [(INVENTORY_ARN, "created"), (OFFER_ARN, "created")]
    assert len(fake.destinations) == 2
    by_arn = {d["resource"]["sqs"]["arn"]: d for d in fake.destinations.values()}
    assert by_arn[INVENTORY_ARN]["name"] == "stockguard-stockguard-inventory"
    subs = _by_type(lines)
    assert set(subs) == INVENTORY_TYPES | OFFER_TYPES
    assert all(s["result"] == "created" for s in subs.values())
    for notification_type, stored in fake.subscriptions.items():
        expected_arn = INVENTORY_ARN if notification_type in INVENTORY_TYPES else OFFER_ARN
        assert stored["destinationId"] == by_arn[expected_arn]["destinationId"]
        assert stored["payloadVersion"] == "1.0"
        assert subs[notification_type]["subscriptionId"] == stored["subscriptionId"]
        assert subs[notification_type]["queueArn"] == expected_arn
    assert lines[-1]["summary"]["subscriptions"] == {"created": 4}
    assert lines[-1]["summary"]["ok"] is True


def test_requests_use_the_right_token_and_headers(fake, subscribe):
    # When
    subscribe("--queue-arn", INVENTORY_ARN, "--region", "na")
    # Then: the fake only answers 2xx to the right token kind, and we check it recorded them so
    destination_calls = fake.calls("POST", "/notifications/v1/destinations")
    subscription_calls = fake.calls("GET", "/notifications/v1/subscriptions/") + fake.calls("POST", "/notifications/v1/subscriptions/")
    assert destination_calls and all(r.token_kind == "grantless" for r in destination_calls)
    assert len(subscription_calls) == 8 and all(r.token_kind == "seller" for r in subscription_calls)
    for request in fake.api_requests:
        assert request.headers["user-agent"] == "stockguard/0.1 (Language=Python)"
        if request.method == "POST":
            assert request.headers["content-type"] == "application/json"
    # one token of each kind, cached for the whole run
    assert len(fake.calls("POST", "/auth/o2/token")) == 2


def test_single_queue_carries_all_four_types(fake, subscribe):
    # Given no --offer-queue-arn
    run = subscribe("--queue-arn", INVENTORY_ARN, "--region", "us-east-1", "--json")
    # Then one destination and every subscription points at it
    assert run.code == 0, run.err
    assert len(fake.destinations) == 1
    (destination_id,) = fake.destinations
    assert {s["destinationId"] for s in fake.subscriptions.values()} == {destination_id}
    assert len(fake.subscriptions) == 4


def test_second_run_creates_nothing_and_reports_reused_and_exists(fake, subscribe):
    # Given a completed first run
    first = subscribe("--queue-arn", INVENTORY_ARN, "--offer-queue-arn", OFFER_ARN, "--region", "eu", "--json")
    assert first.code == 0
    destinations, subscriptions = dict(fake.destinations), dict(fake.subscriptions)
    creates_before = len(fake.calls("POST", "/notifications/v1/subscriptions/"))
    # When it runs again
    second = subscribe("--queue-arn", INVENTORY_ARN, "--offer-queue-arn", OFFER_ARN, "--region", "eu", "--json")
    # Then nothing new exists and every step says so
    assert second.code == 0, second.err
    assert fake.destinations == destinations and fake.subscriptions == subscriptions
    assert len(fake.calls("POST", "/notifications/v1/subscriptions/")) == creates_before
    lines = second.json_lines()
    assert [line["result"] for line in lines if line.get("step") == "destination"] == ["reused", "reused"]
    subs = _by_type(lines)
    assert {s["result"] for s in subs.values()} == {"exists"}
    assert {t: s["subscriptionId"] for t, s in subs.items()} == {t: s["subscriptionId"] for t, s in subscriptions.items()}
    assert lines[-1]["summary"] == {"destinations": {"reused": 2}, "subscriptions": {"exists": 4}, "ok": True, "dryRun": False}


def test_409_on_create_destination_reuses_the_existing_one(fake, subscribe):
    # Given a destination for the queue made by someone else (createDestination will answer 409)
    existing_id = fake.seed_destination(INVENTORY_ARN, name="made-by-hand")
    fake.seed_destination("arn:aws:sqs:us-east-1:123456789012:unrelated")
    # When
    run = subscribe("--queue-arn", INVENTORY_ARN, "--region", "na", "--json")
    # Then it is looked up (grantless) and used for the subscriptions
    assert run.code == 0, run.err
    (destination,) = [line for line in run.json_lines() if line.get("step") == "destination"]
    assert destination["result"] == "reused" and destination["destinationId"] == existing_id
    assert [r.token_kind for r in fake.calls("GET", "/notifications/v1/destinations")] == ["grantless"]
    assert {s["destinationId"] for s in fake.subscriptions.values()} == {existing_id}


def test_409_on_create_subscription_is_looked_up_and_reported_as_exists(fake, subscribe):
    # Given getSubscription first answers 404 (a race), then createSubscription answers 409
    destination_id = fake.seed_destination(INVENTORY_ARN)
    sub_id = fake.seed_subscription("PRICING_HEALTH", destination_id)
    fake.fail_next("GET", "/notifications/v1/subscriptions/PRICING_HEALTH", 404, code="NotFound")
    # When
    run = subscribe("--queue-arn", INVENTORY_ARN, "--region", "na", "--json")
    # Then
    assert run.code == 0, run.err
    pricing = _by_type(run.json_lines())["PRICING_HEALTH"]
    assert pricing["result"] == "exists" and pricing["subscriptionId"] == sub_id
    assert len(fake.calls("POST", "/notifications/v1/subscriptions/PRICING_HEALTH")) == 1


def test_subscription_to_another_destination_is_a_conflict_and_left_alone(fake, subscribe):
    # Given ANY_OFFER_CHANGED already delivered to some other queue
    other = fake.seed_destination("arn:aws:sqs:us-east-1:123456789012:someone-elses-queue")
    other_sub = fake.seed_subscription("ANY_OFFER_CHANGED", other)
    # When
    run = subscribe("--queue-arn", INVENTORY_ARN, "--offer-queue-arn", OFFER_ARN, "--region", "na", "--json")
    # Then: reported, not deleted, not recreated; the other types are still set up; exit 1
    assert run.code == 1
    subs = _by_type(run.json_lines())
    aoc = subs["ANY_OFFER_CHANGED"]
    assert aoc["result"] == "conflict"
    assert aoc["subscriptionId"] == other_sub and aoc["existingDestinationId"] == other
    assert fake.subscriptions["ANY_OFFER_CHANGED"]["destinationId"] == other
    assert not fake.calls("POST", "/notifications/v1/subscriptions/ANY_OFFER_CHANGED")
    assert not fake.calls("DELETE", "/")
    assert {t: s["result"] for t, s in subs.items() if t != "ANY_OFFER_CHANGED"} == dict.fromkeys(
        INVENTORY_TYPES | {"PRICING_HEALTH"}, "created"
    )
    assert run.json_lines()[-1]["summary"]["ok"] is False
    assert "ANY_OFFER_CHANGED is already subscribed" in run.err and other in run.err


def test_conflict_in_human_output(fake, subscribe):
    other = fake.seed_destination("arn:aws:sqs:us-east-1:123456789012:elsewhere")
    fake.seed_subscription("FBA_INVENTORY_AVAILABILITY_CHANGES", other)
    run = subscribe("--queue-arn", INVENTORY_ARN, "--region", "na")
    assert run.code == 1
    assert any(line.startswith("subscription  conflict") and "FBA_INVENTORY_AVAILABILITY_CHANGES" in line for line in run.out.splitlines())
    assert "deleteSubscriptionById" in run.err
    assert "FAILED" in run.out.splitlines()[-1]


def test_marketplace_event_filter_only_when_marketplaces_are_given(fake, subscribe):
    # When: no marketplaces
    assert subscribe("--queue-arn", INVENTORY_ARN, "--region", "na").code == 0
    # Then no createSubscription body has a processingDirective (an empty eventFilter would be a 400)
    assert all("processingDirective" not in r.body for r in fake.calls("POST", "/notifications/v1/subscriptions/"))


def test_marketplace_event_filter_on_any_offer_changed_only(fake, subscribe):
    # When
    run = subscribe(
        "--queue-arn",
        INVENTORY_ARN,
        "--region",
        "na",
        "--marketplace-id",
        "ATVPDKIKX0DER",
        "A2EUQ1WTGCTBG2",
        "--marketplace-id",
        "ATVPDKIKX0DER",
    )
    # Then
    assert run.code == 0, run.err
    bodies = {r.path.rsplit("/", 1)[-1]: r.body for r in fake.calls("POST", "/notifications/v1/subscriptions/")}
    assert bodies["ANY_OFFER_CHANGED"]["processingDirective"] == {
        "eventFilter": {"eventFilterType": "ANY_OFFER_CHANGED", "marketplaceIds": ["ATVPDKIKX0DER", "A2EUQ1WTGCTBG2"]}
    }
    assert all("processingDirective" not in b for t, b in bodies.items() if t != "ANY_OFFER_CHANGED")


def test_payload_version_override(fake, subscribe):
    run = subscribe("--queue-arn", INVENTORY_ARN, "--region", "na", "--payload-version", "ITEM_INVENTORY_EVENT_CHANGE=2020-09-04")
    assert run.code == 0, run.err
    assert fake.subscriptions["ITEM_INVENTORY_EVENT_CHANGE"]["payloadVersion"] == "2020-09-04"
    assert fake.subscriptions["PRICING_HEALTH"]["payloadVersion"] == "1.0"


def test_human_output_names_ids_and_results(fake, subscribe):
    run = subscribe("--queue-arn", INVENTORY_ARN, "--region", "na")
    assert run.code == 0, run.err
    (destination_id,) = fake.destinations
    lines = run.out.splitlines()
    assert lines[0].startswith("destination   created") and f"id={destination_id}" in lines[0]
    for notification_type, stored in fake.subscriptions.items():
        assert any(notification_type in line and f"id={stored['subscriptionId']}" in line and "created" in line for line in lines)
    assert lines[-1].startswith("summary: ok")
