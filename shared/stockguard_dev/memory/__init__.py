"""In-memory adapters of the storage ports (stockguard.state.ports): one per store.

Why: run the pipeline, the CLI or a benchmark without DynamoDB/SQS (or moto) while keeping the observable
behaviour of the DynamoDB adapters: the same conditional writes, ordering, transitions, return values,
keys and TTL attributes. They reuse the adapters' own helpers (stockguard.state.*, index.repository) rather
than copies, and tests/contract runs one suite against both families. Each adapter counts calls per port
method in `calls` (a Counter), the in-memory backend's "requests".
"""

from stockguard_dev.memory.audit import MemoryAuditLog
from stockguard_dev.memory.dedup import MemoryDedupStore
from stockguard_dev.memory.index import MemoryAdIndex
from stockguard_dev.memory.ledger import MemoryLedger
from stockguard_dev.memory.reevaluate import MemoryReevaluations, SentMessage
from stockguard_dev.memory.stock import MemoryStockStore

__all__ = [
    "MemoryAdIndex",
    "MemoryAuditLog",
    "MemoryDedupStore",
    "MemoryLedger",
    "MemoryReevaluations",
    "MemoryStockStore",
    "SentMessage",
]
