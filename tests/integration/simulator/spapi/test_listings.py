"""getListingsItem: derived from inventory (BUYABLE while fulfillable), overrides, 404, seller checks."""

from __future__ import annotations

import pytest

from stockguard_dev.simulator.spapi import SpApiSimulator
from tests.integration.simulator.spapi.wire import DE, SELLER, US, SpApi

pytestmark = pytest.mark.integration


def test_an_in_stock_sku_is_buyable_with_its_quantity(api: SpApi) -> None:
    # Given SELLERSKU-1 with 42 fulfillable units in the US
    # When its listing is read with summaries and fulfillmentAvailability
    response = api.listing("SELLERSKU-1")

    # Then Amazon's listing shape: SKU -> ASIN, BUYABLE, the DEFAULT channel quantity
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"sku", "summaries", "fulfillmentAvailability"}
    assert body["sku"] == "SELLERSKU-1"
    (summary,) = body["summaries"]
    assert summary["marketplaceId"] == US
    assert summary["asin"] == "B00001ABCD"
    assert summary["status"] == ["BUYABLE", "DISCOVERABLE"]
    assert {"productType", "conditionType", "itemName"} <= set(summary)
    assert body["fulfillmentAvailability"] == [{"fulfillmentChannelCode": "DEFAULT", "quantity": 42}]


def test_a_sku_without_fulfillable_units_is_only_discoverable(api: SpApi, sim: SpApiSimulator) -> None:
    # Given SELLERSKU-1 running out
    sim.set_inventory(SELLER, US, "SELLERSKU-1", fulfillableQuantity=0)

    # When its listing is read
    body = api.listing("SELLERSKU-1").json()

    # Then it is no longer BUYABLE and its quantity is 0
    assert body["summaries"][0]["status"] == ["DISCOVERABLE"]
    assert body["fulfillmentAvailability"][0]["quantity"] == 0


def test_included_data_defaults_to_summaries(api: SpApi) -> None:
    response = api.http.get("/listings/2021-08-01/items/A3TH9S8BH6GOGM/SELLERSKU-1", params={"marketplaceIds": US})

    assert set(response.json()) == {"sku", "summaries"}


def test_a_seed_override_is_served_instead_of_the_derived_listing(sim: SpApiSimulator) -> None:
    # Given the demo seed's DE override of SELLERSKU-2 (no FBA units, MFN quantity 4)
    api = SpApi(sim)

    # When its listing is read
    body = api.listing("SELLERSKU-2", marketplace=DE).json()
    api.close()

    # Then the override's content is served
    assert body["summaries"][0]["status"] == ["BUYABLE", "DISCOVERABLE"]
    assert body["fulfillmentAvailability"] == [{"fulfillmentChannelCode": "DEFAULT", "quantity": 4}]


def test_an_unknown_sku_is_404_with_the_error_body(api: SpApi) -> None:
    response = api.listing("NO-SUCH-SKU")

    assert response.status_code == 404
    (error,) = response.json()["errors"]
    assert error["code"] == "NOT_FOUND"
    assert "NO-SUCH-SKU" in error["message"]


def test_a_sku_with_reserved_characters_is_found_percent_encoded(api: SpApi, sim: SpApiSimulator) -> None:
    # Given a SKU with a slash and a space
    sim.set_inventory(SELLER, US, "A/B 1", asin="B0000000AB", fulfillableQuantity=1)

    # When its listing is read with the SKU percent-encoded
    response = api.http.get("/listings/2021-08-01/items/A3TH9S8BH6GOGM/A%2FB%201", params={"marketplaceIds": US})

    # Then it is found
    assert response.status_code == 200
    assert response.json()["summaries"][0]["asin"] == "B0000000AB"


def test_another_sellers_listing_is_forbidden(api: SpApi) -> None:
    response = api.listing("SELLERSKU-1", seller="A1OTHERSELLER1")

    assert response.status_code == 403


def test_an_unknown_included_data_is_invalid(api: SpApi) -> None:
    response = api.listing("SELLERSKU-1", includedData="summaries,everything")

    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "InvalidInput"
