"""Login with Amazon access tokens of the Ads API: the shared token client (stockguard.amazon.lwa) on the
refresh_token grant of one advertiser's consent, cached for the life of the container.

A token is refreshed five minutes before it expires (or halfway through a lifetime shorter than ten
minutes) and after the Ads API answers 401; every client of one set of credentials shares the cache.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from stockguard.ads.credentials import AdsCredentials
from stockguard.ads.errors import LWA_ERRORS
from stockguard.amazon.lwa import SHARED_CACHE, LwaTokenClient, RefreshTokenGrant, TokenPost, refresh_at

__all__ = ["LwaTokenProvider", "TokenPost", "clear_token_cache", "refresh_at"]


def clear_token_cache() -> None:
    """Forget every cached access token (tests; a rotated secret is picked up on the next 401 anyway)."""
    SHARED_CACHE.clear()


class LwaTokenProvider:
    """Access tokens for one set of Ads credentials, shared through the container-wide cache by every client."""

    def __init__(self, credentials: AdsCredentials, post: TokenPost, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._credentials = credentials
        self._grant = RefreshTokenGrant(credentials.refresh_token)
        self._client = LwaTokenClient(
            credentials.client_id,
            credentials.client_secret,
            post,
            errors=LWA_ERRORS,
            clock=clock,
            secrets=(credentials.refresh_token.get_secret_value(),),
        )

    def __repr__(self) -> str:
        return f"LwaTokenProvider(client_id={self._credentials.client_id!r})"

    def token(self, token_url: str) -> str:
        """A valid cached token, or a fresh one."""
        return self._client.token(token_url, self._grant)

    def refresh_after_401(self, token_url: str, rejected: str) -> str:
        """A fresh token unless another thread already replaced the rejected one."""
        return self._client.refresh_after_401(token_url, self._grant, rejected)
