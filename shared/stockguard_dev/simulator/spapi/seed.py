"""The SP-API simulator's seed: per seller and marketplace, inventory in getInventorySummaries' own item
shape, optional getListingsItem overrides and getCompetitiveSummary bodies. The JSON format is a public
contract (../README.md, "SP-API seed format"):

    {"<sellerId>": {"<marketplaceId>": [<inventorySummaries item>, ...],
                    "listings": {"<marketplaceId>": [<getListingsItem response>, ...]},
                    "competitiveSummaries": {"<marketplaceId>": [<competitiveSummary response body>, ...]}},
     "credentials": <one-seller or multi-seller credentials>}

Items stay plain dicts so the simulator serves what the seed holds; validation checks only what
lookups rely on (sellerSku, asin, sku, unique keys).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEMO_SEED_PATH = Path(__file__).with_name("demo_seed.json")

LISTINGS_KEY = "listings"
COMPETITIVE_KEY = "competitiveSummaries"
CREDENTIALS_KEY = "credentials"
RESERVED_SELLER_KEYS = frozenset({LISTINGS_KEY, COMPETITIVE_KEY})
_ID = re.compile(r"^[A-Z0-9]{2,32}$")


class SeedError(ValueError):
    """The seed does not follow the format; the message names the place."""


@dataclass
class SellerSeed:
    inventory: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # marketplace -> items
    listings: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # marketplace -> getListingsItem bodies
    competitive_summaries: dict[str, list[dict[str, Any]]] = field(default_factory=dict)  # marketplace -> bodies

    def marketplace_ids(self) -> list[str]:
        return list(dict.fromkeys([*self.inventory, *self.listings, *self.competitive_summaries]))


@dataclass
class SpApiSeed:
    sellers: dict[str, SellerSeed]
    credentials: dict[str, Any] | None = None

    @classmethod
    def from_json(cls, data: Any) -> SpApiSeed:
        if not isinstance(data, Mapping):
            raise SeedError("the seed must be a JSON object keyed by seller id")
        sellers: dict[str, SellerSeed] = {}
        credentials = None
        for seller_id, value in data.items():
            if seller_id == CREDENTIALS_KEY:
                if not isinstance(value, Mapping):
                    raise SeedError("credentials must be an object")
                credentials = dict(value)
                continue
            if not _ID.match(str(seller_id)):
                raise SeedError(f"{seller_id!r} is not a seller id (upper-case letters and digits)")
            sellers[seller_id] = _seller(seller_id, value)
        return cls(sellers, credentials)

    def marketplace_ids(self, seller_id: str) -> list[str]:
        return self.sellers[seller_id].marketplace_ids()

    def asins(self, seller_id: str | None = None) -> set[str]:
        """Every ASIN in the inventory of one seller (or all), in any marketplace."""
        chosen = [self.sellers[seller_id]] if seller_id is not None else list(self.sellers.values())
        return {str(item["asin"]) for seller in chosen for items in seller.inventory.values() for item in items}


def _seller(seller_id: str, value: Any) -> SellerSeed:
    if not isinstance(value, Mapping):
        raise SeedError(f"{seller_id} must map marketplace ids to inventory lists")
    out = SellerSeed()
    for key, entry in value.items():
        where = f"{seller_id}.{key}"
        if key == LISTINGS_KEY:
            out.listings = _per_marketplace(where, entry, "sku")
        elif key == COMPETITIVE_KEY:
            out.competitive_summaries = _per_marketplace(where, entry, "asin")
            for marketplace_id, bodies in out.competitive_summaries.items():
                for body in bodies:
                    if body.setdefault("marketplaceId", marketplace_id) != marketplace_id:
                        raise SeedError(f"{where}.{marketplace_id}: {body['asin']} has marketplaceId {body['marketplaceId']}")
        elif _ID.match(str(key)):
            out.inventory[key] = _items(where, entry, "sellerSku", required=("sellerSku", "asin"))
        else:
            raise SeedError(f"{where}: expected a marketplace id, {LISTINGS_KEY!r} or {COMPETITIVE_KEY!r}")
    return out


def _per_marketplace(where: str, value: Any, key: str) -> dict[str, list[dict[str, Any]]]:
    if not isinstance(value, Mapping):
        raise SeedError(f"{where} must map marketplace ids to lists")
    out = {}
    for marketplace_id, items in value.items():
        if not _ID.match(str(marketplace_id)):
            raise SeedError(f"{where}: {marketplace_id!r} is not a marketplace id")
        out[marketplace_id] = _items(f"{where}.{marketplace_id}", items, key, required=(key,))
    return out


def _items(where: str, value: Any, key: str, required: tuple[str, ...]) -> list[dict[str, Any]]:
    if not isinstance(value, list):
        raise SeedError(f"{where} must be a list")
    seen: set[str] = set()
    out = []
    for position, item in enumerate(value):
        if not isinstance(item, Mapping):
            raise SeedError(f"{where}[{position}] must be an object")
        missing = [name for name in required if not isinstance(item.get(name), str) or not item.get(name)]
        if missing:
            raise SeedError(f"{where}[{position}] lacks {', '.join(missing)} (non-empty strings)")
        if item[key] in seen:
            raise SeedError(f"{where}[{position}] repeats {key} {item[key]}")
        seen.add(item[key])
        out.append(json.loads(json.dumps(item)))  # a deep, JSON-clean copy
    return out


def load_seed(path: str | Path) -> SpApiSeed:
    """Read and validate a seed JSON file (format: ../README.md)."""
    return SpApiSeed.from_json(json.loads(Path(path).read_text(encoding="utf-8")))
