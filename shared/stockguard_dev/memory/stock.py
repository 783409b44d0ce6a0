"""In-memory stock and Featured Offer facts: the same items and ordering rule as state.stock.StockRepository.

Each product is kept as the DynamoDB adapter's item (source attribute -> stored value), built and decoded
by the adapter's own helpers (newest_per_source, is_newer, product_facts), so the ordering (event time,
then notification id), the encoding and the decoding cannot drift apart. A lock makes each record()
one atomic conditional write, as the UpdateItem is.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable
from typing import Any

from stockguard.domain.facts import ProductKey
from stockguard.state.dynamo import from_dynamo
from stockguard.state.stock import Fact, ProductFacts, Recorded, is_newer, newest_per_source, product_facts, product_pk
from stockguard_dev.memory._counting import counted


class MemoryStockStore:
    def __init__(self) -> None:
        self.items: dict[str, dict[str, Any]] = {}  # product pk -> source -> stored value (plain Python)
        self.calls: Counter[str] = Counter()
        self._lock = threading.Lock()

    @counted
    def record(self, product: ProductKey, facts: Iterable[Fact]) -> Recorded:
        """Store each source's newest fact where it is newer than the stored one; every fact of the product."""
        pending = newest_per_source(facts)
        if not pending:
            return Recorded(facts=None)
        with self._lock:
            existed = product_pk(product) in self.items
            item = self.items.setdefault(product_pk(product), {})
            before = dict(item)
            stored = {(source, key) for source, (key, _) in pending.items() if is_newer(key, item.get(source))}
            item.update({source: from_dynamo(pending[source][1]) for source, _ in stored})
            # As the DynamoDB adapter: the product's facts just before the write that stored something.
            previous = product_facts(product, before) if existed and stored else None
            return Recorded(facts=product_facts(product, dict(item)), stored=frozenset(stored), previous=previous)

    @counted
    def load(self, product: ProductKey) -> ProductFacts:
        return self._load([product])[product.id]

    @counted
    def load_many(self, products: Iterable[ProductKey], *, upgrade: bool = True) -> dict[str, ProductFacts]:
        """Facts by product id. `upgrade` is accepted for the port: there is no older layout in memory."""
        return self._load(products)

    def _load(self, products: Iterable[ProductKey]) -> dict[str, ProductFacts]:
        with self._lock:
            return {p.id: product_facts(p, dict(self.items.get(product_pk(p), {}))) for p in products}
