"""getInventorySummaries: paging, the startDateTime and sellerSkus filters, details, nextToken expiry."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from stockguard_dev.simulator.spapi import ManualClock, SpApiSimulator
from stockguard_dev.simulator.spapi.clock import iso
from tests.integration.simulator.spapi.wire import SELLER, US, SpApi

pytestmark = pytest.mark.integration

FIVE_SKUS = {SELLER: {US: [{"sellerSku": f"SKU-{n}", "asin": f"B00000000{n}", "totalQuantity": n} for n in range(1, 6)]}}


@pytest.fixture
def paged(clock: ManualClock) -> Iterator[SpApi]:
    """Five SKUs, two per page."""
    with SpApiSimulator(FIVE_SKUS, page_size=2, rate_limiting=False, clock=clock) as sim:
        client = SpApi(sim)
        yield client
        client.close()


def _skus(response: httpx.Response) -> list[str]:
    return [item["sellerSku"] for item in response.json()["payload"]["inventorySummaries"]]


def test_summaries_come_in_amazons_shape(api: SpApi) -> None:
    # Given the demo seed / When US inventory is read without details
    response = api.summaries()

    # Then payload.granularity and the items, no inventoryDetails, no pagination on the only page
    assert response.status_code == 200
    body = response.json()
    assert body["payload"]["granularity"] == {"granularityType": "Marketplace", "granularityId": US}
    first = body["payload"]["inventorySummaries"][0]
    assert set(first) == {"asin", "fnSku", "sellerSku", "condition", "lastUpdatedTime", "productName", "totalQuantity"}
    assert "pagination" not in body


def test_paging_walks_three_pages_with_next_tokens(paged: SpApi) -> None:
    # Given five SKUs and a page size of two
    # When the pages are followed by pagination.nextToken
    pages, token = [], None
    while True:
        extra = {"nextToken": token} if token else {}
        body = paged.summaries(**extra).json()
        pages.append([i["sellerSku"] for i in body["payload"]["inventorySummaries"]])
        token = body.get("pagination", {}).get("nextToken")
        if not token:
            break

    # Then three pages hold every SKU once, in seed order
    assert pages == [["SKU-1", "SKU-2"], ["SKU-3", "SKU-4"], ["SKU-5"]]


def test_start_date_time_returns_only_items_changed_since(api: SpApi, sim: SpApiSimulator, clock: ManualClock) -> None:
    # Given one item changed now (the others last changed in November)
    clock.advance(60)
    since = iso(clock())
    sim.set_inventory(SELLER, US, "SELLERSKU-2", fulfillableQuantity=0)

    # When inventory changed since then is asked for, with a sellerSkus filter that would exclude it
    response = api.summaries(startDateTime=since, sellerSkus="SELLERSKU-1")

    # Then only the changed item comes back (sellerSkus is ignored with startDateTime)
    assert _skus(response) == ["SELLERSKU-2"]
    assert response.json()["payload"]["inventorySummaries"][0]["lastUpdatedTime"] == since


def test_start_date_time_earlier_than_18_months_is_invalid(api: SpApi) -> None:
    response = api.summaries(startDateTime="2024-01-01T00:00:00Z")

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "InvalidInput"


def test_seller_skus_filters_and_seller_sku_picks_one(api: SpApi) -> None:
    # Given the demo seed / When filtered by a list and by a single SKU
    listed = api.summaries(sellerSkus="SELLERSKU-3,SELLERSKU-1")
    single = api.summaries(sellerSku="SELLERSKU-2")

    # Then only those SKUs come back (seed order)
    assert _skus(listed) == ["SELLERSKU-1", "SELLERSKU-3"]
    assert _skus(single) == ["SELLERSKU-2"]


def test_seller_skus_accepts_50_and_refuses_51(api: SpApi) -> None:
    # Given lists of 50 and 51 SKUs
    fifty = ",".join(["SELLERSKU-1"] + [f"OTHER-{n}" for n in range(49)])
    fifty_one = fifty + ",ONE-TOO-MANY"

    # When each is sent / Then 50 is served, 51 is a 400 with the error body
    assert _skus(api.summaries(sellerSkus=fifty)) == ["SELLERSKU-1"]
    refused = api.summaries(sellerSkus=fifty_one)
    assert refused.status_code == 400
    assert "50" in refused.json()["errors"][0]["message"]


def test_details_true_adds_inventory_details(api: SpApi) -> None:
    # Given the demo seed / When details=true and details=false are asked for
    on = api.summaries(details="true", sellerSku="SELLERSKU-2").json()["payload"]["inventorySummaries"][0]
    off = api.summaries(details="false", sellerSku="SELLERSKU-2").json()["payload"]["inventorySummaries"][0]

    # Then only details=true carries inventoryDetails, with the model's breakdown
    details = on["inventoryDetails"]
    assert details["fulfillableQuantity"] == 3
    assert details["reservedQuantity"]["totalReservedQuantity"] == 1
    assert {
        "inboundWorkingQuantity",
        "inboundShippedQuantity",
        "inboundReceivingQuantity",
        "researchingQuantity",
        "unfulfillableQuantity",
    } <= set(details)
    assert "inventoryDetails" not in off


def test_set_inventory_moves_total_quantity_with_the_details(api: SpApi, sim: SpApiSimulator) -> None:
    # Given SELLERSKU-1 with 42 fulfillable of 44 units / When 40 units leave
    sim.set_inventory(SELLER, US, "SELLERSKU-1", fulfillableQuantity=2)

    # Then the summary shows 2 fulfillable and 4 in total
    item = api.summaries(details="true", sellerSku="SELLERSKU-1").json()["payload"]["inventorySummaries"][0]
    assert (item["inventoryDetails"]["fulfillableQuantity"], item["totalQuantity"]) == (2, 4)


def test_next_token_expires_30_seconds_after_it_was_issued(paged: SpApi, clock: ManualClock) -> None:
    # Given a first page and its nextToken
    token = paged.summaries().json()["pagination"]["nextToken"]

    # When the token is used 29 s later it still works; a fresh token used 30 s later does not
    clock.advance(29)
    second = paged.summaries(nextToken=token)
    fresh = second.json()["pagination"]["nextToken"]
    clock.advance(30)
    expired = paged.summaries(nextToken=fresh)

    # Then the expired one is a 400 whose message says so
    assert _skus(second) == ["SKU-3", "SKU-4"]
    assert expired.status_code == 400
    (error,) = expired.json()["errors"]
    assert error["code"] == "InvalidInput"
    assert "expired" in error["message"]


def test_a_forged_next_token_is_invalid(paged: SpApi) -> None:
    response = paged.summaries(nextToken="not-a-token")

    assert response.status_code == 400
    assert "nextToken" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    "params",
    [
        {"granularityType": "Country"},
        {"granularityId": "A1PA6795UKMFR9"},
        {"marketplaceIds": f"{US},A2EUQ1WTGCTBG2"},
        {"details": "maybe"},
    ],
)
def test_invalid_parameters_are_400_invalid_input(api: SpApi, params: dict[str, str]) -> None:
    response = api.summaries(**params)

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "InvalidInput"


def test_missing_required_parameters_are_400(api: SpApi) -> None:
    response = api.http.get("/fba/inventory/v1/summaries", params={"marketplaceIds": US})

    assert response.status_code == 400
    assert "granularityType" in response.json()["errors"][0]["message"]
