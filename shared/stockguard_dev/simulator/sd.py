"""Sponsored Display endpoints: GET with offset paging (startIndex/count) and comma-list filters
answering a bare array; GET …/{id} answering one entity; PUT with a bare array answered by a 207 bare
array of {code, …Id}. States are lower-case.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from stockguard_dev.simulator.call import Backend, Call
from stockguard_dev.simulator.catalog import SD_STATES
from stockguard_dev.simulator.paging import as_int
from stockguard_dev.simulator.reply import ApiError, Reply, details_error

SD_MAX_UPDATE = 100


@dataclass(frozen=True)
class SdResource:
    collection: str
    id_field: str  # "adId" | "campaignId"
    id_filters: dict[str, str]  # query parameter -> entity field
    exact_filters: dict[str, str]  # query parameter -> entity field compared verbatim (campaign name)


SD_PRODUCT_ADS = SdResource(
    collection="sd_product_ads",
    id_field="adId",
    id_filters={"adIdFilter": "adId", "adGroupIdFilter": "adGroupId", "campaignIdFilter": "campaignId"},
    exact_filters={},
)

SD_CAMPAIGNS = SdResource(
    collection="sd_campaigns",
    id_field="campaignId",
    id_filters={"campaignIdFilter": "campaignId", "portfolioIdFilter": "portfolioId"},
    exact_filters={"name": "name"},
)


def _bad(message: str) -> ApiError:
    return ApiError(details_error(400, "INVALID_ARGUMENT", message))


def _comma_list(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _int_param(query: dict[str, str], name: str, default: int, minimum: int) -> int:
    if name not in query:
        return default
    number = as_int(query[name])
    if number is None or number < minimum:
        raise _bad(f"{name} must be an integer >= {minimum}")
    return number


def list_handler(res: SdResource) -> Callable[[Call, Backend], Reply]:
    def handle(call: Call, backend: Backend) -> Reply:
        query = call.query
        page_size = backend.faults.page_size_sd
        start = _int_param(query, "startIndex", 0, 0)
        count = min(_int_param(query, "count", page_size, 1), page_size)
        checks: list[Callable[[dict[str, Any]], bool]] = []
        if query.get("stateFilter"):
            states = _comma_list(query["stateFilter"])
            invalid = [s for s in states if s not in SD_STATES]
            if invalid:
                raise _bad(f"stateFilter has invalid values {invalid}; use enabled, paused, archived")
            checks.append(lambda e, w=set(states): e.get("state") in w)
        for param, field in res.id_filters.items():
            if query.get(param):
                wanted = set(_comma_list(query[param]))
                checks.append(lambda e, f=field, w=wanted: str(e.get(f)) in w)
        for param, field in res.exact_filters.items():
            if query.get(param):
                checks.append(lambda e, f=field, w=query[param]: e.get(f) == w)
        matching = [e for e in backend.store.snapshot(call.profile_id or "", res.collection) if all(c(e) for c in checks)]
        return Reply(200, matching[start : start + count])

    return handle


def get_handler(res: SdResource) -> Callable[[Call, Backend], Reply]:
    """GET /sd/productAds/{adId} (operation getProductAd, ads-api.md §3): the entity exactly as the list
    returns it, or 404 in the SD error shape {code, details} (§3 "404 not found or not visible", §7)."""

    def handle(call: Call, backend: Backend) -> Reply:
        entity_id = call.path_params[res.id_field]
        with backend.store.lock:
            entity = backend.store.find(call.profile_id or "", res.collection, entity_id)
            shown = copy.deepcopy(entity) if entity is not None else None
        if shown is None:
            raise ApiError(details_error(404, "NOT_FOUND", f"{res.id_field} {entity_id} not found"))
        return Reply(200, shown)

    return handle


def update_handler(res: SdResource) -> Callable[[Call, Backend], Reply]:
    def handle(call: Call, backend: Backend) -> Reply:
        items = call.body
        if not isinstance(items, list):
            raise _bad("The request body must be a JSON array")
        if len(items) > SD_MAX_UPDATE:
            raise _bad(f"At most {SD_MAX_UPDATE} objects per request, got {len(items)}")
        for position, item in enumerate(items):
            if not isinstance(item, dict):
                raise _bad(f"Item {position} must be an object")
            value = item.get(res.id_field)
            if value is None or isinstance(value, bool) or not isinstance(value, int):
                raise _bad(f"Item {position}: {res.id_field} must be a number")
        with backend.store.lock:
            out = [_apply_one(res, call, backend, item) for item in items]
        return Reply(207, out)

    return handle


def _apply_one(res: SdResource, call: Call, backend: Backend, item: dict[str, Any]) -> dict[str, Any]:
    entity_id = item[res.id_field]

    def failed(code: str, description: str) -> dict[str, Any]:
        return {"code": code, "description": description, res.id_field: entity_id}

    state = item.get("state")
    if state is not None and state not in SD_STATES:
        return failed("INVALID_ARGUMENT", f"Invalid state '{state}'; use enabled, paused or archived")
    entity = backend.store.find(call.profile_id or "", res.collection, str(entity_id))
    if entity is None:
        return failed("NOT_FOUND", f"{res.id_field} {entity_id} not found")
    fault = call.item_fault
    if fault is not None and fault.hits_item(str(entity_id)):
        if fault.kind == "item_throttle":
            return failed("THROTTLED", "Request was throttled, retry later")
        if fault.kind == "no_success_207":
            return failed("INTERNAL_ERROR", "Internal error, retry later")
        return failed("INVALID_ARGUMENT", "The entity cannot be moved to the requested state")
    if entity.get("state") == "archived":
        return failed("INVALID_ARGUMENT", "Archived entities cannot be modified")
    if state is not None:
        entity["state"] = state
    return {"code": "SUCCESS", res.id_field: entity_id}
