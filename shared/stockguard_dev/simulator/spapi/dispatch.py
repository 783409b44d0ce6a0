"""One SP-API request through the simulator, transport-free. The order of checks, top to bottom:

1. the LWA token endpoint (POST /auth/o2/token), shared with the Ads simulator (faults apply);
2. the route (404 / 405 with the SP-API error body);
3. `x-amz-access-token`: missing, unknown or expired -> 403 Unauthorized; a grantless token, or a
   token used under another region's prefix, -> 403 as well (these operations need a seller's token);
4. the operation's rate limit per seller -> 429 QuotaExceeded;
5. injected faults (FaultConfig, as on the Ads side: 429 with/without Retry-After, 5xx, slow);
6. the operation's handler.
Every response of an operation carries x-amzn-RateLimit-Limit; every response an x-amzn-RequestId.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import parse_qsl, urlsplit

from stockguard_dev.simulator.auth import LwaAuthority
from stockguard_dev.simulator.exchange import TOKEN_PATH, Outcome, RawRequest, Trace, conclude, pick_fault, token_exchange
from stockguard_dev.simulator.faults import FaultConfig, FaultRule
from stockguard_dev.simulator.reply import ApiError, Reply
from stockguard_dev.simulator.spapi.call import Context, SpCall
from stockguard_dev.simulator.spapi.credentials import Principal
from stockguard_dev.simulator.spapi.errors import invalid_input, quota_exceeded, sp_error, unauthorized
from stockguard_dev.simulator.spapi.rate_limits import RATE_LIMIT_HEADER, RateLimiter
from stockguard_dev.simulator.spapi.routes import Operation, find_operation

ACCESS_TOKEN_HEADER = "x-amz-access-token"


class SpApiDispatcher:
    def __init__(
        self,
        *,
        context: Context,
        authority: LwaAuthority,
        principals: dict[str, Principal],
        faults: FaultConfig,
        limiter: RateLimiter,
        sleep: Callable[[float], object],
    ) -> None:
        self.context = context
        self.authority = authority
        self.principals = principals
        self.faults = faults
        self.limiter = limiter
        self._sleep = sleep

    def handle(self, raw: RawRequest) -> Outcome:
        trace = Trace.of(raw)
        return conclude(trace, lambda: self._answer(raw, trace), lambda message: sp_error(500, "InternalFailure", message))

    def _answer(self, raw: RawRequest, trace: Trace) -> Reply:
        if trace.path == TOKEN_PATH:
            return token_exchange(raw, trace, self.authority, self.faults, self._sleep, fault_reply)
        operation, path_params, other_method = find_operation(trace.method, trace.path)
        if operation is None:
            if other_method:
                return sp_error(405, "MethodNotAllowed", f"{trace.method} is not supported on {trace.path}")
            return sp_error(404, "NotFound", f"No resource at {trace.path}")
        header = self.limiter.limit_of(operation.name).header()
        try:
            reply = self._operate(raw, trace, operation, path_params)
        except ApiError as exc:
            reply = exc.reply
        reply.headers.setdefault(RATE_LIMIT_HEADER, header)
        return reply

    def _operate(self, raw: RawRequest, trace: Trace, operation: Operation, path_params: dict[str, str]) -> Reply:
        principal = self._authenticate(raw.headers, trace.region)
        trace.seller_id = principal.seller_id
        if not self.limiter.take(operation.name, principal.seller_id):
            return quota_exceeded()
        fault = pick_fault(self.faults, trace, is_update=False, sleep=self._sleep)
        if fault is not None and fault.kind != "slow":
            return fault_reply(fault)
        body = None
        if raw.body.strip():
            try:
                body = json.loads(raw.body)
            except (ValueError, UnicodeDecodeError):
                raise invalid_input("The request body is not valid JSON") from None
        trace.json = body
        if operation.has_body and body is None:
            raise invalid_input("A JSON request body is required")
        call = SpCall(
            method=trace.method,
            path=trace.path,
            params=_params(raw.target),
            body=body,
            principal=principal,
            region=trace.region,
            path_params=path_params,
        )
        return operation.handler(call, self.context)

    def _authenticate(self, headers: dict[str, str], region: str | None) -> Principal:
        token = headers.get(ACCESS_TOKEN_HEADER, "").strip()
        if not token:
            raise unauthorized("The request has no x-amz-access-token header.")
        grant, why = self.authority.grant_of(token)
        if grant is None:
            expired = why == "Access token has expired"
            raise unauthorized(
                "The access token you provided has expired."
                if expired
                else "The access token you provided is revoked, malformed or invalid."
            )
        principal = self.principals.get(grant.refresh_token or "")
        if principal is None:  # a grantless token (client_credentials): not for seller operations
            raise unauthorized("This operation needs a token of a selling partner's authorisation, not a grantless one.")
        if region is not None and region.lower() not in principal.regions:
            raise unauthorized(f"The seller has not authorised the application in region {region.lower()}.")
        return principal


def fault_reply(fault: FaultRule) -> Reply:
    """An injected whole-request fault in the SP-API error shape."""
    if fault.kind in ("429", "429_no_retry_after"):
        reply = quota_exceeded()
        if fault.kind == "429":
            reply.headers["Retry-After"] = str(fault.retry_after)
        return reply
    if fault.status == 503:
        return sp_error(503, "ServiceUnavailable", "Service temporarily unavailable. Please try again.", "")
    return sp_error(fault.status, "InternalFailure", "We encountered an internal error. Please try again.", "")


def _params(target: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for name, value in parse_qsl(urlsplit(target).query, keep_blank_values=True):
        out.setdefault(name, []).append(value)
    return out
