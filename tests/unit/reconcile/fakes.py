"""A fake SpApiPull (stockguard.spapi.port) for the reconcile run's unit tests: Amazon's state as rows in
getInventorySummaries' own shape and Featured Offer answers, every call recorded, faults on demand."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from stockguard.spapi.errors import SpApiRetryableError
from stockguard.spapi.inventory_api import InventorySnapshot, InventorySummary
from stockguard.spapi.listings_api import ListingsItem
from stockguard.spapi.pricing_api import OTHER_OFFER_FEATURED, OWN_OFFER_FEATURED, FeaturedOfferStatus


def summary(sku: str, asin: str, fulfillable: int, updated: datetime | None) -> dict[str, Any]:
    return {
        "asin": asin,
        "fnSku": "X0" + sku,
        "sellerSku": sku,
        "condition": "NewItem",
        "lastUpdatedTime": updated.strftime("%Y-%m-%dT%H:%M:%SZ") if updated else "",
        "productName": "Demo item",
        "totalQuantity": fulfillable,
        "inventoryDetails": {"fulfillableQuantity": fulfillable, "inboundWorkingQuantity": 0},
    }


class FakePull:
    def __init__(self, *, now: datetime) -> None:
        self.now = now
        self.rows: dict[str, list[dict[str, Any]]] = {}  # marketplace -> summaries
        self.featured: dict[str, bool | None] = {}  # asin -> our offer featured?
        self.calls: list[tuple[str, Any]] = []
        self.fail_with: Exception | None = None

    def inventory_summaries(
        self, marketplace_id: str, *, since: datetime | None = None, skus: Sequence[str] | None = None
    ) -> InventorySnapshot:
        self.calls.append(("getInventorySummaries", since))
        if self.fail_with is not None:
            raise self.fail_with
        rows = [InventorySummary.model_validate(r) for r in self.rows.get(marketplace_id, [])]
        if since is not None:  # the change feed: rows changed since
            rows = [r for r in rows if r.last_updated_time is None or r.last_updated_time >= since]
        return InventorySnapshot(marketplace_id, tuple(rows), self.now, since, pages=1)

    def listings_item(self, sku: str, marketplace_ids: Sequence[str] | None = None) -> ListingsItem | None:
        raise AssertionError("the reconcile run does not read listings")

    def competitive_summary(self, marketplace_id: str, asins: Sequence[str]) -> dict[str, FeaturedOfferStatus]:
        self.calls.append(("getCompetitiveSummary", tuple(asins)))
        out = {}
        for asin in asins:
            featured = self.featured.get(asin)
            detail = OWN_OFFER_FEATURED if featured else OTHER_OFFER_FEATURED
            out[asin] = FeaturedOfferStatus(asin, marketplace_id, featured, detail if featured is not None else "item_failed")
        return out


def throttled() -> Exception:
    return SpApiRetryableError("getInventorySummaries: throttled (429)", status=429)
