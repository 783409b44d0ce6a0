"""Checks every resource call passes before its handler runs: token, client id, scope, media types."""

from __future__ import annotations

from stockguard_dev.simulator.auth import LwaAuthority
from stockguard_dev.simulator.call import Backend
from stockguard_dev.simulator.profiles import profile_in_region
from stockguard_dev.simulator.reply import ApiError, gateway_error, message_error
from stockguard_dev.simulator.routes import Route

CLIENT_ID_HEADER = "amazon-advertising-api-clientid"
SCOPE_HEADER = "amazon-advertising-api-scope"


def _media(value: str) -> str:
    return value.split(";", 1)[0].strip().lower()


def check_auth(headers: dict[str, str], authority: LwaAuthority) -> None:
    scheme, _, token = headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(gateway_error(401, "UNAUTHORIZED", "Missing or malformed Authorization header"))
    client_id, why = authority.client_of(token.strip())
    if client_id is None:
        raise ApiError(gateway_error(401, "UNAUTHORIZED", why))
    sent = headers.get(CLIENT_ID_HEADER, "").strip()
    if not sent:
        raise ApiError(gateway_error(400, "INVALID_ARGUMENT", "Amazon-Advertising-API-ClientId header is missing"))
    if sent != client_id:
        raise ApiError(gateway_error(401, "UNAUTHORIZED", "Amazon-Advertising-API-ClientId does not match the access token"))


def check_scope(headers: dict[str, str], backend: Backend, region: str | None) -> str:
    """The profile id named by the scope header; 401 like Amazon when it is missing or unknown."""
    scope = headers.get(SCOPE_HEADER, "").strip()
    if not scope:
        raise ApiError(gateway_error(401, "UNAUTHORIZED", "Scope header is missing"))
    if not profile_in_region(backend, scope, None):
        raise ApiError(gateway_error(401, "UNAUTHORIZED", "No matching advertiser found for scope"))
    if not profile_in_region(backend, scope, region):
        raise ApiError(gateway_error(401, "UNAUTHORIZED", "Not authorized to access scope"))
    return scope


def check_media(route: Route, headers: dict[str, str], has_body: bool) -> None:
    """415 for a body of another Content-Type, or an Accept that excludes the endpoint's type.

    Media types compare case-insensitively; an absent Accept or */* accepts anything. Routes that choose
    the version by Accept alone (SB v4, ads-api.md §3) take any Content-Type: their body only has to parse
    as JSON (a 400 otherwise), while a wrong vendor Accept stays a 415."""
    expected = route.media_type.lower()
    content_type = _media(headers.get("content-type", ""))
    if route.content_type_required and route.has_body and has_body and content_type != expected:
        raise _unsupported(route, f"Content-Type must be {route.media_type}")
    accept = headers.get("accept", "").strip()
    if accept:
        ranges = {_media(part) for part in accept.split(",")}
        allowed = {expected, "*/*"} | ({"application/*"} if expected == "application/json" else set())
        if not ranges & allowed:
            raise _unsupported(route, f"Accept must allow {route.media_type}")


def _unsupported(route: Route, message: str) -> ApiError:
    return ApiError(message_error(415, "UNSUPPORTED_MEDIA_TYPE", message, route.error_content_type))
