"""DynamoDB faults injected at the wire (botocore's before-call event), so that the real repositories,
their conditions and their error handling see exactly what DynamoDB would answer.

Why not wrap the repositories: a fault at the wire reaches every write, including those a test author
would not think of (audit batch writes, index updates, dedup marks), and "the Nth write" is well
defined across the whole batch. `before_write` runs a callback just before the Nth write is sent: a
concurrent invocation that wins the race, so the write then meets a real ConditionalCheckFailed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

from stockguard.state.dynamo import dynamodb_resource

WRITE_OPERATIONS = frozenset({"PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"})
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
        self._before: dict[int, Callable[[], None]] = {}
        self._kills: set[int] = set()
        self._nested = False
        self.client.meta.events.register("before-call.dynamodb", self._before_call, unique_id=f"ddb-faults-{id(self)}")

    def close(self) -> None:
        self.client.meta.events.unregister("before-call.dynamodb", unique_id=f"ddb-faults-{id(self)}")

    def __enter__(self) -> "DynamoFaults":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- plans --------------------------------------------------------------------------------------
    def fail_write(self, nth: int, code: str = THROTTLING) -> None:
        """The Nth write answers `code` (as DynamoDB does once boto3's own retries are spent)."""
        self._errors[nth] = code

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

    # -- the hook -----------------------------------------------------------------------------------
    def _before_call(self, model, params, **_kwargs):
        if self._nested:
            return None
        call = _describe(model.name, params.get("body"))
        self.calls.append(call)
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
        code = self._errors.pop(nth, None)
        if code is None:
            return None
        status = 400
        parsed = {"Error": {"Code": code, "Message": f"injected at write {nth}"}, "ResponseMetadata": {"HTTPStatusCode": status}}
        return _Http(status), parsed
