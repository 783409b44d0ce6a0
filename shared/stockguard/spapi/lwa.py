"""Login with Amazon access tokens for SP-API: grantless (client_credentials + scope) and the seller's.

Destination calls of the Notifications API need a grantless token with scope
sellingpartnerapi::notifications; subscription calls need the seller's token (refresh_token grant).
Tokens are cached until a minute before they expire and are only ever held as SecretStr.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from pydantic import SecretStr

from stockguard.spapi.credentials import SpApiCredentials
from stockguard.spapi.errors import SpApiAuthError, SpApiError, scrub
from stockguard.spapi.regions import LWA_TOKEN_URL
from stockguard.spapi.transport import Transport

NOTIFICATIONS_SCOPE = "sellingpartnerapi::notifications"
_EXPIRY_MARGIN = 60.0


class LwaTokens:
    def __init__(
        self,
        credentials: SpApiCredentials,
        transport: Transport,
        *,
        token_url: str = LWA_TOKEN_URL,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._credentials = credentials
        self._transport = transport
        self._token_url = token_url
        self._clock = clock
        self._cache: dict[str, tuple[SecretStr, float]] = {}

    def grantless(self, scope: str = NOTIFICATIONS_SCOPE) -> SecretStr:
        return self._token(f"grantless:{scope}", {"grant_type": "client_credentials", "scope": scope})

    def seller(self) -> SecretStr:
        refresh = self._credentials.refresh_token.get_secret_value()
        return self._token("seller", {"grant_type": "refresh_token", "refresh_token": refresh})

    def _token(self, key: str, form: dict[str, str]) -> SecretStr:
        cached = self._cache.get(key)
        if cached and cached[1] > self._clock():
            return cached[0]
        kind = "grantless" if form["grant_type"] == "client_credentials" else "seller"
        form = {
            **form,
            "client_id": self._credentials.client_id.get_secret_value(),
            "client_secret": self._credentials.client_secret.get_secret_value(),
        }
        response = self._transport.send("POST", self._token_url, operation=f"LWA {kind} token", data=form)
        body = _json_object(response)
        if response.status_code in (400, 401, 403):
            error = str(body.get("error", "")) or f"HTTP {response.status_code}"
            description = str(body.get("error_description", ""))
            message = f"Login with Amazon refused the {kind} token request: {error}" + (f" ({description})" if description else "")
            raise SpApiAuthError(scrub(message, self._credentials.secret_values()), status=response.status_code, code=error)
        if response.status_code != 200:
            raise SpApiError(f"Login with Amazon {kind} token request failed: HTTP {response.status_code}", status=response.status_code)
        token = body.get("access_token")
        if not isinstance(token, str) or not token:
            raise SpApiError(f"Login with Amazon returned no access_token for the {kind} token request")
        expires_in = body.get("expires_in", 3600)
        lifetime = float(expires_in) if isinstance(expires_in, (int, float)) else 3600.0
        secret = SecretStr(token)
        self._cache[key] = (secret, self._clock() + max(0.0, lifetime - _EXPIRY_MARGIN))
        return secret


def _json_object(response) -> dict:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
