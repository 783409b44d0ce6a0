"""Make the local harness (in-process moto, the Ads API simulator) fast enough for load runs, without
changing a single answer it gives.

Profiling the soak showed the harness, not StockGuard, dominating the time (see BENCHMARKS.md):
1. DynamoDB Query sorts *all* of a table's items, then filters them by hash key (`Table.all_items()`):
   O(table) per Query. Here moto's own Query code is handed only the queried partition (same items,
   same order after its range-key sort, same paging, conditions and projections). GSI queries and
   hash-key-only tables are left alone.
2. Responses of DynamoDB data-plane operations go through moto's generic, shape-driven serializer,
   which costs ~0.1 ms per attribute value. Their results are already wire-format JSON (AttributeValue
   maps), so they are dumped as JSON directly.
   `install(verify=True)` runs moto's own path of 1. and 2. beside the fast one on every call and raises
   on any difference (SOAK_VERIFY_MOTO=1 runs the soak this way; tests/soak/test_speedups.py in make test).
3. SQS ReceiveMessage recomputes every queue attribute (scanning the queue) for each message received,
   only to read MessageRetentionPeriod; it is read directly.
4. The simulator's HTTP handler writes headers and body in separate segments with Nagle's algorithm on,
   so a keep-alive client waits for the delayed ACK (~18 ms per request instead of ~3 ms); TCP_NODELAY
   is set on its connections (socketserver's own switch).
5. TransactWriteItems deep-copies every table a transaction touches, once per item, to roll back on
   failure: O(table × items) per call, which made a ledger transaction cost more than 100 UpdateItems.
   Here only the items the transaction names are snapshotted, and restored (deleted or put back) when it
   is cancelled; moto's own code still decides every condition and writes every item.
Only the soak and bench/ use this; every other test runs the harness as it is.
"""

from __future__ import annotations

import copy
import json
import socketserver
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from moto.core.responses import ActionResult
from moto.core.utils import unix_time
from moto.dynamodb import models as dynamodb_models
from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import Table
from moto.dynamodb.responses import DynamoResult
from moto.sqs.models import SQSBackend

_original_query = Table.query
_original_execute_result = ActionResult.execute_result
_original_retention_check = SQSBackend.is_message_valid_based_on_retention_period
_original_transact = DynamoDBBackend.transact_write_items

_DATA_PLANE = frozenset(
    {"Query", "Scan", "GetItem", "BatchGetItem", "PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems"}
)  # errors (ConditionalCheckFailed with ALL_OLD, TransactionCanceled with reasons) never take the fast path
_verify = False
verified: Counter[str] = Counter()  # calls compared against moto's own path, by kind (verify mode)


def _partition_query(
    self,
    hash_key,
    range_comparison,
    range_objs,
    limit,
    exclusive_start_key,
    scan_index_forward,
    projection_expressions,
    index_name=None,
    *args,
    **kwargs,
):
    args = (
        self,
        hash_key,
        range_comparison,
        range_objs,
        limit,
        exclusive_start_key,
        scan_index_forward,
        projection_expressions,
        index_name,
        *args,
    )
    if index_name is None and hash_key is not None and self.range_key_attr:
        partition = list(self.items.get(hash_key, {}).values())
        self.all_items = lambda: partition  # instance attribute shadows the method for this call only
        try:
            fast = _original_query(*args, **kwargs)
        finally:
            del self.all_items
        if _verify:
            full = _original_query(*args, **kwargs)
            if _query_answer(fast) != _query_answer(full):
                raise AssertionError(f"moto partition query differs on {self.name}: {_query_answer(fast)} != {_query_answer(full)}")
            verified["Query"] += 1
        return fast
    return _original_query(*args, **kwargs)


def _query_answer(result) -> tuple:
    items, scanned, last_key = result
    return [item.to_json() for item in items], scanned, last_key


def _without_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_without_none(v) for v in value]
    return value


def _fast_execute_result(self, context):
    if (
        type(self) in (ActionResult, DynamoResult)
        and isinstance(self.result, dict)
        and context.service_model.service_name == "dynamodb"
        and context.operation_model.name in _DATA_PLANE
    ):
        body = json.dumps(_without_none(self.result), separators=(",", ":"))
        if _verify:
            status, headers, expected = _original_execute_result(self, context)
            if status != 200 or json.loads(expected) != json.loads(body):
                raise AssertionError(f"moto fast path differs for {context.operation_model.name}: {expected[:300]} != {body[:300]}")
            verified[f"response {context.operation_model.name}"] += 1
            return status, headers, body
        return 200, {"Content-Type": "application/x-amz-json-1.0"}, body
    return _original_execute_result(self, context)


def _retention_check(self, queue_name: str, message) -> bool:
    queue = self.get_queue(queue_name)
    return int(queue.message_retention_period) + message.sent_timestamp / 1000 > unix_time()


class _TablesNotCopied:
    """Stands in for the `copy` module inside moto's DynamoDB backend: a Table is 'copied' as itself
    (the rollback is done item by item by `_transact_write_items`), anything else is deep-copied."""

    @staticmethod
    def deepcopy(value: Any, memo: Any = None) -> Any:
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    def __getattr__(self, name: str) -> Any:
        return getattr(copy, name)


def _touched_items(backend: DynamoDBBackend, transact_items: list[dict]) -> list[tuple[str, dict, dict | None]]:
    """(table, key, item as stored or None) for every item a transaction names."""
    touched = []
    for entry in transact_items:
        _, op = next(iter(entry.items()))
        name = op["TableName"]
        table = backend.get_table(name)
        key = op.get("Key") or {a: op["Item"][a] for a in (table.hash_key_attr, table.range_key_attr) if a is not None}
        current = backend.get_item(name, key)
        touched.append((name, key, copy.deepcopy(current.to_json()["Attributes"]) if current else None))
    return touched


def _transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    try:
        touched = _touched_items(self, transact_items)
    except Exception:  # malformed input: moto's own path raises the error it should
        return _original_transact(self, transact_items)
    dynamodb_models.copy = _TablesNotCopied()  # type: ignore[assignment]  # see _TablesNotCopied
    try:
        return _original_transact(self, transact_items)
    except Exception:
        for name, key, stored in reversed(touched):
            self.delete_item(name, key)
            if stored is not None:
                self.put_item(name, stored)
        raise
    finally:
        dynamodb_models.copy = copy  # type: ignore[assignment]


_original_nagle = socketserver.StreamRequestHandler.disable_nagle_algorithm


def install(*, verify: bool = False) -> None:
    global _verify
    _verify = verify
    socketserver.StreamRequestHandler.disable_nagle_algorithm = True
    Table.query = _partition_query
    ActionResult.execute_result = _fast_execute_result
    SQSBackend.is_message_valid_based_on_retention_period = _retention_check
    DynamoDBBackend.transact_write_items = _transact_write_items  # type: ignore[method-assign]


def uninstall() -> None:
    socketserver.StreamRequestHandler.disable_nagle_algorithm = _original_nagle
    Table.query = _original_query
    ActionResult.execute_result = _original_execute_result
    SQSBackend.is_message_valid_based_on_retention_period = _original_retention_check
    DynamoDBBackend.transact_write_items = _original_transact  # type: ignore[method-assign]


@contextmanager
def faster_harness(*, verify: bool = False) -> Iterator[None]:
    install(verify=verify)
    try:
        yield
    finally:
        uninstall()
