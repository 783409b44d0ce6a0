"""The ownership ledger in DynamoDB: every transition is a conditional write on the entry's status.

See stockguard.domain.ledger for the lifecycle. The conditions make racing Lambdas safe: only one can
take a pause intent for an entity, and a resume is only possible from a pause StockGuard holds.

Each transition exists twice: per entity (one UpdateItem; returns whether the condition held) and for
many entities at once (`intend_many`, `confirm_many`, `cancel_many`: TransactWriteItems of up to 100
conditional updates; return the ref ids whose condition held). A transaction is all or nothing, so a
cancelled one is resent without the entries whose condition failed: each entry ends exactly as its
single-entity transition would have.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botocore.exceptions import ClientError

from stockguard.clock import iso, parse_iso, utcnow
from stockguard.domain.ads import AdProduct, EntityRef, EntityType
from stockguard.domain.decisions import Action
from stockguard.domain.ledger import TRANSITIONS, LedgerEntry, LedgerStatus, Transition
from stockguard.state.dynamo import backoff_seconds, batch_get, from_dynamo, get_table, is_conditional_failure, scan_all

logger = logging.getLogger(__name__)

TRANSACT_MAX = 100  # DynamoDB's limit of items per TransactWriteItems call
TRANSACT_RETRIES = 5  # resends of a cancelled transaction (conflicts, throttling) before giving up
_CONDITION_FAILED = "ConditionalCheckFailed"


@dataclass(frozen=True)
class Intent:
    """One pause or resume intent for `intend_many`: the arguments of intend_pause / intend_resume."""

    ref: EntityRef
    asin: str
    reason: str
    notification_id: str
    now: datetime


class TransactionIncomplete(RuntimeError):
    """Transitions that neither applied nor failed their condition after every resend (sustained
    conflicts or throttling). None of them applied: the caller's batch is retried by SQS."""

    def __init__(self, ref_ids: list[str], codes: set[str]) -> None:
        super().__init__(f"{len(ref_ids)} ledger transitions not applied ({', '.join(sorted(codes))}): {ref_ids[:5]}")
        self.ref_ids = ref_ids


def _ref_from_pk(pk: str) -> EntityRef:
    profile_id, ad_product, entity_type, entity_id = pk.split("#", 3)
    return EntityRef(profile_id=profile_id, ad_product=AdProduct(ad_product), entity_type=EntityType(entity_type), entity_id=entity_id)


