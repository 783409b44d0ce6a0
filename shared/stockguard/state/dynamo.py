"""Small helpers shared by the DynamoDB adapters."""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

import boto3
from botocore.config import Config

# Adaptive retries absorb DynamoDB throttling; conditional-check failures are never retried by boto3.
_BOTO_CONFIG = Config(retries={"max_attempts": 8, "mode": "adaptive"}, connect_timeout=5, read_timeout=10)


@lru_cache(maxsize=None)
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
    items: list[dict] = []
    while True:
        page = table.scan(**kwargs)
        items.extend(from_dynamo(i) for i in page.get("Items", []))
        if "LastEvaluatedKey" not in page:
            return items
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def is_conditional_failure(error: Exception) -> bool:
    response = getattr(error, "response", None) or {}
    return response.get("Error", {}).get("Code") == "ConditionalCheckFailedException"
