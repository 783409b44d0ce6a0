"""Audit log: every decision that changes (or in monitor mode would change) an ad entity.

pk = {marketplace}#{asin}, sk = {event time}#{entity}#{notification id}#{result}: queryable per ASIN
in time order; the GSI by_day (day, sk) answers "what happened on a day".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from boto3.dynamodb.conditions import Key
from pydantic import BaseModel, ConfigDict

from stockguard.clock import iso, utcnow
from stockguard.domain.outcomes import Outcome
from stockguard.state.dynamo import from_dynamo, get_table, to_dynamo, ttl_epoch


class AuditEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    at: datetime  # event time of the triggering notification (the policy clock)
    account_id: str
    marketplace_id: str
    asin: str
    profile_id: str
    ad_product: str
    entity_type: str
    entity_id: str
    from_state: str
    to_state: str
    reason: str
    notification_id: str
    result: Outcome  # the one outcome vocabulary (stockguard.domain.outcomes), stored as its value
    error: str = ""
    skus: tuple[str, ...] = ()


def audit_item(entry: AuditEntry, *, now: datetime, ttl_days: float) -> dict:
    """The stored item of an entry: its key (the same key means the same decision, so writing it again
    overwrites it), the by_day index key and the TTL. Public: the in-memory audit log stores the same items."""
    entity = f"{entry.profile_id}#{entry.ad_product}#{entry.entity_type}#{entry.entity_id}"
    item = entry.model_dump(mode="json")
    item.update(
        pk=f"{entry.marketplace_id}#{entry.asin}",
        sk=f"{iso(entry.at)}#{entity}#{entry.notification_id}#{entry.result}",
        day=iso(entry.at)[:10],
        recorded_at=iso(now),
        expires_at=ttl_epoch(now, days=ttl_days),
        skus=list(entry.skus),
    )
    return to_dynamo(item)


class AuditLog:
    def __init__(self, table_name: str, *, ttl_days: float = 400) -> None:
        self._table = get_table(table_name)
        self._ttl_days = ttl_days

    def record(self, entries: Iterable[AuditEntry]) -> None:
        now = utcnow()
        with self._table.batch_writer(overwrite_by_pkeys=["pk", "sk"]) as writer:
            for entry in entries:
                writer.put_item(Item=audit_item(entry, now=now, ttl_days=self._ttl_days))

    def for_asin(self, marketplace_id: str, asin: str, *, limit: int = 20) -> list[AuditEntry]:
        response = self._table.query(KeyConditionExpression=Key("pk").eq(f"{marketplace_id}#{asin}"), ScanIndexForward=False, Limit=limit)
        return [AuditEntry.model_validate(from_dynamo(i)) for i in response.get("Items", [])]

    def for_day(self, day: str, *, limit: int = 1000) -> list[AuditEntry]:
        response = self._table.query(IndexName="by_day", KeyConditionExpression=Key("day").eq(day), Limit=limit)
        return [AuditEntry.model_validate(from_dynamo(i)) for i in response.get("Items", [])]
