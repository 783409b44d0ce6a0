"""One authorised, rate-limited, retried SP-API request on behalf of one seller (the pull operations).

Why one place: every pull operation needs the same five things, in the same order, and a mistake in any
of them is a leak or a storm: the seller's LWA token in `x-amz-access-token`; the token bucket of
(operation, seller) waited for before each attempt; the shared retry policy inside the time budget
(transport.py); one token refresh and one resend after a 401, or after a 403 whose error says the access
token expired or is invalid (SP-API answers an expired token with 403 Unauthorized, "The access token you
provided has expired": amzn/selling-partner-api-models#4122);
and an error that names the operation, the status and Amazon's codes, scrubbed of every secret.
The operation modules (inventory_api, listings_api, pricing_api) only build paths and parse bodies.
"""

from __future__ import annotations

import logging
from collections.abc import Container
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, SecretStr, ValidationError

from stockguard.spapi.errors import SpApiError, error_entries, error_message, error_type_for, first_error_code, scrub
from stockguard.spapi.lwa import LwaTokens
from stockguard.spapi.rate_limit import RateLimiter
from stockguard.spapi.transport import Transport

__all__ = ["SellerCall", "parse_model"]

log = logging.getLogger("stockguard.spapi")
_Model = TypeVar("_Model", bound=BaseModel)


def parse_model(model: type[_Model], payload: Any, operation: str) -> _Model:
    """`payload` as `model`; SpApiError naming the fields (never the values) when it does not fit."""
    try:
        return model.model_validate(payload)
    except ValidationError as exc:
        fields = sorted({".".join(str(p) for p in e["loc"]) or "payload" for e in exc.errors()})
        raise SpApiError(f"{operation}: unexpected response payload (problem with: {', '.join(fields)})") from None


def token_rejected(response: httpx.Response) -> bool:
    """401, or a 403 whose error details are about the access token (expired, revoked, malformed, invalid);
    a 403 for a missing role or marketplace is not: a new token would be refused the same way."""
    if response.status_code == 401:
        return True
    if response.status_code != 403:
        return False
    return any("access token" in str(e.get("details") or "").lower() for e in error_entries(response))


class SellerCall:
    """Sends requests to one SP-API host with one seller's token; `seller_key` names its buckets."""

    def __init__(
        self, endpoint: str, tokens: LwaTokens, transport: Transport, limiter: RateLimiter, *, seller_key: str, secrets: list[str]
    ) -> None:
        self._endpoint = endpoint.rstrip("/")
        self._tokens = tokens
        self._transport = transport
        self._limiter = limiter
        self._seller_key = seller_key
        self._secrets = secrets

    def __repr__(self) -> str:
        return f"SellerCall({self._endpoint!r})"

    def __call__(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        json: Any = None,
        accept: Container[int] = (),
    ) -> httpx.Response:
        """The answer when it is a 2xx or its status is in `accept` (the caller reads it); else the error.

        `path` must already be percent-encoded (SKUs may hold '/', spaces and '#')."""
        bucket = self._limiter.bucket(operation, self._seller_key)
        token = self._tokens.seller()
        for retried_401 in (False, True):
            headers = {"x-amz-access-token": token.get_secret_value(), "accept": "application/json"}
            if json is not None:
                headers["content-type"] = "application/json"
            response = self._transport.send(
                method, self._endpoint + path, operation=operation, headers=headers, limit=bucket, params=params, json=json
            )
            if retried_401 or not token_rejected(response):
                break
            log.info("%s: SP-API rejected the access token (%d): refreshing it once", operation, response.status_code)
            token = self._tokens.seller_after_401(token)
        if response.status_code < 300 or response.status_code in accept:
            return response
        raise self.error(operation, response, token)

    def error(self, operation: str, response: httpx.Response, token: SecretStr | None = None) -> SpApiError:
        """The error an unaccepted answer raises: retryable for 429/5xx, scrubbed of every secret."""
        secrets = [*self._secrets, token.get_secret_value()] if token is not None else self._secrets
        error_type = error_type_for(response.status_code)
        return error_type(scrub(error_message(operation, response), secrets), status=response.status_code, code=first_error_code(response))

    def json(self, operation: str, response: httpx.Response) -> Any:
        """The parsed body of an answer; SpApiError when it is not JSON."""
        try:
            return response.json()
        except ValueError:
            raise SpApiError(f"{operation}: the response is not JSON (HTTP {response.status_code})") from None