def ledger_entry(item: dict) -> LedgerEntry:
    """A stored ledger item as a LedgerEntry (public: the in-memory ledger stores the same items)."""
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
        """Entries by ref id (absent: no entry); one BatchGetItem per 100 refs (stockguard.state.dynamo.batch_get)."""
        entries = (ledger_entry(item) for item in batch_get(self._name, [{"pk": i} for i in sorted({r.id for r in refs})]))
        return {entry.ref.id: entry for entry in entries}

    def get(self, ref: EntityRef) -> LedgerEntry | None:
        item = self._table.get_item(Key={"pk": ref.id}, ConsistentRead=True).get("Item")
        return ledger_entry(item) if item else None

    def all_held(self) -> list[LedgerEntry]:
        """Entries whose pause StockGuard holds (for the index sync's operator-override check)."""
        items = scan_all(
            self._table,
            FilterExpression="#s = :p",
            ExpressionAttributeNames={"#s": "status"},
            ExpressionAttributeValues={":p": LedgerStatus.PAUSED.value},
        )
        return [ledger_entry(i) for i in items]

    # -- transitions (each returns False when the condition did not hold) -------------------------
    def intend_pause(self, ref: EntityRef, *, asin: str, reason: str, notification_id: str, now: datetime) -> bool:
        return self._transition(ref, **pause_intent(asin, reason, notification_id, now))

    def confirm_pause(self, ref: EntityRef, *, now: datetime) -> bool:
        return self._transition(ref, **pause_confirmation(now))

    def cancel_pause(self, ref: EntityRef) -> bool:
        return self._transition(ref, **pause_cancellation())

    def intend_resume(self, ref: EntityRef, *, asin: str, reason: str, notification_id: str, now: datetime) -> bool:
        return self._transition(ref, **resume_intent(asin, reason, notification_id, now))

    def confirm_resume(self, ref: EntityRef, *, now: datetime) -> bool:
        return self._transition(ref, **resume_confirmation(now))

    def cancel_resume(self, ref: EntityRef) -> bool:
        return self._transition(ref, **resume_cancellation())

    def mark_overridden(self, ref: EntityRef, *, now: datetime) -> bool:
        """The operator re-enabled what StockGuard paused: hands off for the rest of the episode."""
        return self._transition(ref, **override(now))

    def release(self, ref: EntityRef, *, now: datetime, reason: str = "operator_override") -> bool:
        """End an overridden episode without touching the entity; `reason` says why it was released.

        Every caller ends an operator's episode (re-enabled during the pause), so the default is truthful.
        Overwriting the pause reason is safe: it is read only while a pause is held or pending, and the next
        pause intent writes it again."""
        return self._transition(ref, **release_of_override(now, reason))

    # -- many entities per call (TransactWriteItems) ------------------------------------------------
    def intend_many(self, action: Action, intents: Iterable[Intent]) -> set[str]:
        """intend_pause (action PAUSE) or intend_resume (RESUME) for each intent; the ref ids that took it."""
        pausing = direction(action)
        specs = {
            i.ref.id: self._spec(i.ref, **(pause_intent if pausing else resume_intent)(i.asin, i.reason, i.notification_id, i.now))
            for i in intents
        }
        return self._transact(specs)

    def confirm_many(self, action: Action, confirmations: Iterable[tuple[EntityRef, datetime]]) -> set[str]:
        """confirm_pause / confirm_resume of each (ref, event time of the change); the ref ids confirmed."""
        make = pause_confirmation if direction(action) else resume_confirmation
        return self._transact({ref.id: self._spec(ref, **make(now)) for ref, now in confirmations})

    def cancel_many(self, action: Action, refs: Iterable[EntityRef]) -> set[str]:
        """cancel_pause / cancel_resume of each ref; the ref ids whose intent was cancelled."""
        make = pause_cancellation if direction(action) else resume_cancellation
        return self._transact({ref.id: self._spec(ref, **make()) for ref in refs})

    def _transact(self, specs: dict[str, dict[str, Any]], *, sleep: Callable[[float], None] | None = None) -> set[str]:
        """Apply conditional updates (ref id -> update_item arguments) 100 per transaction.

        DynamoDB cancels a whole transaction when any one condition fails (or on a conflict with another
        write, or throttling) and says why per item in CancellationReasons: the items that failed their
        condition are dropped (not succeeded) and the others resent at once; after a conflict or
        throttling, with backoff, at most TRANSACT_RETRIES times. Every round drops or applies an item
        or counts against that budget, so the loop ends.
        """
        pause = sleep or time.sleep
        client = self._table.meta.client
        pending, succeeded, codes = dict(specs), set(), set()
        contended_rounds = 0
        while pending:
            contended = False
            ids = list(pending)
            for start in range(0, len(ids), TRANSACT_MAX):
                chunk = ids[start : start + TRANSACT_MAX]
                reasons = self._send(client, [pending[i] for i in chunk]) or ["applied"] * len(chunk)
                for ref_id, code in zip(chunk, reasons, strict=False):
                    if code in ("applied", _CONDITION_FAILED):
                        del pending[ref_id]
                        if code == "applied":
                            succeeded.add(ref_id)
                    elif code != "None":
                        codes.add(code)
                        contended = True
            if pending and contended:
                if contended_rounds == TRANSACT_RETRIES:
                    raise TransactionIncomplete(sorted(pending), codes)
                pause(backoff_seconds(contended_rounds))
                contended_rounds += 1
        return succeeded

    def _send(self, client, specs: list[dict[str, Any]]) -> list[str] | None:
        """One TransactWriteItems call: None when it applied, else the cancellation code of each item."""
        try:
            client.transact_write_items(TransactItems=[{"Update": {"TableName": self._name, **spec}} for spec in specs])
            return None
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") != "TransactionCanceledException":
                raise
            reasons = [r.get("Code", "None") for r in error.response.get("CancellationReasons", [])]
            if len(reasons) != len(specs) or set(reasons) == {"None"}:  # no usable reason: resend all, with backoff
                return ["Unknown"] * len(specs)
            logger.info("ledger transaction cancelled", extra={"reasons": sorted(set(reasons))})
            return reasons

    # -- one entity per call ------------------------------------------------------------------------
    def _transition(
        self,
        ref: EntityRef,
        *,
        allowed_from: tuple[LedgerStatus, ...],
        to: LedgerStatus,
        allow_missing: bool = False,
        extra: dict | None = None,
    ) -> bool:
        try:
            self._table.update_item(**self._spec(ref, allowed_from=allowed_from, to=to, allow_missing=allow_missing, extra=extra))
            return True
        except Exception as error:
            if is_conditional_failure(error):
                return False
            raise

    @staticmethod
    def _spec(
        ref: EntityRef,
        *,
        allowed_from: tuple[LedgerStatus, ...],
        to: LedgerStatus,
        allow_missing: bool = False,
        extra: dict | None = None,
    ) -> dict[str, Any]:
        """The conditional UpdateItem of one transition (shared by the single and the batched form)."""
        values: dict[str, Any] = {f":from{i}": s.value for i, s in enumerate(allowed_from)}
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
        return {
            "Key": {"pk": ref.id},
            "UpdateExpression": "SET " + ", ".join(sets),
            "ConditionExpression": condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": values,
        }


