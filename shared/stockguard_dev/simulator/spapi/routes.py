"""The SP-API simulator's operations: name (its rate-limit key), method, path and handler."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import unquote

from stockguard_dev.simulator.reply import Reply
from stockguard_dev.simulator.spapi.call import Context, SpCall
from stockguard_dev.simulator.spapi.inventory import get_inventory_summaries
from stockguard_dev.simulator.spapi.listings import get_listings_item
from stockguard_dev.simulator.spapi.pricing import get_competitive_summary


@dataclass(frozen=True)
class Operation:
    name: str  # as in Amazon's models: getInventorySummaries, ...
    method: str
    path: str  # "{name}" segments match one path segment (percent-decoded)
    handler: Callable[[SpCall, Context], Reply]
    has_body: bool = False


OPERATIONS: tuple[Operation, ...] = (
    Operation("getInventorySummaries", "GET", "/fba/inventory/v1/summaries", get_inventory_summaries),
    Operation("getListingsItem", "GET", "/listings/2021-08-01/items/{sellerId}/{sku}", get_listings_item),
    Operation(
        "getCompetitiveSummary",
        "POST",
        "/batches/products/pricing/2022-05-01/items/competitiveSummary",
        get_competitive_summary,
        has_body=True,
    ),
)


def _pattern(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(path)) + "$")


_PATTERNS = [(operation, _pattern(operation.path)) for operation in OPERATIONS]


def find_operation(method: str, path: str) -> tuple[Operation | None, dict[str, str], bool]:
    """(operation, its path parameters, whether some operation serves the path with another method)."""
    other_method = False
    for operation, pattern in _PATTERNS:
        match = pattern.match(path)
        if match is None:
            continue
        if operation.method == method:
            return operation, {k: unquote(v) for k, v in match.groupdict().items()}, False
        other_method = True
    return None, {}, other_method
