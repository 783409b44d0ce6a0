"""Read a multi-status (207, or a 200 of the same shape) answer item by item (ads-api.md §11). Pure functions.

SP v3 and SB v4: {"<collection>": {"success": [{"index", …}], "error": [{"index", "errors": [{"errorType",
"errorValue": {<kind>: {"message", "reason"}}}]}]}} matched to the request by index; empty lists are fine.
SD: a bare array of {"code", "adId" | "campaignId", "description"} matched by id, any code but SUCCESS failed.

An entity is APPLIED only when listed as a success. Throttling and internal errors inside the answer are
THROTTLED (worth retrying); every other item error is FAILED; an entity the answer does not mention is
FAILED "missing from multi-status". An answer without a single success is logged as a failed call.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from stockguard.ads.port import Outcome, UpdateResult

logger = logging.getLogger(__name__)

THROTTLED_ERROR_TYPES = frozenset({"throttlederror", "internalservererror"})
THROTTLED_REASONS = frozenset({"THROTTLED", "INTERNAL_ERROR", "TOO_MANY_REQUESTS"})
SD_THROTTLED_CODES = frozenset({"THROTTLED", "INTERNAL_ERROR", "SERVER_ERROR", "TOO_MANY_REQUESTS", "INTERNAL_SERVER_ERROR"})
# The SD spec calls `code` "the HTTP status code of the response"; Amazon's example says "SUCCESS". Accept both. (I)
SD_SUCCESS_CODES = frozenset({"SUCCESS", "200", "201", "207"})
SD_THROTTLED_HTTP_CODES = frozenset({"429", "500", "502", "503", "504"})
MISSING = "missing from multi-status"


def _index(item: Any, size: int) -> int | None:
    value = item.get("index") if isinstance(item, Mapping) else None
    if isinstance(value, str) and value.isdigit():
        value = int(value)
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < size else None


def _item_error(entity_id: str, item: Mapping[str, Any]) -> UpdateResult:
    """The first error of an SP/SB error item: code = the reason (errorType when no reason), THROTTLED or FAILED."""
    errors = item.get("errors") or []
    first = errors[0] if errors and isinstance(errors[0], Mapping) else {}
    error_type = str(first.get("errorType") or "")
    value = first.get("errorValue")
    candidate: object = next(iter(value.values()), {}) if isinstance(value, Mapping) and value else {}
    detail: Mapping[str, Any] = candidate if isinstance(candidate, Mapping) else {}
    reason = str(detail.get("reason") or "")
    throttled = error_type.lower() in THROTTLED_ERROR_TYPES or reason in THROTTLED_REASONS
    return UpdateResult(
        entity_id=entity_id,
        outcome=Outcome.THROTTLED if throttled else Outcome.FAILED,
        error_code=reason or error_type or "ERROR",
        error_message=str(detail.get("message") or error_type),
    )


def parse_indexed(body: Any, collection: str, ids: Sequence[str]) -> list[UpdateResult]:
    """SP v3 / SB v4: the results under `collection` ("productAds", "campaigns", "ads", "adGroups")."""
    section = body.get(collection) if isinstance(body, Mapping) else None
    if not isinstance(section, Mapping):
        return _malformed(ids, f"no '{collection}' object in the answer")
    results: dict[int, UpdateResult] = {}
    for item in section.get("success") or []:
        index = _index(item, len(ids))
        if index is not None:
            results[index] = UpdateResult(entity_id=ids[index], outcome=Outcome.APPLIED)
    for item in section.get("error") or []:
        index = _index(item, len(ids))
        if index is not None and index not in results:
            results[index] = _item_error(ids[index], item)
    return _complete(results, ids, collection)


def _sd_outcome(code: str) -> Outcome:
    if code.upper() in SD_SUCCESS_CODES:
        return Outcome.APPLIED
    if code.upper() in SD_THROTTLED_CODES or code in SD_THROTTLED_HTTP_CODES:
        return Outcome.THROTTLED
    return Outcome.FAILED


def parse_sd(body: Any, id_key: str, ids: Sequence[str]) -> list[UpdateResult]:
    """SD: a bare array of {code, adId|campaignId, description}, matched by id (numbers or strings)."""
    if not isinstance(body, list):
        return _malformed(ids, "expected a JSON array")
    position = {entity_id: n for n, entity_id in enumerate(ids)}
    results: dict[int, UpdateResult] = {}
    for item in body:
        if not isinstance(item, Mapping) or str(item.get(id_key, "")) not in position:
            continue
        entity_id, code = str(item[id_key]), str(item.get("code") or "")
        outcome = _sd_outcome(code)
        results[position[entity_id]] = UpdateResult(
            entity_id=entity_id,
            outcome=outcome,
            error_code="" if outcome is Outcome.APPLIED else code or "ERROR",
            error_message="" if outcome is Outcome.APPLIED else str(item.get("description") or item.get("details") or ""),
        )
    return _complete(results, ids, id_key)


def _malformed(ids: Sequence[str], why: str) -> list[UpdateResult]:
    logger.warning("multi-status answer unreadable: every entity failed", extra={"entities": len(ids), "why": why})
    return [UpdateResult(entity_id=i, outcome=Outcome.FAILED, error_code="MALFORMED", error_message=why) for i in ids]


def _complete(results: dict[int, UpdateResult], ids: Sequence[str], what: str) -> list[UpdateResult]:
    out = [
        results.get(n) or UpdateResult(entity_id=entity_id, outcome=Outcome.FAILED, error_code="MISSING", error_message=MISSING)
        for n, entity_id in enumerate(ids)
    ]
    if ids and not any(r.outcome is Outcome.APPLIED for r in out):
        codes = Counter(r.error_code for r in out)
        logger.warning(
            "multi-status without a single success: the call failed for every entity",
            extra={"collection": what, "entities": len(ids), "error_codes": dict(codes)},
        )
    return out
