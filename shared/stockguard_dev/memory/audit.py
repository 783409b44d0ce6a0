"""In-memory audit log: the same items (key, by_day key, TTL) as state.audit.AuditLog.

Items are built by the adapter's audit_item, so an entry with the same (pk, sk) overwrites the earlier
one exactly where DynamoDB's PutItem would; for_asin and for_day order by sk as the table's Query and
the by_day index do.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable

from stockguard.clock import utcnow
from stockguard.state.audit import AuditEntry, audit_item
from stockguard.state.dynamo import from_dynamo
from stockguard_dev.memory._counting import counted


class MemoryAuditLog:
    def __init__(self, *, ttl_days: float = 400) -> None:
        self.items: dict[tuple[str, str], dict] = {}  # (pk, sk) -> item (plain Python)
        self.calls: Counter[str] = Counter()
        self._ttl_days = ttl_days
        self._lock = threading.Lock()

    @counted
    def record(self, entries: Iterable[AuditEntry]) -> None:
        now = utcnow()
        with self._lock:
            for entry in entries:
                item = from_dynamo(audit_item(entry, now=now, ttl_days=self._ttl_days))
                self.items[(item["pk"], item["sk"])] = item

    @counted
    def for_asin(self, marketplace_id: str, asin: str, *, limit: int = 20) -> list[AuditEntry]:
        """Newest first (the table's Query with ScanIndexForward=False)."""
        pk = f"{marketplace_id}#{asin}"
        rows = sorted((i for (p, _), i in self.items.items() if p == pk), key=lambda i: i["sk"], reverse=True)
        return [AuditEntry.model_validate(i) for i in rows[:limit]]

    @counted
    def for_day(self, day: str, *, limit: int = 1000) -> list[AuditEntry]:
        """Oldest first (the by_day index's sort key is sk)."""
        rows = sorted((i for i in self.items.values() if i["day"] == day), key=lambda i: i["sk"])
        return [AuditEntry.model_validate(i) for i in rows[:limit]]
