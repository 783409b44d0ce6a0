"""Read a multi-status (207) answer item by item, for each response shape (ads-api.md §11).

SP v3 and SB v4: {"<entity>": {"success": [{"index", …}], "error": [{"index", "errors": [{"errorType",
"errorValue": {<kind>: {"message", "reason"}}}]}]}} matched to the request by index. SD: a bare array of
{"code", "adId" | "campaignId", "description"} matched by id. An entity is APPLIED only when listed as a
success; throttling and internal errors inside the 207 are THROTTLED (retry), everything else FAILED.
"""

from __future__ import annotations

import logging
from typing import Any, Sequence

from stockguard.ads.port import Outcome, UpdateResult

logger = logging.getLogger(__name__)

_THROTTLED_TYPES = {"throttlederror", "internalservererror"}
_THROTTLED_REASONS = {"THROTTLED", "INTERNAL_ERROR", "TOO_MANY_REQUESTS"}
_SD_THROTTLED_CODES = {"THROTTLED", "INTERNAL_ERROR", "SERVER_ERROR", "TOO_MANY_REQUESTS", "INTERNAL_SERVER_ERROR"}


def _indexed_error(item: dict) -> tuple[Outcome, str, str]:
    errors = item.get("errors") or []
    first = errors[0] if errors else {}
    error_type = str(first.get("errorType", ""))
    value = first.get("errorValue") or {}
    detail = next(iter(value.values()), {}) if isinstance(value, dict) and value else {}
    reason = str(detail.get("reason", "")) if isinstance(detail, dict) else ""
    message = str(detail.get("message", "")) if isinstance(detail, dict) else ""
    throttled = error_type.lower() in _THROTTLED_TYPES or reason in _THROTTLED_REASONS
    return (Outcome.THROTTLED if throttled else Outcome.FAILED, reason or error_type or "ERROR", message)


def parse_indexed(body: Any, key: str, ids: Sequence[str]) -> list[UpdateResult]:
    """SP v3 / SB v4 shape under `key` (productAds, campaigns, ads)."""
    section = body.get(key) if isinstance(body, dict) else None
    if not isinstance(section, dict):
        return [UpdateResult(entity_id=i, outcome=Outcome.FAILED, error_code="MALFORMED", error_message=f"no '{key}' in response") for i in ids]
    results: dict[int, UpdateResult] = {}
    for item in section.get("success") or []:
        index = item.get("index")
        if isinstance(index, int) and 0 <= index < len(ids):
            results[index] = UpdateResult(entity_id=ids[index], outcome=Outcome.APPLIED)
    for item in section.get("error") or []:
        index = item.get("index")
        if isinstance(index, int) and 0 <= index < len(ids) and index not in results:
            outcome, code, message = _indexed_error(item)
            results[index] = UpdateResult(entity_id=ids[index], outcome=outcome, error_code=code, error_message=message)
    return _complete(results, ids)


def parse_sd(body: Any, id_key: str, ids: Sequence[str]) -> list[UpdateResult]:
    """SD: a bare array of {code, adId|campaignId, description}."""
    if not isinstance(body, list):
        return [UpdateResult(entity_id=i, outcome=Outcome.FAILED, error_code="MALFORMED", error_message="expected an array") for i in ids]
    position = {i: n for n, i in enumerate(ids)}
    results: dict[int, UpdateResult] = {}
    for item in body:
        entity_id = str(item.get(id_key, ""))
        if entity_id not in position:
            continue
        code = str(item.get("code", ""))
        if code == "SUCCESS":
            outcome = Outcome.APPLIED
        elif code in _SD_THROTTLED_CODES:
            outcome = Outcome.THROTTLED
        else:
            outcome = Outcome.FAILED
        results[position[entity_id]] = UpdateResult(
            entity_id=entity_id, outcome=outcome, error_code="" if outcome is Outcome.APPLIED else code, error_message=str(item.get("description", ""))
        )
    return _complete(results, ids)


def _complete(results: dict[int, UpdateResult], ids: Sequence[str]) -> list[UpdateResult]:
    out = [
        results.get(n) or UpdateResult(entity_id=i, outcome=Outcome.FAILED, error_code="MISSING", error_message="missing from multi-status")
        for n, i in enumerate(ids)
    ]
    if ids and not any(r.outcome is Outcome.APPLIED for r in out):
        logger.warning("multi-status without a single success", extra={"entities": len(ids)})
    return out
