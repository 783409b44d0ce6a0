"""Watermarks in DynamoDB (ReconcileTable): one item per (seller, marketplace).

    pk = W#{seller}#{marketplace}; since, last_full_sweep_at, last_success_at, last_failure_at, last_error

`advance` is conditioned on the stored `since` not being later (ISO strings sort as times), so a slow run
that finishes after a newer one never moves the change feed back. Failures are noted without touching
`since`: the next run reads from the same place again, so a failed run loses nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from stockguard.clock import iso, parse_iso
from stockguard.reconcile.watermark import Watermark
from stockguard.state.dynamo import get_table, is_conditional_failure, scan_all

MAX_ERROR_CHARS = 300


def watermark_pk(seller_id: str, marketplace_id: str) -> str:
    return f"W#{seller_id}#{marketplace_id}"


def _time(item: dict[str, Any], name: str) -> datetime | None:
    value = item.get(name)
    return parse_iso(value) if value else None


def watermark_of(item: dict[str, Any]) -> Watermark:
    return Watermark(
        seller_id=item["seller_id"],
        marketplace_id=item["marketplace_id"],
        since=_time(item, "since"),
        last_full_sweep_at=_time(item, "last_full_sweep_at"),
        last_success_at=_time(item, "last_success_at"),
        last_failure_at=_time(item, "last_failure_at"),
        last_error=item.get("last_error", ""),
    )


def watermark_item(watermark: Watermark) -> dict[str, Any]:
    item: dict[str, Any] = {
        "pk": watermark_pk(watermark.seller_id, watermark.marketplace_id),
        "seller_id": watermark.seller_id,
        "marketplace_id": watermark.marketplace_id,
    }
    for name in ("since", "last_full_sweep_at", "last_success_at", "last_failure_at"):
        value = getattr(watermark, name)
        if value is not None:
            item[name] = iso(value)
    if watermark.last_error:
        item["last_error"] = watermark.last_error[:MAX_ERROR_CHARS]
    return item


class WatermarkRepository:
    def __init__(self, table_name: str) -> None:
        self._table = get_table(table_name)

    def get(self, seller_id: str, marketplace_id: str) -> Watermark | None:
        item = self._table.get_item(Key={"pk": watermark_pk(seller_id, marketplace_id)}, ConsistentRead=True).get("Item")
        return watermark_of(item) if item else None

    def all(self) -> list[Watermark]:
        return sorted((watermark_of(i) for i in scan_all(self._table)), key=lambda w: (w.seller_id, w.marketplace_id))

    def advance(self, watermark: Watermark) -> bool:
        if watermark.since is None:
            raise ValueError("a watermark to advance needs `since`")
        item = watermark_item(watermark)
        names = {f"#{k}": k for k in item if k != "pk"}
        values = {f":{k}": v for k, v in item.items() if k != "pk"}
        sets = [f"#{k} = :{k}" for k in item if k != "pk"]
        removes = [] if watermark.last_error else ["last_error"]
        expression = "SET " + ", ".join(sets) + (" REMOVE #last_error" if removes else "")
        if removes:
            names["#last_error"] = "last_error"
        try:
            self._table.update_item(
                Key={"pk": item["pk"]},
                UpdateExpression=expression,
                ConditionExpression="attribute_not_exists(#since) OR #since <= :since",
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )
        except Exception as error:
            if is_conditional_failure(error):
                return False
            raise
        return True

    def record_failure(self, seller_id: str, marketplace_id: str, *, at: datetime, error: str) -> None:
        self._table.update_item(
            Key={"pk": watermark_pk(seller_id, marketplace_id)},
            UpdateExpression="SET seller_id = :s, marketplace_id = :m, last_failure_at = :t, last_error = :e",
            ExpressionAttributeValues={":s": seller_id, ":m": marketplace_id, ":t": iso(at), ":e": error[:MAX_ERROR_CHARS] or "error"},
        )
