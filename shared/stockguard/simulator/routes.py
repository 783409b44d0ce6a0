"""The simulator's route table: which handler answers which method and path, with which media type."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from stockguard.simulator import envelope, envelope_handlers, sd
from stockguard.simulator.call import Backend, Call
from stockguard.simulator.profiles import list_profiles
from stockguard.simulator.reply import JSON, Reply

TOKEN_PATH = "/auth/o2/token"


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    handler: Callable[[Call, Backend], Reply]
    media_type: str = JSON  # required Content-Type of a body, and what Accept must allow
    needs_scope: bool = True
    has_body: bool = False
    is_update: bool = False  # a state-update PUT answered with 207 (item faults apply)
    error_content_type: str = JSON


def _envelope(res: envelope.EnvelopeResource, list_path: str, put_path: str) -> list[Route]:
    common = {"media_type": res.media_type, "has_body": True, "error_content_type": res.error_content_type}
    return [
        Route("POST", list_path, envelope_handlers.list_handler(res), **common),
        Route("PUT", put_path, envelope_handlers.update_handler(res), is_update=True, **common),
    ]


def _sd(res: sd.SdResource, path: str) -> list[Route]:
    return [Route("GET", path, sd.list_handler(res)), Route("PUT", path, sd.update_handler(res), has_body=True, is_update=True)]


ROUTES: dict[tuple[str, str], Route] = {
    (r.method, r.path): r
    for r in [
        Route("GET", "/v2/profiles", list_profiles, needs_scope=False),
        *_envelope(envelope.SP_PRODUCT_ADS, "/sp/productAds/list", "/sp/productAds"),
        *_envelope(envelope.SP_CAMPAIGNS, "/sp/campaigns/list", "/sp/campaigns"),
        *_envelope(envelope.SB_ADS, "/sb/v4/ads/list", "/sb/v4/ads"),
        *_envelope(envelope.SB_CAMPAIGNS, "/sb/v4/campaigns/list", "/sb/v4/campaigns"),
        *_sd(sd.SD_PRODUCT_ADS, "/sd/productAds"),
        *_sd(sd.SD_CAMPAIGNS, "/sd/campaigns"),
    ]
}

KNOWN_PATHS = frozenset(path for _, path in ROUTES) | {TOKEN_PATH}
