"""getInventorySummaries (FBA Inventory v1): Amazon's own FBA stock per SKU, to reconcile with the facts
the notifications left (issue 13: notifications arrive late, twice or never, reference §11).

`GET /fba/inventory/v1/summaries?granularityType=Marketplace&granularityId=<mp>&marketplaceIds=<mp>&details=true`
(reference sp-api-notifications.md §10), in one of three modes:

- `since` (`startDateTime`): the change feed, SKUs changed since a watermark. Amazon then ignores
  `sellerSkus`, so the two are refused together. Inbound working/shipped/receiving changes are not
  detected by it (§10), which is fine: StockGuard decides on fulfillable stock.
- `skus` (`sellerSkus`): these SKUs only, ≤ 50 per call, so they are sent in chunks of 50.
- neither: every SKU of the marketplace.

Paging: the response's `pagination.nextToken` is sent back with the same query until there is none. A
nextToken expires 30 s after it was made; a Lambda that waited for its rate limit or a 429 can be late,
so a 400 that rejects the token restarts the query from its first page with the same `startDateTime`
(or chunk). Rows already read are kept and the newer pass overwrites them per SKU, so a restart costs
pages, never results; restarts are bounded (`max_restarts` per call), after which SpApiRetryableError
says to try later.

`stock_facts` turns the summaries into the domain's StockFacts exactly as the FBA notification parser
(notifications/fba_inventory.py) does: one fact per SKU, the same fields, so the stock table orders them
against notification facts by event time. No new NotificationType is needed: a summary is the same kind
of fact as FBA_INVENTORY_AVAILABILITY_CHANGES, stored under the same `FBA#{sku}` slot with source
RECONCILE; the reconcile message that carries it (notifications/reconcile.py) gives it its notification id.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx
from pydantic import field_validator

from stockguard.clock import iso, utcnow
from stockguard.domain.facts import NotificationType, ProductKey, StockFact
from stockguard.spapi.call import SellerCall, parse_model
from stockguard.spapi.errors import SpApiRetryableError, error_entries
from stockguard.spapi.models import CamelModel

__all__ = [
    "INVENTORY_SUMMARIES_PATH",
    "MAX_SELLER_SKUS",
    "OPERATION",
    "InventoryApi",
    "InventoryDetails",
    "InventorySnapshot",
    "InventorySummary",
    "stock_facts",
]

OPERATION = "getInventorySummaries"
INVENTORY_SUMMARIES_PATH = "/fba/inventory/v1/summaries"
MAX_SELLER_SKUS = 50
DEFAULT_MAX_RESTARTS = 3
RECONCILE_ID_PREFIX = "reconcile:getInventorySummaries"


# -- response shapes (models/fba-inventory-api-model/fbaInventory.json) ------------------------------------


class ReservedQuantity(CamelModel):
    total_reserved_quantity: int | None = None
    pending_customer_order_quantity: int | None = None
    pending_transshipment_quantity: int | None = None
    fc_processing_quantity: int | None = None

    @property
    def total(self) -> int:
        """totalReservedQuantity, else the sum of its parts (the notification's WarehouseProcessing +
        WarehouseTransfer + PendingCustomerOrder)."""
        if self.total_reserved_quantity is not None:
            return self.total_reserved_quantity
        parts = (self.pending_customer_order_quantity, self.pending_transshipment_quantity, self.fc_processing_quantity)
        return sum(p or 0 for p in parts)


class ResearchingQuantityEntry(CamelModel):
    name: str | None = None
    quantity: int | None = None


class ResearchingQuantity(CamelModel):
    total_researching_quantity: int | None = None
    researching_quantity_breakdown: tuple[ResearchingQuantityEntry, ...] = ()


class UnfulfillableQuantity(CamelModel):
    total_unfulfillable_quantity: int | None = None
    customer_damaged_quantity: int | None = None
    warehouse_damaged_quantity: int | None = None
    distributor_damaged_quantity: int | None = None
    carrier_damaged_quantity: int | None = None
    defective_quantity: int | None = None
    expired_quantity: int | None = None


class FutureSupplyQuantity(CamelModel):
    reserved_future_supply_quantity: int | None = None
    future_supply_buyable_quantity: int | None = None


class InventoryDetails(CamelModel):
    """Present with details=true. Every figure is optional in the model."""

    fulfillable_quantity: int | None = None
    inbound_working_quantity: int | None = None
    inbound_shipped_quantity: int | None = None
    inbound_receiving_quantity: int | None = None
    reserved_quantity: ReservedQuantity | None = None
    researching_quantity: ResearchingQuantity | None = None
    unfulfillable_quantity: UnfulfillableQuantity | None = None
    future_supply_quantity: FutureSupplyQuantity | None = None

    @property
    def inbound(self) -> int:
        """Working + Shipped + Receiving, as the notification's InboundQuantityBreakdown."""
        return (self.inbound_working_quantity or 0) + (self.inbound_shipped_quantity or 0) + (self.inbound_receiving_quantity or 0)


class InventorySummary(CamelModel):
    asin: str | None = None
    fn_sku: str | None = None
    seller_sku: str | None = None
    condition: str | None = None
    last_updated_time: datetime | None = None
    product_name: str | None = None
    total_quantity: int | None = None
    stores: tuple[str, ...] | None = None
    inventory_details: InventoryDetails | None = None

    @field_validator("last_updated_time", mode="before")
    @classmethod
    def _blank_is_unknown(cls, value: Any) -> Any:
        """Amazon may send "" for an item that has no update time: unknown, not an error."""
        if value in ("", None):
            return None
        return value

    @field_validator("last_updated_time")
    @classmethod
    def _utc(cls, value: datetime | None) -> datetime | None:
        """A time without an offset is UTC (event times are compared with aware ones)."""
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


