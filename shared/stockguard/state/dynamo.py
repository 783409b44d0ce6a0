"""Small helpers shared by the DynamoDB adapters."""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta
from decimal import Decimal
from functools import cache
from typing import Any

import boto3
from boto3.dynamodb.types import TypeDeserializer
from botocore.config import Config

# Adaptive retries absorb DynamoDB throttling; conditional-check failures are never retried by boto3.
_BOTO_CONFIG = Config(retries={"max_attempts": 8, "mode": "adaptive"}, connect_timeout=5, read_timeout=10)


@cache
def _resource(endpoint_url: str | None, region: str | None):
    return boto3.resource("dynamodb", endpoint_url=endpoint_url, region_name=region, config=_BOTO_CONFIG)


def dynamodb_resource():
    """The boto3 DynamoDB resource; AWS_ENDPOINT_URL_DYNAMODB / AWS_ENDPOINT_URL are honoured by boto3 itself."""
    return _resource(None, os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION"))


def get_table(name: str):
    if not name:
        raise ValueError("DynamoDB table name is empty: is the environment variable set?")
    return dynamodb_resource().Table(name)


def reset_clients() -> None:
    """Forget cached clients (tests switch between moto instances)."""
    _resource.cache_clear()


def ttl_epoch(now: datetime, *, days: float) -> int:
    return int((now + timedelta(days=days)).timestamp())


def to_dynamo(value: Any) -> Any:
    """Python -> DynamoDB attribute values (floats become Decimal, None values dropped)."""
    if isinstance(value, float):
        return Decimal(str(value))
    if isinstance(value, dict):
        return {k: to_dynamo(v) for k, v in value.items() if v is not None}
    if isinstance(value, (list, tuple)):
        return [to_dynamo(v) for v in value]
    return value


def from_dynamo(value: Any) -> Any:
    """DynamoDB -> plain Python (Decimal becomes int when integral)."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dict):
        return {k: from_dynamo(v) for k, v in value.items()}
    if isinstance(value, (list, set, tuple)):
        return [from_dynamo(v) for v in value]
    return value


def scan_all(table, **kwargs: Any) -> list[dict]:
    """Every item of a Scan (all pages), as plain Python values."""
    return _all_pages(table.scan, kwargs)


def query_all(table, **kwargs: Any) -> list[dict]:
    """Every item of a Query (all pages), as plain Python values."""
    return _all_pages(table.query, kwargs)


def _all_pages(call: Callable[..., dict], kwargs: dict[str, Any]) -> list[dict]:
    items: list[dict] = []
    while True:
        page = call(**kwargs)
        items.extend(from_dynamo(i) for i in page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            return items
        kwargs = {**kwargs, "ExclusiveStartKey": page["LastEvaluatedKey"]}


BATCH_GET_MAX = 100  # DynamoDB's limit of keys per BatchGetItem call
UNPROCESSED_RETRIES = 8  # rounds of UnprocessedKeys before giving up (the caller's batch is then retried by SQS)


class UnprocessedKeysError(RuntimeError):
    """DynamoDB kept answering UnprocessedKeys (sustained throttling): the read did not complete."""


def batch_get(
    table_name: str,
    keys: Iterable[dict[str, Any]],
    *,
    projection: str | None = None,
    names: dict[str, str] | None = None,
    consistent: bool = True,
    sleep: Callable[[float], None] = time.sleep,
    resource: Any = None,
) -> list[dict]:
    """Every existing item among `keys` (strongly consistent unless `consistent=False`), as plain Python
    values, in no particular order.

    The one BatchGetItem helper of the adapters: 100 keys per call, and the keys DynamoDB leaves
    unprocessed (it does so under throttling instead of failing the call) retried with jittered
    exponential backoff, so that no caller can silently drop a key.
    """
    unique = list({json_key(k): k for k in keys}.values())  # DynamoDB rejects duplicate keys in one call
    found: list[dict] = []
    resource = resource or dynamodb_resource()
    for start in range(0, len(unique), BATCH_GET_MAX):
        request: dict[str, Any] = {"Keys": unique[start : start + BATCH_GET_MAX], "ConsistentRead": consistent}
        if projection:
            request["ProjectionExpression"] = projection
        if names:
            request["ExpressionAttributeNames"] = names
        pending = {table_name: request}
        for attempt in range(UNPROCESSED_RETRIES + 1):
            response = resource.batch_get_item(RequestItems=pending)
            found.extend(from_dynamo(i) for i in response.get("Responses", {}).get(table_name, []))
            pending = response.get("UnprocessedKeys") or {}
            if not pending:
                break
            if attempt == UNPROCESSED_RETRIES:
                raise UnprocessedKeysError(f"{len(pending[table_name]['Keys'])} keys of {table_name} still unprocessed")
            sleep(backoff_seconds(attempt))
    return found


def backoff_seconds(attempt: int, *, base: float = 0.05, cap: float = 2.0) -> float:
    """Full-jitter exponential backoff (AWS architecture blog): spreads retries of racing Lambdas apart."""
    return random.uniform(0, min(cap, base * 2**attempt))


def json_key(key: dict[str, Any]) -> tuple:
    """A hashable form of a key (for de-duplicating keys)."""
    return tuple(sorted((k, str(v)) for k, v in key.items()))


_DESERIALIZER = TypeDeserializer()


def from_wire(item: dict[str, Any] | None) -> dict[str, Any] | None:
    """A wire-format item (as in an error response's `Item`, which boto3's resource layer leaves typed)
    -> plain Python values."""
    if not item:
        return None
    return from_dynamo({k: _DESERIALIZER.deserialize(v) for k, v in item.items()})


def is_conditional_failure(error: Exception) -> bool:
    response = getattr(error, "response", None) or {}
    return response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"
