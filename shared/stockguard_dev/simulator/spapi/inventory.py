"""getInventorySummaries (FBA Inventory v1): GET /fba/inventory/v1/summaries.

Filters (reference §10): granularityType=Marketplace and granularityId (the marketplace id), exactly
one marketplaceIds, sellerSkus (<= 50, comma separated) or sellerSku, startDateTime (items whose
lastUpdatedTime is at or after it; sellerSkus/sellerSku are then ignored), details (inventoryDetails
only when true), nextToken (expires 30 s after it was issued). Items come in seed order.
"""

from __future__ import annotations

from typing import Any

from stockguard_dev.simulator.reply import Reply
from stockguard_dev.simulator.spapi import next_token
from stockguard_dev.simulator.spapi.call import Context, SpCall
from stockguard_dev.simulator.spapi.clock import parse_iso
from stockguard_dev.simulator.spapi.errors import invalid_input

MAX_SELLER_SKUS = 50
MAX_LOOKBACK_SECONDS = 548 * 86400  # startDateTime may not be earlier than 18 months


def get_inventory_summaries(call: SpCall, ctx: Context) -> Reply:
    granularity_type = call.value("granularityType", required=True)
    if granularity_type != "Marketplace":
        raise invalid_input(f"Invalid granularityType {granularity_type}; the only value is Marketplace")
    granularity_id = call.value("granularityId", required=True)
    (marketplace_id,) = call.marketplaces(exactly_one=True)
    if granularity_id != marketplace_id:
        raise invalid_input("granularityId must be the marketplace id given in marketplaceIds")
    details = _flag(call, "details")
    skus = call.values("sellerSkus")
    if len(skus) > MAX_SELLER_SKUS:
        raise invalid_input(f"sellerSkus may contain at most {MAX_SELLER_SKUS} SKUs, got {len(skus)}")
    single = call.value("sellerSku")
    if single is not None:
        skus.append(single)
    start = call.value("startDateTime")
    items = ctx.state.inventory(call.principal.seller_id, marketplace_id)
    if start is not None:
        try:
            since = parse_iso(start)
        except ValueError:
            raise invalid_input(f"Invalid startDateTime {start}: expected an ISO 8601 date-time") from None
        if since < ctx.clock() - MAX_LOOKBACK_SECONDS:
            raise invalid_input("startDateTime may not be earlier than 18 months ago")
        items = [item for item in items if parse_iso(item["lastUpdatedTime"]) >= since]
    elif skus:
        wanted = set(skus)
        items = [item for item in items if item["sellerSku"] in wanted]
    owner = f"{call.principal.seller_id}/{marketplace_id}"
    offset = 0
    token = call.value("nextToken")
    if token is not None:
        try:
            offset = next_token.redeem(token, ctx.clock(), owner, ctx.options.next_token_ttl_seconds)
        except next_token.ExpiredToken:
            raise invalid_input(
                "The nextToken has expired: it is valid for 30 seconds after it was issued. "
                "Send the request again without nextToken (and with startDateTime)."
            ) from None
        except ValueError:
            raise invalid_input("Invalid nextToken") from None
    size = ctx.options.page_size
    page = items[offset : offset + size]
    if not details:
        for item in page:
            item.pop("inventoryDetails", None)
    body: dict[str, Any] = {
        "payload": {
            "granularity": {"granularityType": "Marketplace", "granularityId": marketplace_id},
            "inventorySummaries": page,
        }
    }
    if offset + len(page) < len(items):
        body["pagination"] = {"nextToken": next_token.issue(offset + len(page), ctx.clock(), owner)}
    return Reply(200, body)


def _flag(call: SpCall, name: str) -> bool:
    value = call.value(name)
    if value is None:
        return False
    if value.lower() not in ("true", "false"):
        raise invalid_input(f"Invalid {name} {value}: expected true or false")
    return value.lower() == "true"
