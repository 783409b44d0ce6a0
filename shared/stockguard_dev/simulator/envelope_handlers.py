"""SP v3 and SB v4 handlers: POST …/list with filter objects and nextToken, PUT with an object
envelope answered by a 207 {<collection>: {success: [], error: []}}.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from stockguard_dev.simulator.call import Backend, Call
from stockguard_dev.simulator.envelope import EnvelopeResource
from stockguard_dev.simulator.item_errors import injected_error, item_error
from stockguard_dev.simulator.paging import as_int, decode_token, page
from stockguard_dev.simulator.reply import Reply
from stockguard_dev.simulator.store import EntityStore


def _predicates(res: EnvelopeResource, body: dict[str, Any]) -> list[Callable[[dict[str, Any]], bool]]:
    checks: list[Callable[[dict[str, Any]], bool]] = []
    filters = dict(res.id_filters, stateFilter=("state", 10))
    for name, (field, limit) in filters.items():
        if name not in body or body[name] is None:
            continue
        include = body[name].get("include") if isinstance(body[name], dict) else None
        if not isinstance(include, list):
            raise res.bad(f"{name}.include must be a list")
        if len(include) > limit:
            raise res.bad(f"{name}.include accepts at most {limit} values, got {len(include)}")
        if name == "stateFilter":
            invalid = [v for v in include if v not in res.list_states]
            if invalid:
                raise res.bad(f"stateFilter has invalid values {invalid}")
        if include:
            wanted = {str(v) for v in include}
            checks.append(lambda e, f=field, w=wanted: str(e.get(f)) in w)
    name_filter = body.get("nameFilter")
    if name_filter is not None:
        names = name_filter.get("include") if isinstance(name_filter, dict) else None
        match_type = name_filter.get("queryTermMatchType", "BROAD_MATCH") if isinstance(name_filter, dict) else None
        if not isinstance(names, list) or len(names) > 100 or match_type not in ("BROAD_MATCH", "EXACT_MATCH"):
            raise res.bad("nameFilter needs include (at most 100) and queryTermMatchType BROAD_MATCH|EXACT_MATCH")
        if names:
            if match_type == "EXACT_MATCH":
                checks.append(lambda e, n=set(names): e.get("name") in n)
            else:
                lowered = [str(n).lower() for n in names]
                checks.append(lambda e, n=lowered: any(x in str(e.get("name", "")).lower() for x in n))
    return checks


def _page_size(res: EnvelopeResource, body: dict[str, Any], backend: Backend) -> int:
    server_max = res.page_size(backend)
    if body.get("maxResults") is None:
        return server_max
    wanted = body["maxResults"]
    number = as_int(wanted) if not isinstance(wanted, str) else None
    cap = res.max_results_cap
    if number is None or number < 1 or (cap is not None and number > cap):
        limit = f"between 1 and {cap}" if cap is not None else "a positive integer"
        raise res.bad(f"maxResults must be {limit}")
    return min(number, server_max)


def list_handler(res: EnvelopeResource) -> Callable[[Call, Backend], Reply]:
    def handle(call: Call, backend: Backend) -> Reply:
        body = call.body if call.body is not None else {}
        if not isinstance(body, dict):
            raise res.bad("The request body must be a JSON object")
        checks = _predicates(res, body)
        size = _page_size(res, body, backend)
        offset = 0
        if body.get("nextToken"):
            try:
                offset = decode_token(str(body["nextToken"]))
            except ValueError:
                raise res.bad("Invalid nextToken") from None
        matching = [e for e in backend.store.snapshot(call.profile_id or "", res.collection) if all(c(e) for c in checks)]
        chunk, next_token = page(matching, offset, size)
        if res.extended_on_request and not body.get("includeExtendedDataFields"):
            for entity in chunk:
                entity.pop("extendedData", None)
        out: dict[str, Any] = {res.list_key: chunk, res.total_key: len(matching)}
        if next_token:
            out["nextToken"] = next_token
        return Reply(200, out, res.media_type)

    return handle


def _check_types(res: EnvelopeResource, items: list[Any]) -> None:
    """Whole-request 400s: Amazon's deserializer rejects wrong JSON types before any item runs."""
    for position, item in enumerate(items):
        if not isinstance(item, dict):
            raise res.bad(f"{res.list_key}[{position}] must be an object")
        for field in (res.id_field, "state", "name"):
            if field in item and not isinstance(item[field], str):
                raise res.bad(f"{res.list_key}[{position}].{field} must be a string")


def update_handler(res: EnvelopeResource) -> Callable[[Call, Backend], Reply]:
    def handle(call: Call, backend: Backend) -> Reply:
        body = call.body
        items = body.get(res.list_key) if isinstance(body, dict) else None
        if not isinstance(items, list):
            raise res.bad(f"The request body must be an object with a '{res.list_key}' list")
        low, high = res.update_range
        if not low <= len(items) <= high:
            raise res.bad(f"'{res.list_key}' must hold {low} to {high} items, got {len(items)}")
        _check_types(res, items)
        with_entity = res.entity_always_in_success or call.prefers_representation()
        success: list[dict[str, Any]] = []
        errors: list[dict[str, Any]] = []
        store = backend.store
        with store.lock:
            for index, item in enumerate(items):
                outcome = _apply_one(res, call, store, index, item)
                if "errors" in outcome:
                    errors.append(outcome)
                    continue
                entity = outcome.pop("_entity")
                if with_entity:
                    outcome[res.item_key] = entity
                success.append(outcome)
        headers = {"Preference-Applied": "return=representation"} if call.prefers_representation() else {}
        return Reply(207, {res.list_key: {"success": success, "error": errors}}, res.media_type, headers)

    return handle


def _apply_one(res: EnvelopeResource, call: Call, store: EntityStore, index: int, item: dict[str, Any]) -> dict[str, Any]:
    location = f"$.{res.list_key}[{index}]"
    entity_id = item.get(res.id_field)
    if not entity_id:
        return item_error(index, "missingValueError", "MISSING_VALUE", f"{res.id_field} is required", location=f"{location}.{res.id_field}")
    state = item.get("state")
    if state is not None and state not in res.update_states:
        return item_error(
            index,
            "malformedValueError",
            "PATTERN_NOT_MATCHED",
            f"state must be one of {sorted(res.update_states)}",
            location=f"{location}.state",
            trigger=str(state),
        )
    entity = store.find(call.profile_id or "", res.collection, entity_id)
    if entity is None:
        return item_error(
            index,
            "entityNotFoundError",
            "ENTITY_NOT_FOUND",
            f"{res.id_field} {entity_id} was not found",
            location=f"{location}.{res.id_field}",
            entity_type=res.entity_type,
            entity_id=str(entity_id),
        )
    fault = call.item_fault
    if fault is not None and fault.hits_item(str(entity_id)):
        return injected_error(index, fault, location=location, entity_type=res.entity_type)
    if entity.get("state") == "ARCHIVED":
        return item_error(
            index,
            "entityStateError",
            "ARCHIVED_ENTITY_CANNOT_BE_MODIFIED",
            "Archived entities cannot be modified",
            location=location,
            entity_type=res.entity_type,
        )
    if state is not None:
        entity["state"] = state
    if res.mutable_name and "name" in item:
        entity["name"] = item["name"]
    shown = copy.deepcopy(entity)
    if not res.entity_always_in_success:  # SP: "extendedData … part of the full object for /list endpoints only"
        shown.pop("extendedData", None)
    return {"index": index, res.id_field: str(entity_id), "_entity": shown}
