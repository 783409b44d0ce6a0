"""In-memory adapters of the reconciliation's ports (stockguard.reconcile.ports): watermarks, the published
messages, and the offer facts read from a MemoryStockStore. They store what the DynamoDB adapters store,
built by those adapters' own helpers (watermark_item / watermark_of, product_facts)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from stockguard.clock import iso
from stockguard.domain.facts import OfferFact, ProductKey
from stockguard.reconcile.watermark import Watermark
from stockguard.reconcile.watermarks import MAX_ERROR_CHARS, watermark_item, watermark_of, watermark_pk
from stockguard.state.stock import OFFER, product_facts
from stockguard_dev.memory._counting import counted
from stockguard_dev.memory.stock import MemoryStockStore


class MemoryWatermarks:
    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}
        self.calls: Counter[str] = Counter()
        self._lock = threading.Lock()

    @counted
    def get(self, seller_id: str, marketplace_id: str) -> Watermark | None:
        item = self.items.get(watermark_pk(seller_id, marketplace_id))
        return watermark_of(item) if item else None

    @counted
    def all(self) -> list[Watermark]:
        return sorted((watermark_of(i) for i in self.items.values()), key=lambda w: (w.seller_id, w.marketplace_id))

    @counted
    def advance(self, watermark: Watermark) -> bool:
        if watermark.since is None:
            raise ValueError("a watermark to advance needs `since`")
        new = watermark_item(watermark)
        with self._lock:
            stored = self.items.get(new["pk"], {})
            if "since" in stored and stored["since"] > new["since"]:
                return False
            self.items[new["pk"]] = {**{k: v for k, v in stored.items() if k != "last_error"}, **new}
            return True

    @counted
    def record_failure(self, seller_id: str, marketplace_id: str, *, at: datetime, error: str) -> None:
        pk = watermark_pk(seller_id, marketplace_id)
        with self._lock:
            item = self.items.setdefault(pk, {"pk": pk})
            item.update(seller_id=seller_id, marketplace_id=marketplace_id, last_failure_at=iso(at))
            item["last_error"] = error[:MAX_ERROR_CHARS] or "error"


class MemoryPublisher:
    """Keeps every body published, in order; `fail_next` makes the next publish raise (fault tests)."""

    def __init__(self) -> None:
        self.bodies: list[str] = []
        self.calls: Counter[str] = Counter()
        self.fail_next = False

    @counted
    def publish(self, bodies: Sequence[str]) -> int:
        if self.fail_next:
            self.fail_next = False
            from stockguard.reconcile.publisher import FactsNotPublished

            raise FactsNotPublished(f"{len(bodies)} reconcile messages could not be sent to the inventory queue")
        self.bodies.extend(bodies)
        return len(bodies)


class MemoryOfferFacts:
    """The offer facts of a MemoryStockStore's products (the Scan of reconcile.offers, in memory)."""

    def __init__(self, stock: MemoryStockStore) -> None:
        self._stock = stock
        self.calls: Counter[str] = Counter()

    @counted
    def offer_facts(self, seller_id: str, marketplace_id: str) -> list[OfferFact]:
        prefix = f"P#{seller_id}#{marketplace_id}#"
        facts = []
        for pk, item in list(self._stock.items.items()):
            if not pk.startswith(prefix) or OFFER not in item:
                continue
            product = ProductKey(account_id=seller_id, marketplace_id=marketplace_id, asin=pk[len(prefix) :])
            offer = product_facts(product, {OFFER: item[OFFER]}).offer
            if offer is not None:
                facts.append(offer)
        return sorted(facts, key=lambda f: f.product.asin)
