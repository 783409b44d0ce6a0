"""Which LWA app and which seller authorisations the SP-API simulator accepts.

Two JSON shapes, as StockGuard reads them (stockguard.spapi.credentials):
- one seller:   {"client_id", "client_secret", "refresh_token"} (+ optional "seller_id", "region",
  "marketplace_ids") — the refresh token authorises `seller_id`, by default the seed's only seller (a
  seed with several sellers needs seller_id or the multi-seller shape), in its seed marketplaces;
- multi-seller: {"client_id", "client_secret", "sellers": [{"seller_id", "region", "refresh_token",
  "marketplace_ids"}]} — one entry per seller (seller ids unique, as the runtime requires).
`marketplace_ids` left out = the seller's marketplaces in the seed. A token is accepted under the
regional prefix of `region` and of every region its marketplaces are in. Without credentials the
simulator makes the multi-seller form of its seed (`default_credentials`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from stockguard.spapi.regions import resolve_region
from stockguard_dev.simulator.spapi.marketplaces import MARKETPLACES, region_of
from stockguard_dev.simulator.spapi.seed import SpApiSeed

DEMO_CLIENT_ID = "demo-spapi-client-id"
DEMO_CLIENT_SECRET = "demo-spapi-client-secret"
# Scopes a grantless (client_credentials) token may be asked for.
GRANTLESS_SCOPES = frozenset({"sellingpartnerapi::notifications", "sellingpartnerapi::client_credential:rotation"})


class CredentialsError(ValueError):
    """Credentials that do not fit either shape or the seed; the message never holds a secret."""


@dataclass(frozen=True)
class SellerAuthorization:
    """One seller's authorisation of the app in one region."""

    seller_id: str
    region: str  # na | eu | fe
    refresh_token: str = field(repr=False)
    marketplace_ids: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "seller_id": self.seller_id,
            "region": self.region,
            "refresh_token": self.refresh_token,
            "marketplace_ids": list(self.marketplace_ids),
        }


@dataclass(frozen=True)
class AppCredentials:
    client_id: str
    client_secret: str = field(repr=False)
    sellers: tuple[SellerAuthorization, ...]

    def to_json(self) -> dict[str, Any]:
        """The multi-seller shape."""
        return {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "sellers": [s.to_json() for s in self.sellers],
        }


@dataclass(frozen=True)
class Principal:
    """What a refresh token (and so every access token from it) may act as."""

    seller_id: str
    regions: frozenset[str]
    marketplace_ids: frozenset[str]


def _first_region(marketplace_ids: list[str] | tuple[str, ...]) -> str:
    for marketplace_id in marketplace_ids:
        if marketplace_id in MARKETPLACES:
            return region_of(marketplace_id)
    return "na"


def default_credentials(seed: SpApiSeed) -> AppCredentials:
    """demo-spapi-client-id / demo-spapi-client-secret and, per seller, the refresh token
    "Atzr|demo-spapi-<sellerId>" for all its seed marketplaces; region = its first marketplace's."""
    sellers = []
    for seller_id in seed.sellers:
        marketplaces = tuple(seed.marketplace_ids(seller_id))
        sellers.append(SellerAuthorization(seller_id, _first_region(marketplaces), f"Atzr|demo-spapi-{seller_id}", marketplaces))
    return AppCredentials(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, tuple(sellers))


def _text(data: Mapping[str, Any], name: str, where: str) -> str:
    value = data.get(name)
    if not isinstance(value, str) or not value:
        raise CredentialsError(f"{where}: {name} must be a non-empty string")
    return value


def parse_credentials(data: Mapping[str, Any], seed: SpApiSeed) -> AppCredentials:
    """Either shape (module docstring) checked against the seed."""
    if not isinstance(data, Mapping):
        raise CredentialsError("credentials must be a JSON object")
    client_id = _text(data, "client_id", "credentials")
    client_secret = _text(data, "client_secret", "credentials")
    if "sellers" not in data:
        if "seller_id" not in data and len(seed.sellers) != 1:
            raise CredentialsError(
                f"one-seller credentials without seller_id need a seed with exactly one seller (it has {len(seed.sellers)}); "
                "give seller_id or use the multi-seller shape"
            )
        default_seller = next(iter(seed.sellers), "")
        entry = _entry({"seller_id": default_seller, **data}, "credentials", seed)
        return AppCredentials(client_id, client_secret, (entry,))
    entries = data["sellers"]
    if not isinstance(entries, list) or not entries:
        raise CredentialsError("credentials: sellers must be a non-empty list")
    sellers = tuple(_entry(entry, f"credentials.sellers[{position}]", seed) for position, entry in enumerate(entries))
    if len({s.seller_id for s in sellers}) != len(sellers):
        raise CredentialsError("credentials: duplicate seller_id in sellers")
    return AppCredentials(client_id, client_secret, sellers)


def _entry(entry: Any, where: str, seed: SpApiSeed) -> SellerAuthorization:
    if not isinstance(entry, Mapping):
        raise CredentialsError(f"{where} must be an object")
    seller_id = _text(entry, "seller_id", where)
    marketplaces = entry.get("marketplace_ids")
    if marketplaces is None:
        marketplaces = seed.marketplace_ids(seller_id) if seller_id in seed.sellers else []
    if not isinstance(marketplaces, (list, tuple)) or not all(isinstance(m, str) and m for m in marketplaces):
        raise CredentialsError(f"{where}: marketplace_ids must be a list of marketplace ids")
    region_given = entry.get("region")
    try:
        region = resolve_region(region_given).code if isinstance(region_given, str) and region_given else _first_region(marketplaces)
    except ValueError as exc:
        raise CredentialsError(f"{where}: {exc}") from None
    return SellerAuthorization(seller_id, region, _text(entry, "refresh_token", where), tuple(marketplaces))


def principals(credentials: AppCredentials) -> dict[str, Principal]:
    """refresh token -> the seller it authorises (a token shared by entries of one seller merges them)."""
    out: dict[str, Principal] = {}
    for entry in credentials.sellers:
        known = out.get(entry.refresh_token)
        if known is not None and known.seller_id != entry.seller_id:
            raise CredentialsError("one refresh token is given for two sellers")
        regions = (known.regions if known else frozenset()) | {entry.region}
        regions |= {region_of(m) for m in entry.marketplace_ids if m in MARKETPLACES}
        marketplaces = (known.marketplace_ids if known else frozenset()) | set(entry.marketplace_ids)
        out[entry.refresh_token] = Principal(entry.seller_id, regions, frozenset(marketplaces))
    return out
