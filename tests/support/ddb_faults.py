"""DynamoDB faults injected at the wire (botocore's before-call event), so that the real repositories,
their conditions and their error handling see exactly what DynamoDB would answer.

Why not wrap the repositories: a fault at the wire reaches every write, including those a test author
would not think of (audit batch writes, index updates, dedup marks), and "the Nth write" is well
defined across the whole batch. `before_write` runs a callback just before the Nth write is sent: a
concurrent invocation that wins the race, so the write then meets a real ConditionalCheckFailed.

Reads are counted and faulted the same way (`fail_read`, `kill_at_read`): since recording a fact
returns every fact of its product, the reads left (BatchGetItem of facts, dedup, ledger and index, the
one-off Query of the layout upgrade) are as much a part of a batch as its writes. TransactWriteItems is a
write, conditional when any of its items is, and names the tables of its items; `cancel_write` answers
it with TransactionCanceledException and the CancellationReasons given.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from stockguard.state.dynamo import dynamodb_resource

WRITE_OPERATIONS = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"})
READ_OPERATIONS = frozenset({"GetItem", "BatchGetItem", "Query", "Scan", "TransactGetItems"})
THROTTLING = "ProvisionedThroughputExceededException"


class LambdaTimeout(BaseException):
    """The Lambda is killed here: nothing after it runs, no `except Exception` catches it, no batch response."""


@dataclass(frozen=True)
class DynamoCall:
    operation: str
    tables: tuple[str, ...]
    conditional: bool

    @property
    def is_write(self) -> bool:
        return self.operation in WRITE_OPERATIONS

    @property
    def is_read(self) -> bool:
        return self.operation in READ_OPERATIONS


class _Http:
    def __init__(self, status_code: int) -> None:
        self.status_code = status_code
        self.headers: dict[str, str] = {}
        self.content = b""


def _describe(operation: str, body: bytes | str | None) -> DynamoCall:
    try:
        request = json.loads(body or b"{}")
    except ValueError:
        request = {}
    items = [op for entry in request.get("TransactItems", []) for op in entry.values()]
    if items:  # TransactWriteItems / TransactGetItems: the tables and conditions are per item
        tables = tuple(dict.fromkeys(op.get("TableName", "") for op in items))
        return DynamoCall(operation, tables, any("ConditionExpression" in op for op in items))
    tables = tuple(request.get("RequestItems", {}) or ([request["TableName"]] if "TableName" in request else []))
    return DynamoCall(operation, tables, "ConditionExpression" in request)


class DynamoFaults:
    """Observe every DynamoDB call of the process's shared client; fail or precede the Nth write.

    Writes are counted from 1 across everything the client sends (retries of a batch included), so a
    test can first count the writes of a clean run and then fault each one in turn.
    """

    def __init__(self) -> None:
        self.client = dynamodb_resource().meta.client
        self.calls: list[DynamoCall] = []
        self._errors: dict[int, str] = {}
        self._cancels: dict[int, list[str]] = {}
        self._before: dict[int, Callable[[], None]] = {}
        self._kills: set[int] = set()
        self._read_errors: dict[int, str] = {}
        self._read_kills: set[int] = set()
        self._nested = False
        self.client.meta.events.register("before-call.dynamodb", self._before_call, unique_id=f"ddb-faults-{id(self)}")

    def close(self) -> None:
        self.client.meta.events.unregister("before-call.dynamodb", unique_id=f"ddb-faults-{id(self)}")

    def __enter__(self) -> DynamoFaults:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plans --------------------------------------------------------------------------------------
    def fail_write(self, nth: int, code: str = THROTTLING) -> None:
        """The Nth write answers `code` (as DynamoDB does once boto3's own retries are spent)."""
        self._errors[nth] = code

    def cancel_write(self, nth: int, reasons: list[str]) -> None:
        """The Nth write (a TransactWriteItems) is cancelled with these CancellationReasons codes, one per item."""
        self._cancels[nth] = reasons

    def fail_read(self, nth: int, code: str = THROTTLING) -> None:
        """The Nth read answers `code`."""
        self._read_errors[nth] = code

    def kill_at_read(self, nth: int) -> None:
        """The Lambda dies just before the Nth read is sent."""
        self._read_kills.add(nth)

    def kill_at_write(self, nth: int) -> None:
        """The Lambda dies just before the Nth write is sent."""
        self._kills.add(nth)

    def before_write(self, nth: int, callback: Callable[[], None]) -> None:
        """Run `callback` (its own DynamoDB calls are not counted) just before the Nth write is sent."""
        self._before[nth] = callback

    # -- observation --------------------------------------------------------------------------------
    @property
    def writes(self) -> list[DynamoCall]:
        return [c for c in self.calls if c.is_write]

    @property
    def reads(self) -> list[DynamoCall]:
        return [c for c in self.calls if c.is_read]

    # -- the hook -----------------------------------------------------------------------------------
    def _before_call(self, model, params, **_kwargs):
        if self._nested:
            return None
        call = _describe(model.name, params.get("body"))
        self.calls.append(call)
        if call.is_read:
            return self._read_fault(call)
        if not call.is_write:
            return None
        nth = len(self.writes)
        if nth in self._kills:
            self._kills.discard(nth)
            raise LambdaTimeout(f"Task timed out before write {nth} ({call.operation})")
        callback = self._before.pop(nth, None)
        if callback is not None:
            self._nested = True
            try:
                callback()
            finally:
                self._nested = False
        reasons = self._cancels.pop(nth, None)
        if reasons is not None:
            return _error("TransactionCanceledException", f"injected at write {nth}", CancellationReasons=[{"Code": r} for r in reasons])
        code = self._errors.pop(nth, None)
        return None if code is None else _error(code, f"injected at write {nth}")

    def _read_fault(self, call: DynamoCall):
        nth = len(self.reads)
        if nth in self._read_kills:
            self._read_kills.discard(nth)
            raise LambdaTimeout(f"Task timed out before read {nth} ({call.operation})")
        code = self._read_errors.pop(nth, None)
        return None if code is None else _error(code, f"injected at read {nth}")


def _error(code: str, message: str, **extra):
    """What botocore would have parsed from DynamoDB's 400 answer."""
    parsed = {"Error": {"Code": code, "Message": message}, "ResponseMetadata": {"HTTPStatusCode": 400}, **extra}
    return _Http(400), parsed
