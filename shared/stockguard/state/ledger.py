"""The ownership ledger in DynamoDB: every transition is a conditional write on the entry's status.

See stockguard.domain.ledger for the lifecycle. The conditions make racing Lambdas safe: only one can
take a pause intent for an entity, and a resume is only possible from a pause StockGuard holds.
"""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from stockguard.clock import iso, parse_iso, utcnow
from stockguard.domain.ads import AdProduct, EntityRef, EntityType
from stockguard.domain.ledger import LedgerEntry, LedgerStatus
from stockguard.state.dynamo import dynamodb_resource, from_dynamo, get_table, is_conditional_failure

_BATCH_GET_MAX = 100


def _ref_from_pk(pk: str) -> EntityRef:
    profile_id, ad_product, entity_type, entity_id = pk.split("#", 3)
    return EntityRef(
        profile_id=profile_id, ad_product=AdProduct(ad_product), entity_type=EntityType(entity_type), entity_id=entity_id
    )


def _entry(item: dict) -> LedgerEntry:
    item = from_dynamo(item)
    return LedgerEntry(
        ref=_ref_from_pk(item["pk"]),
        status=LedgerStatus(item["status"]),
        reason=item.get("reason", ""),
        asin=item.get("asin", ""),
        last_change_at=parse_iso(item["last_change_at"]) if item.get("last_change_at") else None,
        paused_at=parse_iso(item["paused_at"]) if item.get("paused_at") else None,
        notification_id=item.get("notification_id", ""),
        version=item.get("version", 0),
        intent_at=parse_iso(item["intent_at"]) if item.get("intent_at") else None,
        intent_notification_id=item.get("intent_notification_id", ""),
        intent_asin=item.get("intent_asin", ""),
        intent_reason=item.get("intent_reason", ""),
    )


def _intent(asin: str, reason: str, notification_id: str, now: datetime) -> dict[str, str]:
    """What a redelivery needs to audit this intent exactly as the invocation that took it would have."""
    return {"intent_at": iso(now), "intent_asin": asin, "intent_reason": reason, "intent_notification_id": notification_id}


class LedgerRepository:
    def __init__(self, table_name: str) -> None:
        self._name = table_name
        self._table = get_table(table_name)

    def get_many(self, refs: Iterable[EntityRef]) -> dict[str, LedgerEntry]:
        ids = sorted({r.id for r in refs})
        found: dict[str, LedgerEntry] = {}
        resource = dynamodb_resource()
        for start in range(0, len(ids), _BATCH_GET_MAX):
            request = {self._name: {"Keys": [{"pk": i} for i in ids[start : start + _BATCH_GET_MAX]], "ConsistentRead": True}}
            while request:
                response = resource.batch_get_item(RequestItems=request)
                for item in response.get("Responses", {}).get(self._name, []):
                    entry = _entry(item)
                    found[entry.ref.id] = entry
                request = response.get("UnprocessedKeys") or {}
        return found

    def get(self, ref: EntityRef) -> LedgerEntry | None:
        item = self._table.get_item(Key={"pk": ref.id}, ConsistentRead=True).get("Item")
        return _entry(item) if item else None

    def all_held(self) -> list[LedgerEntry]:
        """Entries whose pause StockGuard holds (for the index sync's operator-override check)."""
        entries: list[LedgerEntry] = []
        kwargs: dict = {
            "FilterExpression": "#s = :p",
            "ExpressionAttributeNames": {"#s": "status"},
            "ExpressionAttributeValues": {":p": LedgerStatus.PAUSED.value},
        }
        while True:
            page = self._table.scan(**kwargs)
            entries.extend(_entry(i) for i in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return entries
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    # -- transitions (each returns False when the condition did not hold) -------------------------
    def intend_pause(self, ref: EntityRef, *, asin: str, reason: str, notification_id: str, now: datetime) -> bool:
        return self._transition(
            ref,
            allowed_from=(LedgerStatus.RELEASED, LedgerStatus.PAUSE_PENDING),
            allow_missing=True,
            to=LedgerStatus.PAUSE_PENDING,
            extra={"asin": asin, "reason": reason, "notification_id": notification_id, **_intent(asin, reason, notification_id, now)},
        )

    def confirm_pause(self, ref: EntityRef, *, now: datetime) -> bool:
        return self._transition(
            ref,
            allowed_from=(LedgerStatus.PAUSE_PENDING,),
            to=LedgerStatus.PAUSED,
            extra={"last_change_at": iso(now), "paused_at": iso(now)},
        )

    def cancel_pause(self, ref: EntityRef) -> bool:
        return self._transition(ref, allowed_from=(LedgerStatus.PAUSE_PENDING,), to=LedgerStatus.RELEASED)

    def intend_resume(self, ref: EntityRef, *, asin: str, reason: str, notification_id: str, now: datetime) -> bool:
        return self._transition(
            ref,
            allowed_from=(LedgerStatus.PAUSED, LedgerStatus.RESUME_PENDING),
            to=LedgerStatus.RESUME_PENDING,
            extra={"resume_notification_id": notification_id, **_intent(asin, reason, notification_id, now)},
        )

    def confirm_resume(self, ref: EntityRef, *, now: datetime) -> bool:
        return self._transition(
            ref, allowed_from=(LedgerStatus.RESUME_PENDING,), to=LedgerStatus.RELEASED, extra={"last_change_at": iso(now)}
        )

    def cancel_resume(self, ref: EntityRef) -> bool:
        return self._transition(ref, allowed_from=(LedgerStatus.RESUME_PENDING,), to=LedgerStatus.PAUSED)

    def mark_overridden(self, ref: EntityRef, *, now: datetime) -> bool:
        """The operator re-enabled what StockGuard paused: hands off for the rest of the episode."""
        return self._transition(
            ref, allowed_from=(LedgerStatus.PAUSED,), to=LedgerStatus.OVERRIDDEN, extra={"overridden_at": iso(now)}
        )

    def release(self, ref: EntityRef, *, now: datetime) -> bool:
        """End an overridden episode (every pause reason cleared) without touching the entity."""
        return self._transition(
            ref, allowed_from=(LedgerStatus.OVERRIDDEN,), to=LedgerStatus.RELEASED, extra={"released_at": iso(now)}
        )

    def _transition(
        self,
        ref: EntityRef,
        *,
        allowed_from: tuple[LedgerStatus, ...],
        to: LedgerStatus,
        allow_missing: bool = False,
        extra: dict | None = None,
    ) -> bool:
        values = {f":from{i}": s.value for i, s in enumerate(allowed_from)}
        condition = "#s IN (" + ", ".join(values) + ")"
        if allow_missing:
            condition = f"attribute_not_exists(pk) OR {condition}"
        sets = ["#s = :to", "updated_at = :now", "version = if_not_exists(version, :zero) + :one"]
        values.update({":to": to.value, ":now": iso(utcnow()), ":zero": 0, ":one": 1})
        names = {"#s": "status"}
        for i, (key, value) in enumerate((extra or {}).items()):
            names[f"#x{i}"] = key
            values[f":x{i}"] = value
            sets.append(f"#x{i} = :x{i}")
        try:
            self._table.update_item(
                Key={"pk": ref.id},
                UpdateExpression="SET " + ", ".join(sets),
                ConditionExpression=condition,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
            )
            return True
        except Exception as error:
            if is_conditional_failure(error):
                return False
            raise
