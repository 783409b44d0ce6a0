"""In-memory processed-notification set: the same items (and TTL attribute) as state.dedup.DedupRepository.

Like DynamoDB's TTL, expiry is not applied on read (DynamoDB deletes expired items lazily, up to days
later, and the adapter does not filter them): `items` exposes `expires_at` for tests and tools.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable
from datetime import datetime

from stockguard.state.dedup import dedup_item
from stockguard_dev.memory._counting import counted


class MemoryDedupStore:
    def __init__(self, *, ttl_days: float = 14) -> None:
        self.items: dict[str, dict] = {}  # pk (N#{notificationId}) -> item
        self.calls: Counter[str] = Counter()
        self._ttl_days = ttl_days
        self._lock = threading.Lock()

    @counted
    def seen(self, notification_ids: Iterable[str]) -> set[str]:
        with self._lock:
            return {i for i in set(notification_ids) if f"N#{i}" in self.items}

    @counted
    def mark(self, notification_ids: Iterable[str], *, now: datetime) -> None:
        with self._lock:
            for notification_id in sorted(set(notification_ids)):
                item = dedup_item(notification_id, now=now, ttl_days=self._ttl_days)
                self.items[item["pk"]] = item
