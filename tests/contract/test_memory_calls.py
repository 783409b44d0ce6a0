"""The in-memory adapters count calls per port method (benchmarks report them as the backend's requests)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from stockguard.domain.facts import ProductKey
from stockguard_dev.memory import MemoryDedupStore, MemoryReevaluations, MemoryStockStore

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
PRODUCT = ProductKey(account_id="A1", marketplace_id="ATVPDKIKX0DER", asin="B00001ABCD")

pytestmark = pytest.mark.unit


def test_each_port_call_counts_once_whatever_it_delegates_to():
    # Given fresh stores
    stock, dedup, reevaluate = MemoryStockStore(), MemoryDedupStore(), MemoryReevaluations()
    # When each method is called (load delegating to the same read as load_many)
    stock.load(PRODUCT)
    stock.load_many([PRODUCT, PRODUCT])
    stock.load_many([])
    dedup.mark(["a", "b"], now=NOW)
    dedup.seen(["a"])
    reevaluate.schedule([PRODUCT], at=NOW, now=NOW, source="n")
    # Then every call counts once under its own name, and nothing else
    assert stock.calls == {"load": 1, "load_many": 2}
    assert dedup.calls == {"mark": 1, "seen": 1}
    assert reevaluate.calls == {"schedule": 1} and len(reevaluate.messages) == 1
