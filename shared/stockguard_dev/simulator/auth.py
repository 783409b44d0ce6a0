"""Login with Amazon as the simulator plays it: refresh-token grants, access tokens with a TTL.

Tokens are bound to the client that obtained them, so a call with another client's
Amazon-Advertising-API-ClientId is refused like on the real API.
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from stockguard_dev.simulator.catalog import Credentials
from stockguard_dev.simulator.reply import Reply, lwa_error

DEFAULT_CLIENTS: dict[str, dict[str, str]] = {
    "demo-client-id": {"client_secret": "demo-client-secret", "refresh_token": "Atzr|demo-refresh-token"}
}


@dataclass(frozen=True)
class Grant:
    """What an access token was issued for: the client, and the refresh token (seller authorisation)
    or the scope (grantless, client_credentials) it came from."""

    client_id: str
    refresh_token: str | None = field(default=None, repr=False)
    scope: str | None = None


@dataclass(frozen=True)
class LwaClient:
    client_id: str
    client_secret: str = field(repr=False)
    refresh_tokens: frozenset[str] = field(repr=False)


def build_clients(clients: Mapping[str, Mapping[str, object]] | None, credentials: Credentials | None) -> dict[str, LwaClient]:
    """`clients` if given, else the catalog's `credentials`, else DEFAULT_CLIENTS.

    Each value holds "client_secret" and "refresh_token" (a string) or "refresh_tokens" (a list)."""
    if clients is None and credentials is not None:
        clients = {
            credentials.client_id: {
                "client_secret": credentials.client_secret.get_secret_value(),
                "refresh_token": credentials.refresh_token.get_secret_value(),
            }
        }
    out: dict[str, LwaClient] = {}
    for client_id, spec in (clients if clients is not None else DEFAULT_CLIENTS).items():
        tokens = spec.get("refresh_tokens") or [spec.get("refresh_token")]
        out[client_id] = LwaClient(
            client_id,
            str(spec["client_secret"]),
            frozenset(str(t) for t in tokens if t),  # type: ignore[union-attr]
        )
    return out


def _same(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


class LwaAuthority:
    """`scopes`: the scopes a client_credentials grant may ask for (None = any, as the Ads side plays it);
    another scope is refused with `invalid_scope`."""

    def __init__(
        self,
        clients: dict[str, LwaClient],
        ttl_seconds: int,
        clock: Callable[[], float] = time.monotonic,
        scopes: frozenset[str] | None = None,
    ) -> None:
        self._clients = clients
        self._ttl = ttl_seconds
        self._clock = clock
        self._scopes = scopes
        self._tokens: dict[str, tuple[Grant, float]] = {}  # access token -> (grant, expires at)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"LwaAuthority(clients={sorted(self._clients)}, ttl={self._ttl})"

    def grant(self, form: Mapping[str, str]) -> Reply:
        """Answer POST /auth/o2/token for an already form-decoded body."""
        grant_type = form.get("grant_type", "")
        if grant_type not in ("refresh_token", "client_credentials"):
            if not grant_type:
                return lwa_error("invalid_request", "The request is missing a required parameter : grant_type")
            return lwa_error("unsupported_grant_type", "The authorization grant type is not supported")
        needed = ["client_id", "client_secret"] + (["refresh_token"] if grant_type == "refresh_token" else ["scope"])
        missing = [name for name in needed if not form.get(name)]
        if missing:
            return lwa_error("invalid_request", f"The request is missing a required parameter : {missing[0]}")
        client = self._clients.get(form["client_id"])
        if client is None or not _same(client.client_secret, form["client_secret"]):
            return lwa_error("invalid_client", "Client authentication failed")
        if grant_type == "refresh_token" and not any(_same(token, form["refresh_token"]) for token in client.refresh_tokens):
            return lwa_error("invalid_grant", "The request has an invalid grant parameter : refresh_token")
        if grant_type == "client_credentials" and self._scopes is not None and form["scope"] not in self._scopes:
            return lwa_error("invalid_scope", "The request has an invalid parameter : scope")
        access_token = "Atza|" + secrets.token_urlsafe(32)
        if grant_type == "refresh_token":
            grant = Grant(client.client_id, refresh_token=form["refresh_token"])
        else:
            grant = Grant(client.client_id, scope=form["scope"])
        with self._lock:
            self._tokens[access_token] = (grant, self._clock() + self._ttl)
        body: dict[str, object] = {"access_token": access_token, "token_type": "bearer", "expires_in": self._ttl}
        if grant_type == "refresh_token":
            body["refresh_token"] = form["refresh_token"]
        else:
            body["scope"] = form["scope"]
        return Reply(200, body, headers={"Cache-Control": "no-store", "Pragma": "no-cache"})

    def client_of(self, access_token: str) -> tuple[str | None, str]:
        """(client id, "") for a live token, else (None, why)."""
        grant, why = self.grant_of(access_token)
        return (grant.client_id if grant is not None else None), why

    def grant_of(self, access_token: str) -> tuple[Grant | None, str]:
        """(grant, "") for a live token, else (None, why): "Invalid access token" / "Access token has expired"."""
        with self._lock:
            entry = self._tokens.get(access_token)
        if entry is None:
            return None, "Invalid access token"
        grant, expires_at = entry
        if self._clock() >= expires_at:
            return None, "Access token has expired"
        return grant, ""

    def expire_all(self) -> None:
        with self._lock:
            self._tokens = {token: (grant, float("-inf")) for token, (grant, _) in self._tokens.items()}
