"""Errors of the SP-API client: the SP-API names of the shared Amazon error hierarchy (stockguard.amazon.errors).

Messages never contain credentials or tokens.
"""

from __future__ import annotations

from typing import Any

import httpx

from stockguard.amazon.errors import AmazonApiAuthError, AmazonApiError, AmazonApiRetryableError, scrub
from stockguard.amazon.lwa import LwaErrorTypes
from stockguard.amazon.retry import RETRYABLE_STATUS

__all__ = [
    "LWA_ERRORS",
    "CredentialsError",
    "SpApiAuthError",
    "SpApiConflictError",
    "SpApiError",
    "SpApiRetryableError",
    "error_entries",
    "error_message",
    "error_type_for",
    "first_error_code",
    "scrub",
]


class SpApiError(AmazonApiError):
    """An SP-API or LWA call failed for good (or after its retries)."""


class SpApiRetryableError(SpApiError, AmazonApiRetryableError):
    """Throttled, 5xx or unreachable after the transport's retries: running set-up again later may work."""


class SpApiAuthError(SpApiError, AmazonApiAuthError):
    """Login with Amazon refused the credentials: nothing else can work, so the run stops."""


class CredentialsError(Exception):
    """The SP-API credentials could not be read (missing file or secret, bad JSON, missing keys)."""


class SpApiConflictError(SpApiError):
    """HTTP 409: the resource already exists. Set-up treats it as "look the existing one up"."""


# Only a refusal stops `stockguard subscribe` (SpApiAuthError); an unavailable LWA fails the one step.
LWA_ERRORS = LwaErrorTypes(refused=SpApiAuthError, unavailable=SpApiRetryableError, failed=SpApiError)


# -- SP-API error bodies: {"errors": [{"code", "message", "details"}]} -----------------------------------


def error_entries(response: httpx.Response) -> list[dict[str, Any]]:
    """The `errors` of an SP-API answer (every API of it uses this envelope); [] when there are none."""
    try:
        data = response.json()
    except ValueError:
        return []
    errors = data.get("errors") if isinstance(data, dict) else None
    return [e for e in errors if isinstance(e, dict)] if isinstance(errors, list) else []


def first_error_code(response: httpx.Response) -> str:
    errors = error_entries(response)
    return str(errors[0].get("code", "")) if errors else ""


def error_type_for(status: int) -> type[SpApiError]:
    """409 is looked up by set-up; 429/5xx (still so after the transport's retries) may work on a later run."""
    if status == 409:
        return SpApiConflictError
    return SpApiRetryableError if status in RETRYABLE_STATUS else SpApiError


def error_message(operation: str, response: httpx.Response, *, hint: str = "") -> str:
    """One readable line: operation, status, Amazon's codes and messages, a hint, the request id.

    Not yet scrubbed: the caller scrubs it with the secrets it knows (servers may echo what they were sent)."""
    parts = []
    for error in error_entries(response):
        text = ": ".join(str(error.get(k)) for k in ("code", "message") if error.get(k))
        if error.get("details"):
            text += f" ({error['details']})"
        parts.append(text)
    message = f"{operation} failed: HTTP {response.status_code}"
    if parts:
        message += " " + "; ".join(parts)
    if hint:
        message += f" — {hint}"
    request_id = response.headers.get("x-amzn-RequestId")
    if request_id:
        message += f" [request id {request_id}]"
    return message
