"""getListingsItem (Listings Items 2021-08-01): GET /listings/2021-08-01/items/{sellerId}/{sku}.

The item is the seed's override for the SKU (getListingsItem's own shape), else one derived from the
inventory item: summaries (asin, BUYABLE + DISCOVERABLE while fulfillableQuantity > 0, else
DISCOVERABLE), fulfillmentAvailability [{DEFAULT, quantity = fulfillableQuantity}], issues [].
`includedData` (default summaries) chooses the keys; `sku` is always there.
"""

from __future__ import annotations

from typing import Any

from stockguard_dev.simulator.reply import Reply
from stockguard_dev.simulator.spapi.call import Context, SpCall
from stockguard_dev.simulator.spapi.errors import invalid_input, not_found, unauthorized

INCLUDED_DATA = (
    "summaries",
    "attributes",
    "issues",
    "offers",
    "fulfillmentAvailability",
    "procurement",
    "relationships",
    "productTypes",
)
_PER_MARKETPLACE = ("summaries", "offers", "relationships", "productTypes")  # lists with a marketplaceId each


def get_listings_item(call: SpCall, ctx: Context) -> Reply:
    seller_id, sku = call.path_params["sellerId"], call.path_params["sku"]
    if seller_id != call.principal.seller_id:
        raise unauthorized("The access token does not authorise this sellerId")
    marketplaces = call.marketplaces(exactly_one=False)
    included = call.values("includedData") or ["summaries"]
    unknown = [name for name in included if name not in INCLUDED_DATA]
    if unknown:
        raise invalid_input(f"Invalid includedData {', '.join(unknown)}; allowed: {', '.join(INCLUDED_DATA)}")
    found = [body for m in marketplaces if (body := ctx.state.listing(seller_id, m, sku)) is not None]
    if not found:
        raise not_found(f"SKU '{sku}' not found in marketplace {', '.join(marketplaces)}")
    merged: dict[str, Any] = {"sku": sku}
    for name in included:
        values = [body[name] for body in found if name in body]
        if not values:
            continue
        if name in _PER_MARKETPLACE and all(isinstance(v, list) for v in values):
            merged[name] = [entry for value in values for entry in value]
        else:
            merged[name] = values[0]
    return Reply(200, merged)
