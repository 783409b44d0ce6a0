"""Available stock of one product, rolled up from its stored stock facts.

Sellers: FBA facts are per SKU, so the ASIN's stock is the sum over the latest fact of each SKU of
Fulfillable (plus inbound when configured). Only when no FBA fact exists (merchant-fulfilled seller)
does the hourly ITEM_INVENTORY figure stand in. Vendors have no FBA stock of their own: their figure is
highlyAvailableInventory, with FBA facts as a fallback when that is all there is.
"""

from __future__ import annotations

from collections.abc import Sequence

from stockguard.domain.facts import StockFact


def _order(fact: StockFact) -> tuple:
    # Latest event wins; the notification id is a deterministic tie-break (same rule as the stock table).
    return (fact.event_time, fact.notification_id)


def _latest_highly_available(facts: Sequence[StockFact]) -> int | None:
    known = [f for f in facts if f.highly_available is not None]
    return max(known, key=_order).highly_available if known else None


def _fba_total(facts: Sequence[StockFact], *, include_inbound: bool) -> int | None:
    latest: dict[str | None, StockFact] = {}
    for fact in facts:
        if fact.fulfillable is None:
            continue
        current = latest.get(fact.sku)
        if current is None or _order(fact) > _order(current):
            latest[fact.sku] = fact
    if not latest:
        return None
    return sum((f.fulfillable or 0) + (f.inbound if include_inbound else 0) for f in latest.values())


def available_stock(facts: Sequence[StockFact], *, account_is_vendor: bool, include_inbound: bool) -> int | None:
    """Units the product can sell now; None when nothing is known (no stock-based decision)."""
    fba = _fba_total(facts, include_inbound=include_inbound)
    item = _latest_highly_available(facts)
    if account_is_vendor:
        return item if item is not None else fba
    return fba if fba is not None else item
