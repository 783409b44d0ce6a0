"""getCompetitiveSummary (Product Pricing 2022-05-01):
POST /batches/products/pricing/2022-05-01/items/competitiveSummary, 1-20 requests per batch.

Each batch item is answered on its own (reference §10: "batch items fail individually"): 200 with the
seed's competitive summary body (asin, marketplaceId and the includedData keys it has;
featuredBuyingOptions is [] when asked for and absent), 404 with an errors body for an ASIN the seed
has no summary for in that marketplace, 400 for an invalid item. A body that is not
{"requests": [1..20 objects]} is a whole-request 400.
"""

from __future__ import annotations

from typing import Any

from stockguard_dev.simulator.reply import Reply
from stockguard_dev.simulator.spapi.call import Context, SpCall
from stockguard_dev.simulator.spapi.errors import error_list, invalid_input

MAX_REQUESTS = 20
ITEM_URI = "/products/pricing/2022-05-01/items/competitiveSummary"
INCLUDED_DATA = ("featuredBuyingOptions", "referencePrices", "lowestPricedOffers", "similarItems")
_REASONS = {200: "Success", 400: "Bad Request", 404: "Not Found"}


def get_competitive_summary(call: SpCall, ctx: Context) -> Reply:
    body = call.body
    requests = body.get("requests") if isinstance(body, dict) else None
    if not isinstance(requests, list):
        raise invalid_input('The request body must be {"requests": [...]}')
    if not 1 <= len(requests) <= MAX_REQUESTS:
        raise invalid_input(f"requests must hold between 1 and {MAX_REQUESTS} items, got {len(requests)}")
    if not all(isinstance(item, dict) for item in requests):
        raise invalid_input("every item of requests must be an object")
    return Reply(200, {"responses": [_one(call, ctx, item) for item in requests]})


def _one(call: SpCall, ctx: Context, item: dict[str, Any]) -> dict[str, Any]:
    problem = _invalid(call, item)
    if problem is not None:
        return _status(400, error_list("InvalidInput", problem))
    asin, marketplace_id, included = item["asin"], item["marketplaceId"], item["includedData"]
    summary = ctx.state.competitive_summary(marketplace_id, asin)
    if summary is None:
        return _status(404, error_list("NOT_FOUND", f"No competitive summary for ASIN {asin} in marketplace {marketplace_id}"))
    answer: dict[str, Any] = {"asin": asin, "marketplaceId": marketplace_id}
    for name in included:
        if name in summary:
            answer[name] = summary[name]
        elif name == "featuredBuyingOptions":
            answer[name] = []
    return _status(200, answer)


def _invalid(call: SpCall, item: dict[str, Any]) -> str | None:
    for name in ("asin", "marketplaceId"):
        if not isinstance(item.get(name), str) or not item[name]:
            return f"{name} is required"
    included = item.get("includedData")
    if not isinstance(included, list) or not included:
        return "includedData is required (a non-empty list)"
    unknown = [name for name in included if name not in INCLUDED_DATA]
    if unknown:
        return f"Invalid includedData {unknown}; allowed: {', '.join(INCLUDED_DATA)}"
    if item.get("method") != "GET":
        return "method must be GET"
    if item.get("uri") != ITEM_URI:
        return f"uri must be {ITEM_URI}"
    if item["marketplaceId"] not in call.principal.marketplace_ids:
        return f"Invalid marketplace id {item['marketplaceId']}: the seller is not authorised in it"
    return None


def _status(code: int, body: dict[str, Any]) -> dict[str, Any]:
    return {"status": {"statusCode": code, "reasonPhrase": _REASONS[code]}, "body": body}
