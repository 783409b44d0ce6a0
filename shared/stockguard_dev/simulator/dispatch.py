"""One request through the simulator, transport-free: route, gate, faults, handler, record.

Kept apart from the HTTP server so the order of checks reads top to bottom in one place.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from stockguard_dev.simulator import gate
from stockguard_dev.simulator.auth import LwaAuthority
from stockguard_dev.simulator.call import Backend, Call
from stockguard_dev.simulator.exchange import (
    FORM,
    Outcome,
    RawRequest,
    Trace,
    conclude,
    pick_fault,
    strip_region,
    token_exchange,
)
from stockguard_dev.simulator.faults import FaultRule
from stockguard_dev.simulator.reply import ApiError, Reply, details_error, gateway_error, message_error
from stockguard_dev.simulator.routes import TOKEN_PATH, Route, find_route, is_known_path

__all__ = ["FORM", "Dispatcher", "Outcome", "RawRequest"]

# Former private names, kept for anything that imported them.
_Trace = Trace
_strip_region = strip_region


class Dispatcher:
    def __init__(self, backend: Backend, authority: LwaAuthority, sleep: Callable[[float], None]) -> None:
        self.backend = backend
        self.authority = authority
        self._sleep = sleep

    def handle(self, raw: RawRequest) -> Outcome:
        trace = Trace.of(raw)
        return conclude(
            trace,
            lambda: self._answer(raw, trace),
            lambda message: gateway_error(500, "INTERNAL_ERROR", message),
        )

    def _answer(self, raw: RawRequest, trace: Trace) -> Reply:
        if trace.path == TOKEN_PATH:
            return token_exchange(
                raw, trace, self.authority, self.backend.faults, self._sleep, lambda fault: _whole_request_fault(fault, None)
            )
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
        fault = pick_fault(self.backend.faults, trace, is_update=route.is_update, sleep=self._sleep)
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
