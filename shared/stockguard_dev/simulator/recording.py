"""Every request the simulator answered, with credentials redacted, for assertions in tests."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

REDACTED = "<redacted>"
_SECRET_FORM_FIELDS = frozenset({"client_secret", "refresh_token", "code"})


@dataclass(frozen=True)
class RecordedRequest:
    """One request. `path` is the API path (without a /na|/eu|/fe region prefix, see `region`);
    `query` maps each parameter to its last value; `headers` are lower-cased with the Authorization
    value replaced by "Bearer <redacted>" (and x-amz-access-token by "<redacted>"); `json` is the parsed JSON body (None if absent or not JSON);
    `form` is the token endpoint's form with secrets redacted; `fault` names the injected fault kind;
    `seller_id` is the SP-API seller the access token was granted for (None on the Ads API)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any
    status: int
    profile_id: str | None
    form: dict[str, str] | None = None
    fault: str | None = None
    region: str | None = None
    seller_id: str | None = None


def redact_headers(headers: dict[str, str]) -> dict[str, str]:
    """Authorization (Ads API) becomes "Bearer <redacted>", x-amz-access-token (SP-API) "<redacted>"."""
    out = dict(headers)
    if "authorization" in out:
        out["authorization"] = f"Bearer {REDACTED}"
    if "x-amz-access-token" in out:
        out["x-amz-access-token"] = REDACTED
    return out


def redact_form(form: dict[str, str]) -> dict[str, str]:
    return {k: (REDACTED if k in _SECRET_FORM_FIELDS else v) for k, v in form.items()}


@dataclass
class RequestLog:
    _items: list[RecordedRequest] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def append(self, item: RecordedRequest) -> None:
        with self._lock:
            self._items.append(item)

    def items(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._items)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
