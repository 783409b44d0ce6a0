"""getListingsItem: SKU → ASIN per marketplace, buyability, MFN quantity; an unknown SKU is None."""

from __future__ import annotations

import httpx
import pytest

from tests.unit.spapi.support import MARKETPLACE, SELLER_ID, answer, errors, pull_client

pytestmark = pytest.mark.unit

CA = "A2EUQ1WTGCTBG2"


def test_a_listing_gives_asin_buyability_and_mfn_quantity():
    # Given a listing buyable in the US, only discoverable in Canada, with 7 merchant-fulfilled units
    body = {
        "sku": "MY/SKU 1",
        "summaries": [
            {
                "marketplaceId": MARKETPLACE,
                "asin": "B0US",
                "productType": "SHOES",
                "status": ["BUYABLE", "DISCOVERABLE"],
                "itemName": "Shoe",
            },
            {"marketplaceId": CA, "asin": "B0CA", "status": ["DISCOVERABLE"], "createdDate": "2024-01-01T00:00:00Z"},
        ],
        "fulfillmentAvailability": [{"fulfillmentChannelCode": "AMAZON_NA"}, {"fulfillmentChannelCode": "DEFAULT", "quantity": 7}],
    }
    client, fake, _ = pull_client(lambda r: answer(200, body))
    # When it is read for both marketplaces
    item = client.listings_item("MY/SKU 1", [MARKETPLACE, CA])
    # Then
    assert item is not None
    assert item.asins == {MARKETPLACE: "B0US", CA: "B0CA"}
    assert item.buyable(MARKETPLACE) is True and item.buyable(CA) is False and item.buyable("A1OTHER") is None
    assert item.mfn_quantity == 7
    # And the request named the seller, the percent-encoded SKU, the marketplaces and the included data
    request = fake.requests[0]
    assert request.url.raw_path.split(b"?")[0] == f"/listings/2021-08-01/items/{SELLER_ID}/MY%2FSKU%201".encode()
    assert dict(request.url.params) == {"marketplaceIds": f"{MARKETPLACE},{CA}", "includedData": "summaries,fulfillmentAvailability"}


def test_without_marketplaces_the_credentials_ones_are_used_and_fba_only_has_no_mfn_quantity():
    # Given an FBA-only listing
    body = {
        "sku": "S1",
        "summaries": [{"marketplaceId": MARKETPLACE, "asin": "B0S1", "status": []}],
        "fulfillmentAvailability": [{"fulfillmentChannelCode": "AMAZON_NA", "quantity": 3}],
    }
    client, fake, _ = pull_client(lambda r: answer(200, body))
    # When read without marketplaces
    item = client.listings_item("S1")
    # Then the seller's marketplaces were asked for; no DEFAULT channel: no MFN quantity; not buyable
    assert fake.requests[0].url.params["marketplaceIds"] == MARKETPLACE
    assert item is not None and item.mfn_quantity is None and item.buyable(MARKETPLACE) is False


def test_an_unknown_sku_is_none():
    # Given Amazon knows no such SKU
    client, _, _ = pull_client(lambda r: answer(404, errors("NOT_FOUND", "SKU not found")))
    # When it is read, then None
    assert client.listings_item("NOPE") is None


def test_an_expired_access_token_is_refreshed_once():
    # Given a first 401 (the access token was revoked), then the listing
    answers = iter([answer(401, errors("Unauthorized", "expired")), answer(200, {"sku": "S1"})])
    client, fake, _ = pull_client(lambda r: next(answers))

    # When it is read, then a second token was fetched and the request sent again
    assert client.listings_item("S1") is not None
    assert fake.token_requests == 2 and len(fake.requests) == 2


def test_requests_carry_the_sellers_access_token():
    # Given a client, when a listing is read
    seen: list[httpx.Request] = []
    client, _, _ = pull_client(lambda r: seen.append(r) or answer(200, {"sku": "S1"}))
    client.listings_item("S1")
    # Then the seller's LWA token went in x-amz-access-token
    assert seen[0].headers["x-amz-access-token"].startswith("Atza|")
