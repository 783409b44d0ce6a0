"""One request through a simulator, transport-free, as both the Ads API and SP-API simulators serve it.

What is common to both APIs lives here: the parsed request (`RawRequest`), its record as it gets through
the checks (`Trace`), the /na /eu /fe regional prefixes, picking a fault (and sleeping for `slow`), the
LWA token endpoint, and the last-resort answer when a handler fails. Each API's dispatcher adds its own
gate (Ads: bearer token, client id, scope, media types; SP-API: x-amz-access-token, rate limits).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from stockguard_dev.simulator.auth import LwaAuthority
from stockguard_dev.simulator.faults import FaultConfig, FaultRule
from stockguard_dev.simulator.recording import RecordedRequest, redact_form, redact_headers
from stockguard_dev.simulator.reply import ApiError, Reply, lwa_error

FORM = "application/x-www-form-urlencoded"
TOKEN_PATH = "/auth/o2/token"
# Regional hosts played under one server: base_url + "/na" | "/eu" | "/fe".
REGION_PREFIXES: dict[str, str] = {"/na": "NA", "/eu": "EU", "/fe": "FE"}

_log = logging.getLogger("stockguard_dev.simulator.dispatch")


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


@dataclass
class Trace:
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
    seller_id: str | None = None

    @classmethod
    def of(cls, raw: RawRequest) -> Trace:
        split = urlsplit(raw.target)
        path, region = strip_region(split.path or "/")
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        return cls(method=raw.method.upper(), path=path, query=query, headers=raw.headers, region=region)

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
            seller_id=self.seller_id,
        )


def strip_region(path: str) -> tuple[str, str | None]:
    for prefix, region in REGION_PREFIXES.items():
        if path.startswith(prefix + "/"):
            return path[len(prefix) :], region
    return path, None


def conclude(trace: Trace, answer: Callable[[], Reply], crash_reply: Callable[[str], Reply]) -> Outcome:
    """Run `answer`; an ApiError is its reply; any other exception (a simulator bug) is logged and
    answered with `crash_reply(message)` rather than a dropped connection. Adds x-amzn-RequestId."""
    try:
        reply = answer()
    except ApiError as exc:
        reply = exc.reply
    except Exception as exc:
        _log.exception("simulator failed on %s %s", trace.method, trace.path)
        reply = crash_reply(f"Simulator error: {type(exc).__name__}")
    reply.headers.setdefault("x-amzn-RequestId", str(uuid.uuid4()))
    return Outcome(reply, trace.record(reply.status))


def pick_fault(faults: FaultConfig, trace: Trace, *, is_update: bool, sleep: Callable[[float], object]) -> FaultRule | None:
    """The fault that fires for this request (recorded on the trace); a `slow` one sleeps here."""
    fault = faults.pick(trace.method, trace.path, is_update=is_update)
    if fault is None:
        return None
    trace.fault = fault.kind
    if fault.kind == "slow":
        sleep(fault.delay_seconds)
    return fault


def token_exchange(
    raw: RawRequest,
    trace: Trace,
    authority: LwaAuthority,
    faults: FaultConfig,
    sleep: Callable[[float], object],
    fault_reply: Callable[[FaultRule], Reply],
) -> Reply:
    """POST /auth/o2/token: form-encoded LWA grants; faults apply (after the form is read)."""
    if trace.method != "POST":
        return lwa_error("invalid_request", "Use POST", status=405)
    if raw.headers.get("content-type", "").split(";", 1)[0].strip().lower() != FORM:
        return lwa_error("invalid_request", f"Content-Type must be {FORM}")
    form = dict(parse_qsl(raw.body.decode("utf-8", "replace"), keep_blank_values=True))
    trace.form = redact_form(form)
    fault = pick_fault(faults, trace, is_update=False, sleep=sleep)
    if fault is not None and fault.kind != "slow":
        return fault_reply(fault)
    return authority.grant(form)
