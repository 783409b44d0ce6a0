"""Featured Offer facts from ANY_OFFER_CHANGED and PRICING_HEALTH."""

from __future__ import annotations

import pytest

from stockguard.domain.facts import NotificationType, ProductKey
from stockguard.notifications import NotificationError, parse_notification
from stockguard.notifications.any_offer_changed import Offer, featured_offer
from tests.unit.notifications_strategies import ASIN, MARKETPLACE, OTHER_SELLER, SELLER, aoc_body, offer, pricing_health_body, set_path

OWN, OTHER = SELLER, OTHER_SELLER


@pytest.mark.parametrize(
    ("offers", "featured", "detail"),
    [
        # own offer wins
        ([offer(OWN, True)], True, "own_offer_wins"),
        ([offer(OWN, True), offer(OTHER, False)], True, "own_offer_wins"),
        ([offer(OTHER, False), offer(OWN, True)], True, "own_offer_wins"),
        # two winners (Prime and non-Prime): ours is one of them
        ([offer(OWN, True), offer(OTHER, True)], True, "own_offer_wins"),
        # own FBA offer wins while own MFN offer does not
        ([offer(OWN, False), offer(OWN, True), offer(OTHER, False)], True, "own_offer_wins"),
        # another offer wins
        ([offer(OWN, False), offer(OTHER, True)], False, "other_offer_wins"),
        ([offer(OTHER, True)], False, "other_offer_wins"),
        ([offer(OWN, None), offer(OTHER, True)], False, "other_offer_wins"),
        # nobody says: unknown, never lost
        ([offer(OWN, None), offer(OTHER, None)], None, "winner_unknown"),
        ([], None, "winner_unknown"),
        ([offer(OWN, False)], None, "winner_unknown"),
        ([offer(OWN, False), offer(OTHER, False)], None, "winner_unknown"),
        ([offer(OTHER, False)], None, "winner_unknown"),
        # a winner without SellerId could be us: unknown
        ([offer(None, True), offer(OWN, False)], None, "winner_unknown"),
    ],
)
def test_winner_table(offers, featured, detail):
    parsed = parse_notification(aoc_body(offers))
    (fact,) = parsed.offer_facts
    assert (fact.featured, fact.detail) == (featured, detail)
    assert fact.product == ProductKey(account_id=OWN, marketplace_id=MARKETPLACE, asin=ASIN)
    assert fact.source is NotificationType.ANY_OFFER_CHANGED
    assert fact.notification_id == parsed.notification_id == "aoc-1"
    assert fact.event_time.isoformat() == "2026-11-03T09:15:00+00:00"


def test_featured_offer_function_directly():
    assert featured_offer("S", [Offer(SellerId="S", IsBuyBoxWinner=True)]) == (True, "own_offer_wins")
    assert featured_offer("S", [Offer(SellerId="X", IsBuyBoxWinner=True)]) == (False, "other_offer_wins")
    assert featured_offer("S", [Offer()]) == (None, "winner_unknown")


@pytest.mark.parametrize("condition", ["new", "New", "NEW", " new "])
def test_condition_new_in_any_casing_gives_a_fact(condition):
    assert len(parse_notification(aoc_body([offer(OWN, True)], condition=condition)).offer_facts) == 1


@pytest.mark.parametrize("condition", ["used", "Used", "collectible", "refurbished", "", None])
def test_other_or_missing_condition_gives_no_fact(condition):
    # Given an AOC for a condition other than new (own offer even says it wins)
    parsed = parse_notification(aoc_body([offer(OWN, True)], condition=condition))
    # Then the notification is recorded but decides nothing
    assert parsed.offer_facts == ()
    assert parsed.notification_id == "aoc-1"
    assert parsed.products == ()


def test_absent_or_null_offers_mean_unknown():
    body = aoc_body()
    del body["Payload"]["AnyOfferChangedNotification"]["Offers"]
    assert parse_notification(body).offer_facts[0].featured is None
    body["Payload"]["AnyOfferChangedNotification"]["Offers"] = None
    assert parse_notification(body).offer_facts[0].featured is None


@pytest.mark.parametrize("value", ["true", 1, "yes"])
def test_non_boolean_winner_flag_is_rejected(value):
    body = aoc_body([offer(OWN, True)])
    body["Payload"]["AnyOfferChangedNotification"]["Offers"][0]["IsBuyBoxWinner"] = value
    with pytest.raises(NotificationError, match=r"Payload.AnyOfferChangedNotification.Offers\[0\].IsBuyBoxWinner"):
        parse_notification(body)


def test_unused_summary_data_does_not_block_a_decision():
    body = set_path(aoc_body([offer(OTHER, True)]), ("Payload", "AnyOfferChangedNotification", "Summary"), "garbage")
    assert parse_notification(body).offer_facts[0].featured is False


@pytest.mark.parametrize("issue_type", ["BuyBoxDisqualification", "buyboxdisqualification", "BUYBOXDISQUALIFICATION"])
def test_pricing_health_disqualification_is_featured_offer_lost(issue_type):
    parsed = parse_notification(pricing_health_body(issue_type=issue_type))
    (fact,) = parsed.offer_facts
    assert (fact.featured, fact.detail) == (False, "buybox_disqualification")
    assert fact.product == ProductKey(account_id=SELLER, marketplace_id=MARKETPLACE, asin=ASIN)
    assert fact.source is NotificationType.PRICING_HEALTH
    assert fact.event_time.isoformat() == "2026-11-03T09:00:01+00:00"


def test_pricing_health_other_issue_is_recorded_without_facts():
    # Given an issue type StockGuard does not act on, with a payload of some other shape
    body = pricing_health_body(issue_type="SomeFutureIssue")
    body["payload"] = {"issueType": "SomeFutureIssue", "whatever": {"x": 1}}
    # When parsed, Then it is a valid notification that decides nothing
    parsed = parse_notification(body)
    assert parsed.notification_type is NotificationType.PRICING_HEALTH
    assert parsed.notification_id == "ph-1"
    assert parsed.offer_facts == parsed.stock_facts == ()


def test_pricing_health_used_condition_gives_no_fact():
    assert parse_notification(pricing_health_body(condition="used")).offer_facts == ()


def test_pricing_health_without_condition_reads_merchant_offer_condition():
    # No itemCondition in the trigger: the merchant offer's condition decides, and absent both it is our (new) offer
    body = pricing_health_body(condition=None)
    assert len(parse_notification(body).offer_facts) == 1
    body["payload"]["merchantOffer"]["condition"] = "used"
    assert parse_notification(body).offer_facts == ()
    del body["payload"]["merchantOffer"]
    assert len(parse_notification(body).offer_facts) == 1