# -- the transitions, as arguments of LedgerRepository._spec (one definition for both forms) ---------
# Public: each returns allowed_from (the statuses the entry may be in; allow_missing: or no entry), to (the
# new status) and extra (attributes set with it). The statuses come from the domain's one transition table
# (stockguard.domain.ledger.TRANSITIONS), which the policy decides with too; the in-memory ledger
# (stockguard_dev.memory) applies these same definitions, so both backends accept and refuse exactly the
# same transitions.
def direction(action: Action) -> bool:
    """True for a pause, False for a resume; KEEP has no ledger transition."""
    if action not in (Action.PAUSE, Action.RESUME):
        raise ValueError(f"no ledger transition for {action!r}")
    return action is Action.PAUSE


def _rule(transition: Transition, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    rule = TRANSITIONS[transition]
    spec: dict[str, Any] = {"allowed_from": rule.statuses, "to": rule.to}
    if rule.allows_missing:
        spec["allow_missing"] = True
    if extra:
        spec["extra"] = extra
    return spec


def pause_intent(asin: str, reason: str, notification_id: str, now: datetime) -> dict[str, Any]:
    extra = {"asin": asin, "reason": reason, "notification_id": notification_id, **_intent(asin, reason, notification_id, now)}
    return _rule(Transition.INTEND_PAUSE, extra)


def resume_intent(asin: str, reason: str, notification_id: str, now: datetime) -> dict[str, Any]:
    return _rule(Transition.INTEND_RESUME, {"resume_notification_id": notification_id, **_intent(asin, reason, notification_id, now)})


def pause_confirmation(now: datetime) -> dict[str, Any]:
    return _rule(Transition.CONFIRM_PAUSE, {"last_change_at": iso(now), "paused_at": iso(now)})


def resume_confirmation(now: datetime) -> dict[str, Any]:
    return _rule(Transition.CONFIRM_RESUME, {"last_change_at": iso(now)})


def pause_cancellation() -> dict[str, Any]:
    return _rule(Transition.CANCEL_PAUSE)


def resume_cancellation() -> dict[str, Any]:
    return _rule(Transition.CANCEL_RESUME)


def override(now: datetime) -> dict[str, Any]:
    return _rule(Transition.MARK_OVERRIDDEN, {"overridden_at": iso(now)})


def release_of_override(now: datetime, reason: str) -> dict[str, Any]:
    return _rule(Transition.RELEASE, {"released_at": iso(now), "reason": reason})
