"""A local fake of the SP-API Notifications API v1 and the LWA token endpoint (stdlib HTTP, 127.0.0.1).

It enforces what matters for set-up: destination calls need a grantless token (client_credentials
with scope sellingpartnerapi::notifications), subscription calls need the seller's token
(refresh_token grant); duplicates answer 409 like Amazon; an empty eventFilter is a 400. Every
request is recorded. `fail_next` forces error responses (throttling, 5xx, access denied).
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

NOTIFICATIONS_SCOPE = "sellingpartnerapi::notifications"
TOKEN_PATH = "/auth/o2/token"
DESTINATIONS_PATH = "/notifications/v1/destinations"
SUBSCRIPTIONS_PREFIX = "/notifications/v1/subscriptions/"
EVENT_FILTER_TYPES = {"ANY_OFFER_CHANGED", "ORDER_CHANGE", "SHIPMENT_TRACKING_MILESTONE_CHANGED"}
_SQS_ARN = re.compile(r"^arn:aws:sqs:\S+:\S+:\S+")


@dataclass
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: Any  # parsed JSON, the form as a dict (token endpoint), or None
    token_kind: str | None = None  # "grantless" | "seller" | None (unknown or absent)


@dataclass
class _Forced:
    method: str
    path_prefix: str
    status: int
    body: dict[str, Any]
    times: int


@dataclass
class FakeNotificationsApi:
    client_id: str = field(default_factory=lambda: "amzn1.application-oa2-client." + secrets.token_hex(8))
    client_secret: str = field(default_factory=lambda: "cs-" + secrets.token_urlsafe(24))
    refresh_token: str = field(default_factory=lambda: "Atzr|" + secrets.token_urlsafe(24))

    def __post_init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.destinations: dict[str, dict[str, Any]] = {}
        self.subscriptions: dict[str, dict[str, Any]] = {}
        self.grantless_tokens: set[str] = set()
        self.seller_tokens: set[str] = set()
        self._forced: list[_Forced] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- lifecycle -------------------------------------------------------------------------------

    def start(self) -> FakeNotificationsApi:
        fake = self

        class Handler(_Handler):
            owner = fake

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-notifications-api", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server:
            self._server.shutdown()
            self._server.server_close()
        if self._thread:
            self._thread.join()

    def __enter__(self) -> FakeNotificationsApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server, "not started"
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def lwa_url(self) -> str:
        return self.base_url + TOKEN_PATH

    # --- test helpers ----------------------------------------------------------------------------

    def credentials(self) -> dict[str, str]:
        return {"client_id": self.client_id, "client_secret": self.client_secret, "refresh_token": self.refresh_token}

    def secret_values(self) -> list[str]:
        """Everything that must never appear in output: credentials and every token issued."""
        return [self.client_secret, self.refresh_token, self.client_id, *self.grantless_tokens, *self.seller_tokens]

    @property
    def api_requests(self) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path != TOKEN_PATH]

    def calls(self, method: str, path_prefix: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == method and r.path.startswith(path_prefix)]

    def seed_destination(self, queue_arn: str, name: str = "created-elsewhere") -> str:
        destination_id = str(uuid.uuid4())
        self.destinations[destination_id] = {"name": name, "destinationId": destination_id, "resource": {"sqs": {"arn": queue_arn}}}
        return destination_id

    def seed_subscription(self, notification_type: str, destination_id: str, payload_version: str = "1.0") -> str:
        subscription_id = str(uuid.uuid4())
        self.subscriptions[notification_type] = {
            "subscriptionId": subscription_id,
            "payloadVersion": payload_version,
            "destinationId": destination_id,
        }
        return subscription_id

    def fail_next(
        self, method: str, path_prefix: str, status: int, *, code: str = "", message: str = "", details: str = "", times: int = 1
    ) -> None:
        """Answer the next `times` matching requests with `status` and an SP-API error body."""
        error = {"code": code or _default_code(status), "message": message or f"forced {status}"}
        if details:
            error["details"] = details
        self._forced.append(_Forced(method, path_prefix, status, {"errors": [error]}, times))

    # --- request handling (called from the server threads) ---------------------------------------

    def handle(self, method: str, path: str, headers: dict[str, str], raw: bytes) -> tuple[int, dict[str, Any]]:
        with self._lock:
            if path == TOKEN_PATH:
                form = {k: v[0] for k, v in parse_qs(raw.decode("utf-8")).items()}
                self.requests.append(RecordedRequest(method, path, headers, form))
                return self._forced_response(method, path) or self._token(method, form)
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode("utf-8", "replace")
            token = headers.get("x-amz-access-token", "")
            kind = "grantless" if token in self.grantless_tokens else "seller" if token in self.seller_tokens else None
            self.requests.append(RecordedRequest(method, path, headers, body, kind))
            forced = self._forced_response(method, path)
            if forced:
                return forced
            if method == "POST" and "application/json" not in headers.get("content-type", ""):
                return 415, _error("UnsupportedMediaType", "The request payload is in an unsupported format.")
            if path == DESTINATIONS_PATH:
                if kind != "grantless":
                    return 403, _error(
                        "Unauthorized", "Access to requested resource is denied.", "destination operations need a grantless token"
                    )
                return self._create_destination(body) if method == "POST" else self._list_destinations(method)
            if path.startswith(SUBSCRIPTIONS_PREFIX):
                if kind != "seller":
                    return 403, _error(
                        "Unauthorized",
                        "Access to requested resource is denied.",
                        "subscription operations need the selling partner's token",
                    )
                notification_type = path[len(SUBSCRIPTIONS_PREFIX) :]
                if method == "GET":
                    return self._get_subscription(notification_type)
                if method == "POST":
                    return self._create_subscription(notification_type, body)
            return 404, _error("NotFound", "The resource specified does not exist.")

    def _forced_response(self, method: str, path: str) -> tuple[int, dict[str, Any]] | None:
        for forced in self._forced:
            if forced.method == method and path.startswith(forced.path_prefix) and forced.times > 0:
                forced.times -= 1
                return forced.status, forced.body
        return None

    def _token(self, method: str, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if method != "POST":
            return 405, {"error": "invalid_request"}
        if form.get("client_id") != self.client_id or form.get("client_secret") != self.client_secret:
            return 401, {"error": "invalid_client", "error_description": "Client authentication failed"}
        grant = form.get("grant_type")
        if grant == "client_credentials":
            if form.get("scope") != NOTIFICATIONS_SCOPE:
                return 400, {"error": "invalid_scope", "error_description": "The request has an invalid parameter : scope"}
            token, bucket = "Atc|" + secrets.token_urlsafe(24), self.grantless_tokens
        elif grant == "refresh_token":
            if form.get("refresh_token") != self.refresh_token:
                return 400, {"error": "invalid_grant", "error_description": "The request has an invalid grant parameter : refresh_token"}
            token, bucket = "Atza|" + secrets.token_urlsafe(24), self.seller_tokens
        else:
            return 400, {"error": "unsupported_grant_type"}
        bucket.add(token)
        return 200, {"access_token": token, "token_type": "bearer", "expires_in": 3600}

    def _create_destination(self, body: Any) -> tuple[int, dict[str, Any]]:
        arn = (((body or {}).get("resourceSpecification") or {}).get("sqs") or {}).get("arn") if isinstance(body, dict) else None
        if not isinstance(body, dict) or not body.get("name") or not isinstance(arn, str) or not _SQS_ARN.match(arn):
            return 400, _error("InvalidInput", "Request has missing or invalid parameters and cannot be parsed.")
        if any(d["resource"]["sqs"]["arn"] == arn for d in self.destinations.values()):
            return 409, _error("Conflict", "The resource specified conflicts with the current state.", "Destination already exists")
        destination_id = str(uuid.uuid4())
        destination = {"name": body["name"], "destinationId": destination_id, "resource": {"sqs": {"arn": arn}}}
        self.destinations[destination_id] = destination
        return 200, {"payload": destination}

    def _list_destinations(self, method: str) -> tuple[int, dict[str, Any]]:
        if method != "GET":
            return 405, _error("MethodNotAllowed", method)
        return 200, {"payload": list(self.destinations.values())}

    def _get_subscription(self, notification_type: str) -> tuple[int, dict[str, Any]]:
        subscription = self.subscriptions.get(notification_type)
        if subscription is None:
            return 404, _error("NotFound", "The resource specified does not exist.")
        return 200, {"payload": subscription}

    def _create_subscription(self, notification_type: str, body: Any) -> tuple[int, dict[str, Any]]:
        if not isinstance(body, dict) or not body.get("payloadVersion") or not body.get("destinationId"):
            return 400, _error("InvalidInput", "payloadVersion and destinationId are required.")
        if body["destinationId"] not in self.destinations:
            return 400, _error("InvalidInput", "Invalid destinationId.")
        directive = body.get("processingDirective")
        if directive is not None:
            problem = _directive_problem(notification_type, directive)
            if problem:
                return 400, _error("InvalidInput", problem)
        if notification_type in self.subscriptions:
            return 409, _error("Conflict", "The resource specified conflicts with the current state.")
        subscription = {
            "subscriptionId": str(uuid.uuid4()),
            "payloadVersion": body["payloadVersion"],
            "destinationId": body["destinationId"],
        }
        if directive is not None:
            subscription["processingDirective"] = directive
        self.subscriptions[notification_type] = subscription
        return 200, {"payload": subscription}


def _directive_problem(notification_type: str, directive: Any) -> str:
    if not isinstance(directive, dict) or not directive:
        return "Processing Directive must not be empty"
    if "eventFilter" in directive and "filterExpression" in directive:
        return "eventFilter and filterExpression are mutually exclusive"
    if "eventFilter" in directive:
        event_filter = directive["eventFilter"]
        if not isinstance(event_filter, dict) or not event_filter:
            return "Processing Directive eventFilter must not be empty"
        if event_filter.get("eventFilterType") not in EVENT_FILTER_TYPES or event_filter["eventFilterType"] != notification_type:
            return f"eventFilterType must match the notification type {notification_type}"
        marketplaces = event_filter.get("marketplaceIds")
        if marketplaces is not None and (not isinstance(marketplaces, list) or not all(isinstance(m, str) and m for m in marketplaces)):
            return "marketplaceIds must be a list of marketplace ids"
    return ""


def _error(code: str, message: str, details: str = "") -> dict[str, Any]:
    error = {"code": code, "message": message}
    if details:
        error["details"] = details
    return {"errors": [error]}


def _default_code(status: int) -> str:
    return {400: "InvalidInput", 403: "Unauthorized", 404: "NotFound", 409: "Conflict", 429: "QuotaExceeded"}.get(status, "InternalFailure")


class _Handler(BaseHTTPRequestHandler):
    owner: FakeNotificationsApi
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are two writes; avoid the 40 ms delayed-ACK stall

    def _serve(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        raw = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        status, body = self.owner.handle(self.command, urlsplit(self.path).path, headers, raw)
        data = json.dumps(body).encode("utf-8")
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_DELETE = _serve

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass
