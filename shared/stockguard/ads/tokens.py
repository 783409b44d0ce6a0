"""Login with Amazon access tokens, cached for the life of the container.

The cache is keyed by (token URL, client id) and, because an access token belongs to one grant (one
advertiser's consent), by a digest of the refresh token too: two grants of one app never share a token. A token is
refreshed five minutes before it expires (or halfway through a lifetime shorter than ten minutes) and
after the Ads API answers 401. One refresh at a time per grant: the other threads wait and reuse it.
Neither the refresh token, the client secret nor the access token is ever logged or raised.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from stockguard.ads.credentials import AdsCredentials
from stockguard.ads.errors import AdsApiAuthError, AdsApiRetryableError, AdsApiTokenUnavailableError

REFRESH_MARGIN_SECONDS = 300.0
DEFAULT_EXPIRES_IN = 3600.0


@dataclass
class _Slot:
    lock: threading.Lock = field(default_factory=threading.Lock)
    token: str = field(default="", repr=False)
    refresh_at: float = 0.0  # clock() value after which the token is refreshed before use


_slots: dict[tuple[str, str, str], _Slot] = {}
_slots_lock = threading.Lock()


def clear_token_cache() -> None:
    """Forget every cached access token (tests; a rotated secret is picked up on the next 401 anyway)."""
    with _slots_lock:
        _slots.clear()


def _slot(credentials: AdsCredentials, token_url: str) -> _Slot:
    digest = hashlib.sha256(credentials.refresh_token.get_secret_value().encode()).hexdigest()[:16]
    key = (token_url, credentials.client_id, digest)
    with _slots_lock:
        return _slots.setdefault(key, _Slot())


def refresh_at(now: float, expires_in: float) -> float:
    """When to refresh a token issued at `now`: five minutes early, or halfway for short-lived tokens."""
    margin = min(REFRESH_MARGIN_SECONDS, expires_in / 2)
    return now + expires_in - margin


# post(url, form) -> (status, parsed JSON body or None); raises AdsApiRetryableError when it gave up retrying.
TokenPost = Callable[[str, dict[str, str]], tuple[int, Any]]


class LwaTokenProvider:
    """Access tokens for one set of credentials, shared through the module cache by every client."""

    def __init__(self, credentials: AdsCredentials, post: TokenPost, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._credentials = credentials
        self._post = post
        self._clock = clock

    def __repr__(self) -> str:
        return f"LwaTokenProvider(client_id={self._credentials.client_id!r})"

    def token(self, token_url: str) -> str:
        """A valid cached token, or a fresh one."""
        slot = _slot(self._credentials, token_url)
        with slot.lock:
            if slot.token and self._clock() < slot.refresh_at:
                return slot.token
            return self._refresh(slot, token_url)

    def refresh_after_401(self, token_url: str, rejected: str) -> str:
        """A fresh token unless another thread already replaced the rejected one."""
        slot = _slot(self._credentials, token_url)
        with slot.lock:
            if slot.token and slot.token != rejected and self._clock() < slot.refresh_at:
                return slot.token
            return self._refresh(slot, token_url)

    def _refresh(self, slot: _Slot, token_url: str) -> str:
        form = {
            "grant_type": "refresh_token",
            "refresh_token": self._credentials.refresh_token.get_secret_value(),
            "client_id": self._credentials.client_id,
            "client_secret": self._credentials.client_secret.get_secret_value(),
        }
        where = urlsplit(token_url).netloc or "the token endpoint"
        issued = self._clock()
        try:
            status, body = self._post(token_url, form)
        except AdsApiRetryableError as error:
            raise AdsApiTokenUnavailableError(f"Login with Amazon ({where}) unavailable: {error}", status=error.status) from None
        if status >= 400:
            code = str(body.get("error", "")) if isinstance(body, dict) else ""
            raise AdsApiAuthError(
                f"Login with Amazon ({where}) refused the refresh: HTTP {status} {code}".strip(), status=status, code=code
            )
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str) or not body["access_token"]:
            raise AdsApiAuthError(f"Login with Amazon ({where}) answered without an access token", status=status)
        try:
            expires_in = float(body.get("expires_in") or DEFAULT_EXPIRES_IN)
        except (TypeError, ValueError):
            expires_in = DEFAULT_EXPIRES_IN
        slot.token = body["access_token"]
        slot.refresh_at = refresh_at(issued, expires_in)
        return slot.token
