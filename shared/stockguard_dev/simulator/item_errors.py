"""Per-item error entries of SP v3 / SB v4 207 responses: {index, errors: [{errorType, errorValue}]}."""

from __future__ import annotations

from typing import Any

from stockguard_dev.simulator.faults import FaultRule


def item_error(
    index: int,
    kind: str,
    reason: str,
    message: str,
    *,
    location: str,
    trigger: str | None = None,
    entity_type: str | None = None,
    entity_id: str | None = None,
) -> dict[str, Any]:
    cause: dict[str, str] = {"location": location}
    if trigger is not None:
        cause["trigger"] = trigger
    value: dict[str, Any] = {"message": message, "reason": reason, "cause": cause}
    if entity_type is not None and kind in ("entityNotFoundError", "entityStateError"):
        value["entityType"] = entity_type
    if entity_id is not None and kind == "entityNotFoundError":
        value["entityId"] = entity_id
    return {"index": index, "errors": [{"errorType": kind, "errorValue": {kind: value}}]}


def injected_error(index: int, fault: FaultRule, *, location: str, entity_type: str) -> dict[str, Any]:
    """The 207 error entry an item fault produces (the item is not applied)."""
    if fault.kind == "item_throttle":
        return item_error(index, "throttledError", "THROTTLED", "Request was throttled, retry later", location=location)
    if fault.kind == "no_success_207":
        return item_error(index, "internalServerError", "INTERNAL_ERROR", "Internal error, retry later", location=location)
    return item_error(
        index,
        "entityStateError",
        "INVALID_STATE_TRANSITION",
        "The entity cannot be moved to the requested state",
        location=location,
        entity_type=entity_type,
    )
