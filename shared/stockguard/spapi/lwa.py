"""Login with Amazon access tokens for SP-API: grantless (client_credentials + scope) and the seller's,
through the shared token client (stockguard.amazon.lwa).

Destination calls of the Notifications API need a grantless token with scope
sellingpartnerapi::notifications; subscription calls need the seller's token (refresh_token grant).
Each LwaTokens keeps its own cache (one `stockguard subscribe` run, or one pull client), refreshing a
minute before a token expires and, for the pull client, after the SP-API answered 401; tokens leave it
only as SecretStr.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
from pydantic import SecretStr

from stockguard.amazon.lwa import ClientCredentialsGrant, LwaTokenClient, RefreshTokenGrant, TokenCache
from stockguard.spapi.credentials import SpApiCredentials
from stockguard.spapi.errors import LWA_ERRORS
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
        self._transport = transport
        self._token_url = token_url
        self._seller = RefreshTokenGrant(credentials.refresh_token, label="seller")
        self._client = LwaTokenClient(
            credentials.client_id.get_secret_value(),
            credentials.client_secret,
            self._post,
            errors=LWA_ERRORS,
            cache=TokenCache(),
            clock=clock,
            refresh_margin=_EXPIRY_MARGIN,
            secrets=tuple(credentials.secret_values()),
        )

    def grantless(self, scope: str = NOTIFICATIONS_SCOPE) -> SecretStr:
        return SecretStr(self._client.token(self._token_url, ClientCredentialsGrant(scope)))

    def seller(self) -> SecretStr:
        return SecretStr(self._client.token(self._token_url, self._seller))

    def seller_after_401(self, rejected: SecretStr) -> SecretStr:
        """A fresh seller token unless another thread already replaced the rejected one."""
        return SecretStr(self._client.refresh_after_401(self._token_url, self._seller, rejected.get_secret_value()))

    @property
    def seller_key(self) -> str:
        """A stable, non-secret name of the seller's consent (a digest of the refresh token)."""
        return self._seller.cache_key()

    def _post(self, url: str, form: dict[str, str]) -> tuple[int, Any]:
        kind = "grantless" if form["grant_type"] == "client_credentials" else "seller"
        response = self._transport.send("POST", url, operation=f"LWA {kind} token", data=form)
        return response.status_code, _json(response)


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None