class Granularity(CamelModel):
    granularity_type: str | None = None
    granularity_id: str | None = None


class InventorySummariesResult(CamelModel):
    granularity: Granularity | None = None
    inventory_summaries: tuple[InventorySummary, ...] = ()


class Pagination(CamelModel):
    next_token: str | None = None


class InventorySummariesResponse(CamelModel):
    """GetInventorySummariesResponse: the rows in `payload`, the page token in `pagination` (top level)."""

    payload: InventorySummariesResult = InventorySummariesResult()
    pagination: Pagination | None = None

    @property
    def next_token(self) -> str | None:
        return self.pagination.next_token if self.pagination and self.pagination.next_token else None


# -- what the client returns ---------------------------------------------------------------------------


@dataclass(frozen=True)
class InventorySnapshot:
    """The summaries of one call, one per SKU.

    `called_at` is when the first request was sent: the next change feed may start there (a change made
    while paging is then read twice, never missed), and it is the event time of a row without
    lastUpdatedTime."""

    marketplace_id: str
    summaries: tuple[InventorySummary, ...]
    called_at: datetime
    since: datetime | None = None
    pages: int = 0
    restarts: int = 0  # queries restarted after an expired nextToken


def stock_facts(snapshot: InventorySnapshot, seller_id: str) -> tuple[StockFact, ...]:
    """One StockFact per SKU, built as parse_fba_inventory builds them from a notification.

    Rows without an ASIN, a SKU or a fulfillable quantity (details missing) say nothing a decision can
    use and are left out. Event time = lastUpdatedTime, else the call's time."""
    notification_id = f"{RECONCILE_ID_PREFIX}:{snapshot.marketplace_id}:{iso(snapshot.called_at)}"
    facts = []
    for row in snapshot.summaries:
        details = row.inventory_details
        if not row.asin or not row.seller_sku or details is None or details.fulfillable_quantity is None:
            continue
        future = details.future_supply_quantity
        facts.append(
            StockFact(
                product=ProductKey(account_id=seller_id, marketplace_id=snapshot.marketplace_id, asin=row.asin),
                sku=row.seller_sku,
                source=NotificationType.RECONCILE,
                fulfillable=details.fulfillable_quantity,
                inbound=details.inbound,
                reserved=details.reserved_quantity.total if details.reserved_quantity else 0,
                future_supply_buyable=(future.future_supply_buyable_quantity or 0) if future else 0,
                event_time=row.last_updated_time or snapshot.called_at,
                notification_id=notification_id,
            )
        )
    return tuple(facts)


# -- the operation ---------------------------------------------------------------------------------------


def _chunks(items: Sequence[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _start_date_time(since: datetime) -> str:
    """ISO 8601 UTC, floored to the second (earlier is safe: a change is read again, never missed)."""
    aware = since if since.tzinfo else since.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _token_rejected(response: httpx.Response) -> bool:
    """A 400 about the nextToken (expired or invalid): Amazon's errors name the token."""
    for error in error_entries(response):
        text = " ".join(str(error.get(k) or "") for k in ("code", "message", "details")).lower()
        if "token" in text:
            return True
    return False


def _row_key(row: InventorySummary) -> str:
    return row.seller_sku or f"{row.fn_sku}|{row.asin}|{row.condition}"


class InventoryApi:
    def __init__(self, call: SellerCall, *, now: Callable[[], datetime] = utcnow, max_restarts: int = DEFAULT_MAX_RESTARTS) -> None:
        self._call = call
        self._now = now
        self._max_restarts = max_restarts

    def summaries(self, marketplace_id: str, *, since: datetime | None = None, skus: Sequence[str] | None = None) -> InventorySnapshot:
        """Every summary of the query, paged through (see the module docstring for the three modes)."""
        if since is not None and skus is not None:
            raise ValueError("getInventorySummaries takes `since` or `skus`, not both (Amazon ignores sellerSkus with startDateTime)")
        base = {"granularityType": "Marketplace", "granularityId": marketplace_id, "marketplaceIds": marketplace_id, "details": "true"}
        if since is not None:
            base["startDateTime"] = _start_date_time(since)
        if skus is None:
            queries = [base]
        else:  # no SKUs: no call at all
            unique = list(dict.fromkeys(skus))
            queries = [{**base, "sellerSkus": ",".join(chunk)} for chunk in _chunks(unique, MAX_SELLER_SKUS)]
        called_at = self._now()
        rows: dict[str, InventorySummary] = {}
        pages = restarts = 0
        for query in queries:
            pages, restarts = self._query(query, rows, pages, restarts)
        return InventorySnapshot(marketplace_id, tuple(rows.values()), called_at, since, pages=pages, restarts=restarts)

    def _query(self, query: dict[str, str], rows: dict[str, InventorySummary], pages: int, restarts: int) -> tuple[int, int]:
        """Page through one query into `rows`; an expired nextToken restarts it. Returns the counters."""
        token: str | None = None
        while True:
            params = {**query, "nextToken": token} if token else query
            response = self._call(OPERATION, "GET", INVENTORY_SUMMARIES_PATH, params=params, accept=(400,) if token else ())
            if response.status_code == 400:
                if not _token_rejected(response):
                    raise self._call.error(OPERATION, response)
                restarts += 1
                if restarts > self._max_restarts:
                    raise SpApiRetryableError(
                        f"{OPERATION}: the nextToken expired {restarts} times (it lives 30 s); try again later", status=400
                    )
                token = None
                continue
            page = parse_model(InventorySummariesResponse, self._call.json(OPERATION, response), OPERATION)
            pages += 1
            for row in page.payload.inventory_summaries:
                rows[_row_key(row)] = row
            token = page.next_token
            if token is None:
                return pages, restarts
