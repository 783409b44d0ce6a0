"""getCompetitiveSummary: per-item statuses, the missing-ASIN 404, the 1-20 batch limit, set_featured."""

from __future__ import annotations

import pytest

from stockguard_dev.simulator.spapi import SpApiSimulator
from tests.integration.simulator.spapi.wire import COMPETITOR, SELLER, US, SpApi, summary_request

pytestmark = pytest.mark.integration


def _featured_sellers(response_item: dict) -> set[str]:
    return {offer["sellerId"] for option in response_item["body"]["featuredBuyingOptions"] for offer in option["segmentedFeaturedOffers"]}


def test_a_batch_answers_each_asin_and_404s_the_missing_one(api: SpApi) -> None:
    # Given two demo ASINs and one the seed does not know
    requests = [summary_request("B00001ABCD"), summary_request("B0MISSING01"), summary_request("B00003IJKL")]

    # When the batch is sent
    response = api.competitive(requests)

    # Then 200 overall, one response per request in order, the missing one 404 with an errors body
    assert response.status_code == 200
    first, missing, third = response.json()["responses"]
    assert first["status"] == {"statusCode": 200, "reasonPhrase": "Success"}
    assert first["body"]["asin"] == "B00001ABCD"
    assert first["body"]["marketplaceId"] == US
    offer = first["body"]["featuredBuyingOptions"][0]["segmentedFeaturedOffers"][0]
    assert offer["sellerId"] == SELLER
    assert {"condition", "fulfillmentType", "listingPrice", "featuredOfferSegments"} <= set(offer)
    assert offer["featuredOfferSegments"][0]["segmentDetails"]["glanceViewWeightPercentage"] == 80
    assert missing["status"]["statusCode"] == 404
    assert missing["body"]["errors"][0]["code"] == "NOT_FOUND"
    assert _featured_sellers(third) == {COMPETITOR}


@pytest.mark.parametrize("count", [0, 21])
def test_a_batch_outside_1_to_20_is_refused(api: SpApi, count: int) -> None:
    response = api.competitive([summary_request("B00001ABCD")] * count)

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "InvalidInput"


def test_a_batch_of_20_is_served(api: SpApi) -> None:
    response = api.competitive([summary_request("B00001ABCD")] * 20)

    assert response.status_code == 200
    assert len(response.json()["responses"]) == 20


def test_an_invalid_item_fails_alone(api: SpApi) -> None:
    # Given a request whose uri is wrong, next to a good one
    bad = {**summary_request("B00001ABCD"), "uri": "/somewhere/else"}

    # When the batch is sent / Then only the bad item is a 400
    statuses = [r["status"]["statusCode"] for r in api.competitive([bad, summary_request("B00001ABCD")]).json()["responses"]]
    assert statuses == [400, 200]


def test_set_featured_moves_the_featured_offer(api: SpApi, sim: SpApiSimulator) -> None:
    # Given we are featured for B00001ABCD
    # When a competitor wins and we lose the Featured Offer
    sim.set_featured(COMPETITOR, US, "B00001ABCD", True)
    sim.set_featured(SELLER, US, "B00001ABCD", False)

    # Then the competitive summary shows only the competitor, with a listing price
    (item,) = api.competitive([summary_request("B00001ABCD")]).json()["responses"]
    assert _featured_sellers(item) == {COMPETITOR}
    assert "listingPrice" in item["body"]["featuredBuyingOptions"][0]["segmentedFeaturedOffers"][0]


def test_set_featured_on_an_unknown_asin_creates_its_summary(api: SpApi, sim: SpApiSimulator) -> None:
    sim.set_featured(SELLER, US, "B0NEWASIN01", True)

    (item,) = api.competitive([summary_request("B0NEWASIN01")]).json()["responses"]
    assert item["status"]["statusCode"] == 200
    assert _featured_sellers(item) == {SELLER}
