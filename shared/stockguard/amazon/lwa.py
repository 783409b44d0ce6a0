"""One Login with Amazon token client for the Ads API and the SP-API.

Both APIs use the same OAuth token endpoint and protocol; they differ only in the host (per region, or an
override passed by value), the grant (the refresh_token grant of one advertiser's or seller's consent; the
SP-API's grantless client_credentials grant with a scope) and the exception classes they raise. So the
protocol lives here once:

- caching: a TokenCache keyed by (token URL, client id, grant). The grant key of a refresh token is a
  digest of it, because an access token belongs to one consent: two grants of one app never share a token.
  The Ads API shares one cache per container (warm invocations reuse the token); a caller may keep its own.
- refresh before expiry: `refresh_margin` seconds early, or halfway through a lifetime shorter than twice
  the margin; and after an API answered 401 (`refresh_after_401`). One refresh at a time per grant: the
  other threads wait and reuse it.
- error mapping: refused (400/401/403) -> the API's auth error; LWA unavailable (the transport gave up,
  or answered 429/5xx after its retries) -> the API's retryable error; anything else -> its failure class.
  Messages are scrubbed of the credentials; neither the refresh token, the client secret nor the access
  token is ever logged or raised.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from pydantic import SecretStr

from stockguard.amazon.errors import AmazonApiError, AmazonApiRetryableError, scrub
from stockguard.amazon.retry import RETRYABLE_STATUS

# The regional Login with Amazon token endpoints (ads-api.md §3); the SP-API uses the NA one everywhere.
LWA_TOKEN_URLS = {
    "NA": "https://api.amazon.com/auth/o2/token",
    "EU": "https://api.amazon.co.uk/auth/o2/token",
    "FE": "https://api.amazon.co.jp/auth/o2/token",
}
LWA_TOKEN_URL = LWA_TOKEN_URLS["NA"]

REFRESH_MARGIN_SECONDS = 300.0
DEFAULT_EXPIRES_IN = 3600.0
REFUSED_STATUS = frozenset({400, 401, 403})

# post(url, form) -> (status, parsed JSON body or None); raises an AmazonApiRetryableError when it gave up retrying.
TokenPost = Callable[[str, dict[str, str]], tuple[int, Any]]


def refresh_at(now: float, expires_in: float, margin: float = REFRESH_MARGIN_SECONDS) -> float:
    """When to refresh a token issued at `now`: `margin` seconds early, or halfway for short-lived tokens."""
    return now + expires_in - min(margin, expires_in / 2)


@dataclass(frozen=True)
class RefreshTokenGrant:
    """The refresh_token grant: an access token on behalf of the advertiser or seller who consented."""

    refresh_token: SecretStr
    label: str = "refresh"  # names the grant in error messages ("seller" for the SP-API)

    def form(self) -> dict[str, str]:
        return {"grant_type": "refresh_token", "refresh_token": self.refresh_token.get_secret_value()}

    def cache_key(self) -> str:
        return "refresh:" + hashlib.sha256(self.refresh_token.get_secret_value().encode()).hexdigest()[:16]


@dataclass(frozen=True)
class ClientCredentialsGrant:
    """The grantless client_credentials grant with a scope (SP-API notification destinations)."""

    scope: str
    label: str = "grantless"

    def form(self) -> dict[str, str]:
        return {"grant_type": "client_credentials", "scope": self.scope}

    def cache_key(self) -> str:
        return f"client_credentials:{self.scope}"


Grant = RefreshTokenGrant | ClientCredentialsGrant


@dataclass(frozen=True)
class LwaErrorTypes:
    """The exception classes one API raises for each way a token request fails."""

    refused: type[AmazonApiError]  # LWA refused the credentials (400/401/403)
    unavailable: type[AmazonApiError]  # LWA unreachable, throttled or 5xx after the transport's retries
    failed: type[AmazonApiError]  # any other answer, or one without an access token


@dataclass
class _Slot:
    lock: threading.Lock = field(default_factory=threading.Lock)
    token: str = field(default="", repr=False)
    refresh_at: float = 0.0  # clock() value after which the token is refreshed before use


class TokenCache:
    """Access tokens by (token URL, client id, grant key), each with its own lock."""

    def __init__(self) -> None:
        self._slots: dict[tuple[str, str, str], _Slot] = {}
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._slots.clear()

    def slot(self, token_url: str, client_id: str, grant: Grant) -> _Slot:
        with self._lock:
            return self._slots.setdefault((token_url, client_id, grant.cache_key()), _Slot())


SHARED_CACHE = TokenCache()  # the container-wide cache: every client of one set of credentials reuses its tokens


class LwaTokenClient:
    """Access tokens of one LWA app (client id and secret) for any grant and token URL."""

    def __init__(
        self,
        client_id: str,
        client_secret: SecretStr,
        post: TokenPost,
        *,
        errors: LwaErrorTypes,
        cache: TokenCache = SHARED_CACHE,
        clock: Callable[[], float] = time.monotonic,
        refresh_margin: float = REFRESH_MARGIN_SECONDS,
        secrets: tuple[str, ...] = (),
    ) -> None:
        """`secrets`: further values to scrub from error messages (the client secret always is)."""
        self._client_id = client_id
        self._client_secret = client_secret
        self._post = post
        self._errors = errors
        self._cache = cache
        self._clock = clock
        self._margin = refresh_margin
        self._secrets = (client_secret.get_secret_value(), *secrets)

    def __repr__(self) -> str:
        return f"LwaTokenClient(client_id={self._client_id!r})"

    def token(self, token_url: str, grant: Grant) -> str:
        """A valid cached token, or a fresh one."""
        slot = self._cache.slot(token_url, self._client_id, grant)
        with slot.lock:
            if slot.token and self._clock() < slot.refresh_at:
                return slot.token
            return self._refresh(slot, token_url, grant)

    def refresh_after_401(self, token_url: str, grant: Grant, rejected: str) -> str:
        """A fresh token unless another thread already replaced the rejected one."""
        slot = self._cache.slot(token_url, self._client_id, grant)
        with slot.lock:
            if slot.token and slot.token != rejected and self._clock() < slot.refresh_at:
                return slot.token
            return self._refresh(slot, token_url, grant)

    def _refresh(self, slot: _Slot, token_url: str, grant: Grant) -> str:
        form = {**grant.form(), "client_id": self._client_id, "client_secret": self._client_secret.get_secret_value()}
        where = urlsplit(token_url).netloc or "the token endpoint"
        issued = self._clock()
        try:
            status, answer = self._post(token_url, form)
        except AmazonApiRetryableError as error:
            raise self._error("unavailable", f"Login with Amazon ({where}) unavailable: {error}", error.status) from None
        body: dict[str, Any] = answer if isinstance(answer, dict) else {}
        if status >= 300:
            raise self._answer_error(status, body, grant, where)
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            raise self._error(
                "failed", f"Login with Amazon ({where}) answered the {grant.label} token request without an access token", status
            )
        slot.token = token
        slot.refresh_at = refresh_at(issued, _expires_in(body), self._margin)
        return token

    def _answer_error(self, status: int, body: dict[str, Any], grant: Grant, where: str) -> AmazonApiError:
        code = str(body.get("error") or "")
        description = str(body.get("error_description") or "")
        if status in REFUSED_STATUS:
            message = f"Login with Amazon refused the {grant.label} token request: {code or f'HTTP {status}'}"
            message += (f" ({description})" if description else "") + f" [{where}, HTTP {status}]"
            return self._error("refused", message, status, code)
        kind = "unavailable" if status in RETRYABLE_STATUS else "failed"
        return self._error(
            kind, f"Login with Amazon ({where}) {grant.label} token request failed: HTTP {status} {code}".strip(), status, code
        )

    def _error(self, kind: str, message: str, status: int | None, code: str = "") -> AmazonApiError:
        error_type: type[AmazonApiError] = getattr(self._errors, kind)
        return error_type(scrub(message, self._secrets), status=status, code=code)


def _expires_in(body: dict[str, Any]) -> float:
    """expires_in seconds; an hour when absent or unreadable (LWA's documented lifetime)."""
    try:
        return float(body.get("expires_in") or DEFAULT_EXPIRES_IN)
    except (TypeError, ValueError):
        return DEFAULT_EXPIRES_IN
