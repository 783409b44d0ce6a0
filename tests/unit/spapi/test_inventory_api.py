"""getInventorySummaries: paging, the change feed and SKU chunks, an expired nextToken, and the StockFacts
built from the summaries (the same as from an FBA notification)."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from stockguard.domain.facts import NotificationType, ProductKey
from stockguard.spapi.errors import SpApiError, SpApiRetryableError
from stockguard.spapi.inventory_api import INVENTORY_SUMMARIES_PATH, InventorySnapshot, InventorySummary, stock_facts
from tests.unit.spapi.support import MARKETPLACE, NOW, SELLER_ID, answer, errors, page, pull_client, summary, three_pages

pytestmark = pytest.mark.unit

EXPIRED = errors("InvalidInput", "The nextToken has expired. Please send the request again with startDateTime.")


def test_every_page_is_read_until_there_is_no_next_token():
    # Given three pages chained by pagination.nextToken
    client, fake, _ = pull_client(three_pages)
    # When the summaries are read
    snapshot = client.inventory_summaries(MARKETPLACE)
    # Then all five SKUs come back, typed, after three requests carrying the required query
    assert [s.seller_sku for s in snapshot.summaries] == ["S1", "S2", "S3", "S4", "S5"]
    assert snapshot.pages == 3 and snapshot.called_at == NOW and snapshot.restarts == 0
    assert [r.url.path for r in fake.requests] == [INVENTORY_SUMMARIES_PATH] * 3
    first = fake.params(0)
    assert first == {"granularityType": "Marketplace", "granularityId": MARKETPLACE, "marketplaceIds": MARKETPLACE, "details": "true"}
    assert [fake.params(i).get("nextToken") for i in range(3)] == [None, "tok-2", "tok-3"]
    row = snapshot.summaries[0]
    assert row.inventory_details is not None and row.inventory_details.fulfillable_quantity == 5
    assert row.inventory_details.inbound == 3 and row.inventory_details.reserved_quantity is not None
    assert row.last_updated_time == datetime(2025, 2, 28, 10, tzinfo=UTC)
    assert client.stats["getInventorySummaries"] == 3


def test_the_change_feed_sends_start_date_time_on_every_page():
    # Given a watermark with microseconds
    client, fake, _ = pull_client(three_pages)
    since = datetime(2025, 2, 27, 8, 30, 15, 987654, tzinfo=UTC)
    # When the changes since then are read
    snapshot = client.inventory_summaries(MARKETPLACE, since=since)
    # Then startDateTime (floored to the second) goes with every page, nextToken included, and no sellerSkus
    assert {fake.params(i)["startDateTime"] for i in range(3)} == {"2025-02-27T08:30:15Z"}
    assert all("sellerSkus" not in fake.params(i) for i in range(3))
    assert snapshot.since == since


def test_seller_skus_are_sent_fifty_per_call():
    # Given 120 SKUs (and a repeat)
    client, fake, _ = pull_client(lambda r: page(r.url.params["sellerSkus"].split(",")))
    skus = [f"SKU-{i:03d}" for i in range(120)] + ["SKU-000"]
    # When they are read
    snapshot = client.inventory_summaries(MARKETPLACE, skus=skus)
    # Then three calls carry 50, 50 and 20 comma-separated SKUs, and every SKU comes back once
    sent = [fake.params(i)["sellerSkus"].split(",") for i in range(len(fake.requests))]
    assert [len(chunk) for chunk in sent] == [50, 50, 20]
    assert [sku for chunk in sent for sku in chunk] == skus[:120]
    assert len(snapshot.summaries) == 120
    assert all("startDateTime" not in fake.params(i) for i in range(3))


def test_no_skus_means_no_call_and_since_with_skus_is_refused():
    # Given a client
    client, fake, _ = pull_client(three_pages)
    # When asked for no SKUs, then for SKUs and a watermark together
    empty = client.inventory_summaries(MARKETPLACE, skus=[])
    with pytest.raises(ValueError, match="not both"):
        client.inventory_summaries(MARKETPLACE, since=NOW, skus=["S1"])
    # Then nothing was sent
    assert empty.summaries == () and fake.requests == []


def test_an_expired_next_token_restarts_from_the_same_watermark_and_converges():
    # Given pages whose second nextToken has expired the first time it is sent
    rejected: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        token = request.url.params.get("nextToken")
        if token == "tok-2" and not rejected:
            rejected.append(token)
            return answer(400, EXPIRED)
        return three_pages(request)

    client, fake, _ = pull_client(handler)
    since = datetime(2025, 2, 27, 8, 0, tzinfo=UTC)
    # When the change feed is read
    snapshot = client.inventory_summaries(MARKETPLACE, since=since)
    # Then the query restarted from its first page with the same startDateTime, and every SKU came back once
    assert [fake.params(i).get("nextToken") for i in range(len(fake.requests))] == [None, "tok-2", None, "tok-2", "tok-3"]
    assert {fake.params(i)["startDateTime"] for i in range(5)} == {"2025-02-27T08:00:00Z"}
    assert [s.seller_sku for s in snapshot.summaries] == ["S1", "S2", "S3", "S4", "S5"]
    assert snapshot.restarts == 1


def test_a_next_token_that_keeps_expiring_gives_up_after_the_bounded_restarts():
    # Given a token that is always rejected as expired
    def handler(request: httpx.Request) -> httpx.Response:
        return answer(400, EXPIRED) if request.url.params.get("nextToken") else page(["S1"], "tok-2")

    client, fake, _ = pull_client(handler, max_restarts=2)
    # When the summaries are read
    with pytest.raises(SpApiRetryableError, match="nextToken expired 3 times"):
        client.inventory_summaries(MARKETPLACE, since=NOW)
    # Then it restarted twice, then stopped (retryable: a later run may be quicker)
    assert len(fake.requests) == 6


def test_another_400_is_an_error_not_a_restart():
    # Given a 400 on a page that is not about the token
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.params.get("nextToken"):
            return answer(400, errors("InvalidInput", "Invalid marketplaceIds"))
        return page(["S1"], "tok-2")

    client, fake, _ = pull_client(handler)
    # When the summaries are read, then the error says what Amazon said, and nothing was restarted
    with pytest.raises(SpApiError, match="HTTP 400 InvalidInput: Invalid marketplaceIds") as raised:
        client.inventory_summaries(MARKETPLACE)
    assert not isinstance(raised.value, SpApiRetryableError) and len(fake.requests) == 2


def snapshot_of(*rows: dict) -> InventorySnapshot:
    return InventorySnapshot(MARKETPLACE, tuple(InventorySummary.model_validate(r) for r in rows), NOW)


def test_summaries_become_one_stock_fact_per_sku_like_an_fba_notification():
    # Given one full row, one without an update time, one without details and one without an ASIN
    rows = (
        summary(
            "S1", 7, inventoryDetails={**summary("S1", 7)["inventoryDetails"], "futureSupplyQuantity": {"futureSupplyBuyableQuantity": 4}}
        ),
        summary("S2", 0, lastUpdatedTime=""),
        {**summary("S3"), "inventoryDetails": None},
        {**summary("S4"), "asin": None},
    )
    # When they become facts
    facts = stock_facts(snapshot_of(*rows), SELLER_ID)
    # Then the two usable rows do, with the FBA notification's fields; event time = lastUpdatedTime, else the call's
    assert [f.sku for f in facts] == ["S1", "S2"]
    first, second = facts
    assert first.product == ProductKey(account_id=SELLER_ID, marketplace_id=MARKETPLACE, asin="B0S1")
    assert first.source is NotificationType.RECONCILE
    assert (first.fulfillable, first.inbound, first.reserved, first.future_supply_buyable) == (7, 3, 2, 4)
    assert first.event_time == datetime(2025, 2, 28, 10, tzinfo=UTC)
    assert second.fulfillable == 0 and second.event_time == NOW
    assert first.notification_id == f"reconcile:getInventorySummaries:{MARKETPLACE}:2025-03-01T12:00:00.000Z"


def test_reserved_falls_back_to_the_sum_of_its_parts():
    # Given a row whose reservedQuantity has no total
    row = summary("S1")
    row["inventoryDetails"]["reservedQuantity"] = {
        "pendingCustomerOrderQuantity": 2,
        "pendingTransshipmentQuantity": 1,
        "fcProcessingQuantity": 3,
    }
    # When it becomes a fact, then reserved is the sum, as the notification's breakdown
    assert stock_facts(snapshot_of(row), SELLER_ID)[0].reserved == 6
