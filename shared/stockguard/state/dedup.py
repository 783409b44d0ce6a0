"""Processed-notification ledger keyed on the SP-API NotificationId (not the SQS messageId).

Amazon can resend a notification as a new SQS message, so the SQS messageId is not a dedupe key.
A notification is marked only after all of its effects were applied; a duplicate then changes nothing.
Why not powertools idempotency: it completes each record before the batch-level, coalesced Ads API
calls run, and a record whose action later fails must stay unmarked so that SQS retries it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from stockguard.clock import iso
from stockguard.state.dynamo import batch_get, get_table, ttl_epoch


def dedup_item(notification_id: str, *, now: datetime, ttl_days: float) -> dict:
    """The item marking a notification processed; DynamoDB's TTL deletes it `ttl_days` after `now`.
    Public: the in-memory dedup store keeps the same items."""
    return {"pk": f"N#{notification_id}", "processed_at": iso(now), "expires_at": ttl_epoch(now, days=ttl_days)}


class DedupRepository:
    def __init__(self, table_name: str, *, ttl_days: float = 14) -> None:
        self._name = table_name
        self._table = get_table(table_name)
        self._ttl_days = ttl_days

    def seen(self, notification_ids: Iterable[str]) -> set[str]:
        """The ids already processed: one BatchGetItem per 100 ids (stockguard.state.dynamo.batch_get)."""
        keys = [{"pk": f"N#{i}"} for i in sorted(set(notification_ids))]
        return {item["pk"][2:] for item in batch_get(self._name, keys, projection="pk")}

    def mark(self, notification_ids: Iterable[str], *, now: datetime) -> None:
        """One BatchWriteItem per 25 ids (boto3's batch writer also resends what DynamoDB leaves unprocessed)."""
        with self._table.batch_writer(overwrite_by_pkeys=["pk"]) as writer:
            for notification_id in sorted(set(notification_ids)):
                writer.put_item(Item=dedup_item(notification_id, now=now, ttl_days=self._ttl_days))
