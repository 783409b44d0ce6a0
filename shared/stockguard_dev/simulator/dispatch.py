"""One request through the simulator, transport-free: route, gate, faults, handler, record.

Kept apart from the HTTP server so the order of checks reads top to bottom in one place.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from stockguard_dev.simulator import gate
from stockguard_dev.simulator.auth import LwaAuthority
from stockguard_dev.simulator.call import Backend, Call
from stockguard_dev.simulator.faults import FaultRule
from stockguard_dev.simulator.profiles import REGION_PREFIXES
from stockguard_dev.simulator.recording import RecordedRequest, redact_form, redact_headers
from stockguard_dev.simulator.reply import ApiError, Reply, details_error, gateway_error, lwa_error, message_error
from stockguard_dev.simulator.routes import TOKEN_PATH, Route, find_route, is_known_path

FORM = "application/x-www-form-urlencoded"
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RawRequest:
    method: str
    target: str  # path and query as sent
    headers: dict[str, str]  # lower-cased names
    body: bytes


@dataclass
class Outcome:
    reply: Reply
    record: RecordedRequest


class Dispatcher:
    def __init__(self, backend: Backend, authority: LwaAuthority, sleep: Callable[[float], None]) -> None:
        self.backend = backend
        self.authority = authority
        self._sleep = sleep

    def handle(self, raw: RawRequest) -> Outcome:
        split = urlsplit(raw.target)
        path, region = _strip_region(split.path or "/")
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        state = _Trace(method=raw.method.upper(), path=path, query=query, headers=raw.headers, region=region)
        try:
            reply = self._answer(raw, state)
        except ApiError as exc:
            reply = exc.reply
        except Exception as exc:  # a simulator bug must still answer (and be visible), not drop the connection
            _log.exception("simulator failed on %s %s", state.method, state.path)
            reply = gateway_error(500, "INTERNAL_ERROR", f"Simulator error: {type(exc).__name__}")
        reply.headers.setdefault("x-amzn-RequestId", str(uuid.uuid4()))
        return Outcome(reply, state.record(reply.status))

    def _answer(self, raw: RawRequest, trace: _Trace) -> Reply:
        if trace.path == TOKEN_PATH:
            return self._token(raw, trace)
        route, path_params = find_route(trace.method, trace.path)
        if route is None:
            if is_known_path(trace.path):
                return gateway_error(405, "METHOD_NOT_ALLOWED", f"{trace.method} is not supported on {trace.path}")
            return gateway_error(404, "NOT_FOUND", f"No resource at {trace.path}")
        gate.check_auth(raw.headers, self.authority)
        if route.needs_scope:
            trace.profile_id = gate.check_scope(raw.headers, self.backend, trace.region)
        gate.check_media(route, raw.headers, bool(raw.body.strip()))
        body = _parse_json(raw.body, route)
        trace.json = body
        fault = self._fault(trace, route.is_update)
        if fault is not None and fault.kind not in ("slow", "item_error", "item_throttle", "no_success_207"):
            return _whole_request_fault(fault, route)
        call = Call(
            method=trace.method,
            path=trace.path,
            query=trace.query,
            headers=raw.headers,
            path_params=path_params,
            body=body,
            profile_id=trace.profile_id,
            region=trace.region,
            item_fault=fault if fault is not None and fault.kind != "slow" else None,
        )
        return route.handler(call, self.backend)

    def _token(self, raw: RawRequest, trace: _Trace) -> Reply:
        if trace.method != "POST":
            return lwa_error("invalid_request", "Use POST", status=405)
        if raw.headers.get("content-type", "").split(";", 1)[0].strip().lower() != FORM:
            return lwa_error("invalid_request", f"Content-Type must be {FORM}")
        form = dict(parse_qsl(raw.body.decode("utf-8", "replace"), keep_blank_values=True))
        trace.form = redact_form(form)
        fault = self._fault(trace, is_update=False)
        if fault is not None and fault.kind != "slow":
            return _whole_request_fault(fault, None)
        return self.authority.grant(form)

    def _fault(self, trace: _Trace, is_update: bool) -> FaultRule | None:
        fault = self.backend.faults.pick(trace.method, trace.path, is_update=is_update)
        if fault is None:
            return None
        trace.fault = fault.kind
        if fault.kind == "slow":
            self._sleep(fault.delay_seconds)
        return fault


@dataclass
class _Trace:
    """What the record of a request needs, filled in as the request gets through its checks."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    region: str | None
    profile_id: str | None = None
    json: Any = None
    form: dict[str, str] | None = None
    fault: str | None = None

    def record(self, status: int) -> RecordedRequest:
        return RecordedRequest(
            method=self.method,
            path=self.path,
            query=self.query,
            headers=redact_headers(self.headers),
            json=self.json,
            status=status,
            profile_id=self.profile_id,
            form=self.form,
            fault=self.fault,
            region=self.region,
        )


def _strip_region(path: str) -> tuple[str, str | None]:
    for prefix, region in REGION_PREFIXES.items():
        if path.startswith(prefix + "/"):
            return path[len(prefix) :], region
    return path, None


def _parse_json(body: bytes, route: Route) -> Any:
    if not body.strip():
        return None
    try:
        return json.loads(body)
    except (ValueError, UnicodeDecodeError):
        if _uses_message_style(route):
            raise ApiError(message_error(400, "INVALID_ARGUMENT", "Malformed JSON body", route.error_content_type)) from None
        raise ApiError(details_error(400, "INVALID_ARGUMENT", "Malformed JSON body")) from None


def _uses_message_style(route: Route | None) -> bool:
    return route is not None and route.path.startswith(("/sp/", "/sb/"))


def _whole_request_fault(fault: FaultRule, route: Route | None) -> Reply:
    """429 / 5xx answers shaped like the endpoint's own (SP/SB {code, message}, others {code, details})."""
    content_type = route.error_content_type if route is not None else "application/json"
    if fault.kind == "429_no_retry_after":
        # As reported in amzn/ads-advanced-tools-docs#422: no Retry-After, a bare message.
        return Reply(
            429,
            {"message": "Too Many Requests"},
            headers={"amazon-advertising-api-throttled": "true", "x-amzn-ErrorType": "AccessDeniedException"},
        )
    if fault.kind == "429":
        status, code, text = 429, "THROTTLED", "Too Many Requests - Request was rate-limited. Retry later."
        headers = {"Retry-After": str(fault.retry_after)}
    else:
        status, code, text = fault.status, "INTERNAL_ERROR", "Internal Server Error - Something went wrong on the server. Retry later."
        headers = {}
    reply = message_error(status, code, text, content_type) if _uses_message_style(route) else details_error(status, code, text)
    reply.headers.update(headers)
    return reply
