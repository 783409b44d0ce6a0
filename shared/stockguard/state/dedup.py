"""Processed-notification ledger keyed on the SP-API NotificationId (not the SQS messageId).

Amazon can resend a notification as a new SQS message, so the SQS messageId is not a dedupe key.
A notification is marked only after all of its effects were applied; a duplicate then changes nothing.
Why not powertools idempotency: it completes each record before the batch-level, coalesced Ads API
calls run, and a record whose action later fails must stay unmarked so that SQS retries it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from stockguard.clock import iso
from stockguard.state.dynamo import dynamodb_resource, get_table, ttl_epoch

_BATCH_GET_MAX = 100


class DedupRepository:
    def __init__(self, table_name: str, *, ttl_days: float = 14) -> None:
        self._name = table_name
        self._table = get_table(table_name)
        self._ttl_days = ttl_days

    def seen(self, notification_ids: Iterable[str]) -> set[str]:
        ids = sorted(set(notification_ids))
        found: set[str] = set()
        resource = dynamodb_resource()
        for start in range(0, len(ids), _BATCH_GET_MAX):
            keys = [{"pk": f"N#{i}"} for i in ids[start : start + _BATCH_GET_MAX]]
            request = {self._name: {"Keys": keys, "ConsistentRead": True, "ProjectionExpression": "pk"}}
            while request:
                response = resource.batch_get_item(RequestItems=request)
                for item in response.get("Responses", {}).get(self._name, []):
                    found.add(item["pk"][2:])
                request = response.get("UnprocessedKeys") or {}
        return found

    def mark(self, notification_ids: Iterable[str], *, now: datetime) -> None:
        with self._table.batch_writer(overwrite_by_pkeys=["pk"]) as writer:
            for notification_id in sorted(set(notification_ids)):
                writer.put_item(
                    Item={"pk": f"N#{notification_id}", "processed_at": iso(now), "expires_at": ttl_epoch(now, days=self._ttl_days)}
                )
