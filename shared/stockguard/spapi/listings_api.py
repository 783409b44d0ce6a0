"""getListingsItem (Listings Items 2021-08-01): one SKU's ASIN per marketplace, whether it is buyable, and
its merchant-fulfilled (MFN) quantity.

Why this operation: getInventorySummaries knows FBA stock only; for a merchant-fulfilled SKU the
quantity Amazon sells from is `fulfillmentAvailability` with `fulfillmentChannelCode` DEFAULT, and the
listing's `summaries[].status` (BUYABLE, DISCOVERABLE) says whether customers can buy it at all. It is
also the way to map a SKU to its ASIN (reference sp-api-notifications.md §10).

`GET /listings/2021-08-01/items/{sellerId}/{sku}?marketplaceIds=…&includedData=summaries,fulfillmentAvailability`,
5 requests/s burst 10. The SKU is percent-encoded in the path (SKUs may hold '/', spaces or '#').
A 404 means Amazon knows no such SKU for the seller: None.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from urllib.parse import quote

from stockguard.spapi.call import SellerCall, parse_model
from stockguard.spapi.models import CamelModel

__all__ = [
    "LISTINGS_ITEM_PATH",
    "MFN_CHANNEL",
    "OPERATION",
    "FulfillmentAvailability",
    "ListingsApi",
    "ListingsItem",
    "ListingsItemSummary",
]

OPERATION = "getListingsItem"
LISTINGS_ITEM_PATH = "/listings/2021-08-01/items/{seller_id}/{sku}"
INCLUDED_DATA = "summaries,fulfillmentAvailability"
MFN_CHANNEL = "DEFAULT"  # fulfillmentChannelCode of the seller's own (merchant-fulfilled) stock
BUYABLE = "BUYABLE"


# -- response shapes (models/listings-items-api-model/listingsItems_2021-08-01.json) ---------------------


class ListingsItemSummary(CamelModel):
    """ItemSummaryByMarketplace."""

    marketplace_id: str
    asin: str | None = None
    product_type: str | None = None
    condition_type: str | None = None
    status: tuple[str, ...] = ()
    fn_sku: str | None = None
    item_name: str | None = None
    created_date: datetime | None = None
    last_updated_date: datetime | None = None


class FulfillmentAvailability(CamelModel):
    fulfillment_channel_code: str
    quantity: int | None = None


class ListingsItem(CamelModel):
    """Item, reduced to the included data StockGuard asks for."""

    sku: str
    summaries: tuple[ListingsItemSummary, ...] = ()
    fulfillment_availability: tuple[FulfillmentAvailability, ...] = ()

    @property
    def asins(self) -> dict[str, str]:
        """marketplace id -> ASIN, for the marketplaces whose summary names one."""
        return {s.marketplace_id: s.asin for s in self.summaries if s.asin}

    def buyable(self, marketplace_id: str) -> bool | None:
        """BUYABLE in the marketplace's status; None when the answer has no summary for it."""
        for summary in self.summaries:
            if summary.marketplace_id == marketplace_id:
                return BUYABLE in summary.status
        return None

    @property
    def mfn_quantity(self) -> int | None:
        """The merchant-fulfilled quantity (channel DEFAULT); None when the listing has none (FBA only)."""
        for entry in self.fulfillment_availability:
            if entry.fulfillment_channel_code == MFN_CHANNEL:
                return entry.quantity
        return None


# -- the operation ---------------------------------------------------------------------------------------


class ListingsApi:
    def __init__(self, call: SellerCall) -> None:
        self._call = call

    def item(self, seller_id: str, sku: str, marketplace_ids: Sequence[str]) -> ListingsItem | None:
        """The listing of `sku` in `marketplace_ids`; None when Amazon knows no such SKU (404)."""
        if not marketplace_ids:
            raise ValueError("getListingsItem needs at least one marketplace id")
        path = LISTINGS_ITEM_PATH.format(seller_id=quote(seller_id, safe=""), sku=quote(sku, safe=""))
        params = {"marketplaceIds": ",".join(marketplace_ids), "includedData": INCLUDED_DATA}
        response = self._call(OPERATION, "GET", path, params=params, accept=(404,))
        if response.status_code == 404:
            return None
        return parse_model(ListingsItem, self._call.json(OPERATION, response), OPERATION)
