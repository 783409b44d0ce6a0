"""Client for the four Notifications API v1 operations that subscription set-up needs.

Destination operations are grantless; subscription operations use the seller's token (reference
sp-api-notifications.md §9). A 409 raises SpApiConflictError so the caller can look up what exists.
Error bodies {"errors": [{"code", "message", "details"}]} become one readable message.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import httpx
from pydantic import SecretStr

from stockguard.spapi.call import parse_model
from stockguard.spapi.credentials import SpApiCredentials
from stockguard.spapi.errors import SpApiError, error_message, error_type_for, first_error_code, scrub
from stockguard.spapi.lwa import LwaTokens
from stockguard.spapi.models import Destination, Subscription
from stockguard.spapi.regions import LWA_TOKEN_URL
from stockguard.spapi.transport import Transport

DESTINATIONS_PATH = "/notifications/v1/destinations"
SUBSCRIPTIONS_PATH = "/notifications/v1/subscriptions"

_THROTTLED = "throttled (1 request/s, burst 5); retry later"
_HINTS = {
    ("destination", 403): "destination calls need a grantless token; check the app's client_id/client_secret",
    ("subscription", 403): "the seller has not authorised the app, or the app lacks the role this notification type needs",
    ("destination", 429): _THROTTLED,
    ("subscription", 429): _THROTTLED,
}
_INVENTORY_ROLE_HINT = " (ITEM_INVENTORY_EVENT_CHANGE very likely needs the Brand Analytics role)"


class NotificationsApi:
    def __init__(self, endpoint: str, tokens: LwaTokens, transport: Transport, *, secrets: list[str] | None = None) -> None:
        self._endpoint = endpoint.rstrip("/")
        self._tokens = tokens
        self._transport = transport
        self._secrets = secrets or []

    @classmethod
    def connect(
        cls,
        credentials: SpApiCredentials,
        endpoint: str,
        *,
        token_url: str = LWA_TOKEN_URL,
        sleep: Callable[[float], None] = time.sleep,
    ) -> NotificationsApi:
        """The usual wiring: one transport shared by LWA and the API; close() releases it."""
        transport = Transport(sleep=sleep)
        tokens = LwaTokens(credentials, transport, token_url=token_url)
        return cls(endpoint, tokens, transport, secrets=credentials.secret_values())

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> NotificationsApi:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def create_destination(self, name: str, queue_arn: str) -> Destination:
        body = {"name": name, "resourceSpecification": {"sqs": {"arn": queue_arn}}}
        payload = self._call("POST", DESTINATIONS_PATH, "createDestination", "destination", self._tokens.grantless(), body)
        return parse_model(Destination, payload, "createDestination")

    def list_destinations(self) -> list[Destination]:
        payload = self._call("GET", DESTINATIONS_PATH, "getDestinations", "destination", self._tokens.grantless())
        if not isinstance(payload, list):
            raise SpApiError("getDestinations: the response payload is not a list")
        return [parse_model(Destination, item, "getDestinations") for item in payload]

    def get_subscription(self, notification_type: str) -> Subscription | None:
        """The seller's subscription to the type, or None (404, or a 200 without a payload)."""
        path = f"{SUBSCRIPTIONS_PATH}/{quote(notification_type, safe='')}"
        try:
            payload = self._call(
                "GET", path, f"getSubscription {notification_type}", "subscription", self._tokens.seller(), not_found_ok=True
            )
        except _NotFound:
            return None
        if not payload:
            return None
        return parse_model(Subscription, payload, f"getSubscription {notification_type}")

    def create_subscription(self, notification_type: str, body: dict[str, Any]) -> Subscription:
        path = f"{SUBSCRIPTIONS_PATH}/{quote(notification_type, safe='')}"
        payload = self._call("POST", path, f"createSubscription {notification_type}", "subscription", self._tokens.seller(), body)
        return parse_model(Subscription, payload, f"createSubscription {notification_type}")

    def _call(
        self,
        method: str,
        path: str,
        operation: str,
        family: str,
        token: SecretStr,
        body: dict[str, Any] | None = None,
        *,
        not_found_ok: bool = False,
    ) -> Any:
        headers = {"x-amz-access-token": token.get_secret_value(), "accept": "application/json"}
        kwargs: dict[str, Any] = {}
        if body is not None:
            headers["content-type"] = "application/json"
            kwargs["json"] = body
        response = self._transport.send(method, self._endpoint + path, operation=operation, headers=headers, **kwargs)
        if response.status_code == 404 and not_found_ok:
            raise _NotFound()
        if response.status_code >= 300:
            message = self._error_message(operation, family, response, token)
            error_type = error_type_for(response.status_code)
            raise error_type(message, status=response.status_code, code=first_error_code(response))
        try:
            data = response.json()
        except ValueError:
            raise SpApiError(f"{operation}: the response is not JSON (HTTP {response.status_code})") from None
        return data.get("payload") if isinstance(data, dict) else None

    def _error_message(self, operation: str, family: str, response: httpx.Response, token: SecretStr) -> str:
        hint = _HINTS.get((family, response.status_code), "")
        if hint and response.status_code == 403 and "ITEM_INVENTORY_EVENT_CHANGE" in operation:
            hint += _INVENTORY_ROLE_HINT
        return scrub(error_message(operation, response, hint=hint), [*self._secrets, token.get_secret_value()])


class _NotFound(Exception):
    pass
