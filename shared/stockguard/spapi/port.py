"""The SP-API pull operations the reconciliation needs (issue 13), as a port.

stockguard.spapi.pull_client.SpApiPullClient implements it over httpx for one seller; the pipeline and
its tests may pass fakes. Every method is synchronous and raises stockguard.spapi.errors.SpApiRetryableError
when the caller should try later (throttled, 5xx, timeout, the time budget spent, a nextToken that kept
expiring) and SpApiError for anything else (a missing role, refused credentials: SpApiAuthError).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from stockguard.spapi.inventory_api import InventorySnapshot
from stockguard.spapi.listings_api import ListingsItem
from stockguard.spapi.pricing_api import FeaturedOfferStatus

__all__ = ["FeaturedOfferStatus", "InventorySnapshot", "ListingsItem", "SpApiPull"]


class SpApiPull(Protocol):
    def inventory_summaries(
        self, marketplace_id: str, *, since: datetime | None = None, skus: Sequence[str] | None = None
    ) -> InventorySnapshot:
        """getInventorySummaries: FBA stock per SKU, all pages; changed since `since`, or only `skus` (not both)."""
        ...

    def listings_item(self, sku: str, marketplace_ids: Sequence[str] | None = None) -> ListingsItem | None:
        """getListingsItem: ASIN per marketplace, buyability, MFN quantity; None when the SKU is unknown.
        Without `marketplace_ids`, the seller's marketplaces from the credentials."""
        ...

    def competitive_summary(self, marketplace_id: str, asins: Sequence[str]) -> dict[str, FeaturedOfferStatus]:
        """getCompetitiveSummary: whether the seller holds the Featured Offer, per ASIN (20 per call)."""
        ...


if TYPE_CHECKING:  # nothing runs: mypy checks that the httpx client satisfies the port
    from stockguard.spapi.pull_client import SpApiPullClient

    def _client_conforms(client: SpApiPullClient) -> SpApiPull:
        return client
