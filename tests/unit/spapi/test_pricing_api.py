"""getCompetitiveSummary: 20 ASINs per call, items that fail one by one, who is featured, and the order in
which ASINs are worth asking about."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest

from stockguard.spapi.errors import SpApiError
from stockguard.spapi.pricing_api import (
    COMPETITIVE_SUMMARY_PATH,
    ITEM_FAILED,
    ITEM_URI,
    NO_FEATURED_OFFER,
    OTHER_OFFER_FEATURED,
    OWN_OFFER_FEATURED,
    THROTTLED,
    PricingCandidate,
    prioritise,
)
from tests.unit.spapi.support import MARKETPLACE, SELLER_ID, answer, budget, errors, pull_client, seller_credentials

pytestmark = pytest.mark.unit

OTHER = "A2SOMEONEELSE"


def featured_by(*sellers: str, option: str = "New") -> list[dict]:
    offers = [
        {
            "sellerId": s,
            "condition": "New",
            "fulfillmentType": "AFN",
            "listingPrice": {"amount": 19.99, "currencyCode": "USD"},
            "featuredOfferSegments": [
                {"customerMembership": "PRIME", "segmentDetails": {"glanceViewWeightPercentage": 50.0, "sampleLocation": {}}}
            ],
        }
        for s in sellers
    ]
    return [{"buyingOptionType": option, "segmentedFeaturedOffers": offers}]


def item_ok(asin: str, options: list[dict]) -> dict:
    return {
        "status": {"statusCode": 200, "reasonPhrase": "OK"},
        "body": {"asin": asin, "marketplaceId": MARKETPLACE, "featuredBuyingOptions": options},
    }


def item_failed(asin: str | None = None) -> dict:
    body: dict = {"errors": [{"code": "InvalidInput", "message": "Invalid ASIN"}]}
    if asin:
        body["asin"] = asin
    return {"status": {"statusCode": 400, "reasonPhrase": "Bad Request"}, "body": body}


def batch(featured: dict[str, list[dict]], failing: set[str] = frozenset()):
    """Answers each request: the ASINs in `failing` fail (without naming their ASIN), others per `featured`."""

    def handler(request: httpx.Request) -> httpx.Response:
        asins = [r["asin"] for r in json.loads(request.content)["requests"]]
        return answer(200, {"responses": [item_failed() if a in failing else item_ok(a, featured.get(a, [])) for a in asins]})

    return handler


def test_asins_are_batched_twenty_per_call_and_a_failed_item_is_unknown():
    # Given 45 ASINs, one of which fails inside its batch, and time enough for three calls
    asins = [f"B{i:09d}" for i in range(45)]
    client, fake, clock = pull_client(batch({a: featured_by(SELLER_ID) for a in asins}, failing={"B000000021"}))
    client.set_budget(budget(clock, 120))
    # When their competitive summaries are read
    results = client.competitive_summary(MARKETPLACE, asins)
    # Then three POSTs carried 20, 20 and 5 well-formed requests, paced at the 0.033/s plan
    assert [r.url.path for r in fake.requests] == [COMPETITIVE_SUMMARY_PATH] * 3
    sent = [body["requests"] for body in fake.bodies()]
    assert [len(s) for s in sent] == [20, 20, 5]
    assert sent[0][0] == {
        "asin": "B000000000",
        "marketplaceId": MARKETPLACE,
        "includedData": ["featuredBuyingOptions"],
        "method": "GET",
        "uri": ITEM_URI,
    }
    assert clock.sleeps == [pytest.approx(1 / 0.033, abs=0.01)] * 2
    # And every ASIN has a result, in order: the failed one unknown (never "lost"), the rest featured
    assert list(results) == asins
    failed = results["B000000021"]
    assert (failed.featured, failed.detail, failed.status_code) == (None, ITEM_FAILED, 400)
    assert "Invalid ASIN" in failed.message
    assert all(r.featured is True for a, r in results.items() if a != "B000000021")


def test_featured_for_our_seller_another_seller_or_nobody():
    # Given one ASIN featured for us (beside another seller), one for another seller only, one for nobody,
    # and one where only a Used buying option names us
    featured = {
        "B0OURS": featured_by(OTHER, SELLER_ID),
        "B0THEIRS": featured_by(OTHER),
        "B0NOBODY": [],
        "B0USED": featured_by(SELLER_ID, option="Used"),
    }
    client, _, _ = pull_client(batch(featured))
    # When they are read
    results = client.competitive_summary(MARKETPLACE, list(featured))
    # Then
    assert (results["B0OURS"].featured, results["B0OURS"].detail) == (True, OWN_OFFER_FEATURED)
    assert results["B0OURS"].featured_seller_ids == (OTHER, SELLER_ID)
    assert (results["B0THEIRS"].featured, results["B0THEIRS"].detail) == (False, OTHER_OFFER_FEATURED)
    assert (results["B0NOBODY"].featured, results["B0NOBODY"].detail) == (None, NO_FEATURED_OFFER)
    assert results["B0USED"].featured is None


def test_an_answer_missing_an_item_leaves_that_asin_unknown():
    # Given a batch answer with one response for two requests
    client, _, _ = pull_client(lambda r: answer(200, {"responses": [item_ok("B0A", featured_by(SELLER_ID))]}))
    # When both are asked for, then the missing one is unknown
    results = client.competitive_summary(MARKETPLACE, ["B0A", "B0B"])
    assert results["B0A"].featured is True
    assert (results["B0B"].featured, results["B0B"].detail) == (None, ITEM_FAILED)


def test_a_call_stopped_by_the_budget_keeps_the_answers_already_read():
    # Given 30 ASINs (two calls ~30 s apart) and only 10 s of budget
    asins = [f"B{i:09d}" for i in range(30)]
    client, fake, clock = pull_client(batch({a: featured_by(OTHER) for a in asins}))
    client.set_budget(budget(clock, 10))
    # When they are read
    results = client.competitive_summary(MARKETPLACE, asins)
    # Then the first call's answers are kept and the second call's ASINs are unknown ("throttled"), unsent
    assert len(fake.requests) == 1 and clock.sleeps == []
    assert all(results[a].featured is False for a in asins[:20])
    assert {(results[a].featured, results[a].detail) for a in asins[20:]} == {(None, THROTTLED)}


def test_a_refused_call_is_raised():
    # Given the app lacks the Pricing role
    client, _, _ = pull_client(lambda r: answer(403, errors("Unauthorized", "Access to requested resource is denied.")))
    # When a summary is read, then the error is raised (retrying cannot help)
    with pytest.raises(SpApiError, match="HTTP 403 Unauthorized"):
        client.competitive_summary(MARKETPLACE, ["B0A"])


def test_the_seller_id_is_needed_to_know_whether_we_are_featured():
    # Given credentials of the one-seller shape (no seller id)
    client, fake, _ = pull_client(batch({}), credentials=seller_credentials(seller_id=None))
    # When a summary is read, then it says why it cannot, before any call
    with pytest.raises(SpApiError, match="needs the seller id"):
        client.competitive_summary(MARKETPLACE, ["B0A"])
    assert fake.requests == []


def test_paused_for_a_lost_featured_offer_first_then_the_oldest_offer_fact():
    # Given candidates: two paused, the others by offer-fact age (one without any offer fact)
    candidates = [
        PricingCandidate("B0FRESH", False, timedelta(minutes=5)),
        PricingCandidate("B0OLD", False, timedelta(days=2)),
        PricingCandidate("B0PAUSED_NEW", True, timedelta(minutes=1)),
        ("B0NEVER", False, None),
        PricingCandidate("B0PAUSED_OLD", True, timedelta(hours=3)),
        PricingCandidate("B0FRESH", True, timedelta(minutes=5)),  # the same ASIN again, now paused
    ]
    # When they are ordered
    order = prioritise(candidates)
    # Then paused ones (oldest first) lead, then no fact, then the oldest facts; each ASIN once
    assert order == ["B0PAUSED_OLD", "B0FRESH", "B0PAUSED_NEW", "B0NEVER", "B0OLD"]
    assert prioritise(candidates, limit=2) == ["B0PAUSED_OLD", "B0FRESH"]
