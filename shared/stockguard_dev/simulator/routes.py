"""The simulator's route table: which handler answers which method and path, with which media type."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from stockguard_dev.simulator import envelope, envelope_handlers, sd
from stockguard_dev.simulator.call import Backend, Call
from stockguard_dev.simulator.exchange import TOKEN_PATH
from stockguard_dev.simulator.profiles import list_profiles
from stockguard_dev.simulator.reply import JSON, Reply

__all__ = ["ROUTES", "TOKEN_PATH", "Route", "find_route", "is_known_path"]


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # exact, or a template whose "{name}" segments match digits (SD int64 ids): /sd/productAds/{adId}
    handler: Callable[[Call, Backend], Reply]
    media_type: str = JSON  # required Content-Type of a body (see content_type_required), and what Accept must allow
    needs_scope: bool = True
    has_body: bool = False
    is_update: bool = False  # a state-update PUT answered with 207 (item faults apply)
    error_content_type: str = JSON
    # False: the version is chosen by Accept only and any Content-Type whose body parses as JSON is served
    # (SB v4, ads-api.md §3); True: a body of another Content-Type is a 415 (SP v3, SD).
    content_type_required: bool = True


def _envelope(res: envelope.EnvelopeResource, list_path: str, put_path: str) -> list[Route]:
    common = {
        "media_type": res.media_type,
        "has_body": True,
        "error_content_type": res.error_content_type,
        "content_type_required": res.content_type_required,
    }
    return [
        Route("POST", list_path, envelope_handlers.list_handler(res), **common),
        Route("PUT", put_path, envelope_handlers.update_handler(res), is_update=True, **common),
    ]


def _sd(res: sd.SdResource, path: str, single: bool = False) -> list[Route]:
    routes = [Route("GET", path, sd.list_handler(res)), Route("PUT", path, sd.update_handler(res), has_body=True, is_update=True)]
    if single:  # GET <path>/{id}: one entity in the list's shape (ads-api.md §3, getProductAd)
        routes.append(Route("GET", f"{path}/{{{res.id_field}}}", sd.get_handler(res)))
    return routes


ROUTES: dict[tuple[str, str], Route] = {
    (r.method, r.path): r
    for r in [
        Route("GET", "/v2/profiles", list_profiles, needs_scope=False),
        *_envelope(envelope.SP_PRODUCT_ADS, "/sp/productAds/list", "/sp/productAds"),
        *_envelope(envelope.SP_CAMPAIGNS, "/sp/campaigns/list", "/sp/campaigns"),
        *_envelope(envelope.SB_ADS, "/sb/v4/ads/list", "/sb/v4/ads"),
        *_envelope(envelope.SB_CAMPAIGNS, "/sb/v4/campaigns/list", "/sb/v4/campaigns"),
        *_sd(sd.SD_PRODUCT_ADS, "/sd/productAds", single=True),
        *_sd(sd.SD_CAMPAIGNS, "/sd/campaigns"),
    ]
}


def _template(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[0-9]+)", re.escape(path)) + "$")


_EXACT = {key: route for key, route in ROUTES.items() if "{" not in route.path}
_TEMPLATED = [(route, _template(route.path)) for route in ROUTES.values() if "{" in route.path]
_EXACT_PATHS = frozenset(path for _, path in _EXACT) | {TOKEN_PATH}


def find_route(method: str, path: str) -> tuple[Route | None, dict[str, str]]:
    """The route serving `method path` and the values of its template segments ({} for exact paths)."""
    route = _EXACT.get((method, path))
    if route is not None:
        return route, {}
    for candidate, pattern in _TEMPLATED:
        match = pattern.match(path) if candidate.method == method else None
        if match:
            return candidate, match.groupdict()
    return None, {}


def is_known_path(path: str) -> bool:
    """Some route serves this path with another method (405 rather than 404)."""
    return path in _EXACT_PATHS or any(pattern.match(path) for _, pattern in _TEMPLATED)
