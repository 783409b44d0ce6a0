"""The simulator's catalog: profiles and entities in the Ads API's own response shapes.

The JSON format is a public contract (README.md in this folder). Entities stay plain dicts so the
simulator serves exactly what the catalog holds; validation only checks what routing and state
changes rely on (ids, states, casing).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

DEMO_CATALOG_PATH = Path(__file__).with_name("demo_catalog.json")

# (ad product, entity type) -> catalog key of the entity list.
COLLECTIONS: dict[tuple[str, str], str] = {
    ("SP", "ad"): "sp_product_ads",
    ("SP", "campaign"): "sp_campaigns",
    ("SB", "ad"): "sb_ads",
    ("SB", "campaign"): "sb_campaigns",
    ("SD", "ad"): "sd_product_ads",
    ("SD", "campaign"): "sd_campaigns",
}

SP_STATES = frozenset({"ENABLED", "PAUSED", "ARCHIVED", "ENABLING", "OTHER", "PROPOSED", "USER_DELETED"})
SB_STATES = frozenset({"ENABLED", "PAUSED", "ARCHIVED"})
SD_STATES = frozenset({"enabled", "paused", "archived"})

# catalog key -> (id field or None when the id is optional, required fields, allowed states)
_RULES: dict[str, tuple[str, tuple[str, ...], frozenset[str]]] = {
    "sp_product_ads": ("adId", ("adId", "adGroupId", "campaignId", "state"), SP_STATES),
    "sp_campaigns": ("campaignId", ("campaignId", "name", "state"), SP_STATES),
    "sb_ads": ("adId", ("adGroupId", "campaignId", "state"), SB_STATES),
    "sb_campaigns": ("campaignId", ("campaignId", "name", "state"), SB_STATES),
    "sd_product_ads": ("adId", ("adId", "adGroupId", "campaignId", "state"), SD_STATES),
    "sd_campaigns": ("campaignId", ("campaignId", "name", "state"), SD_STATES),
}


def id_field(collection: str) -> str:
    return _RULES[collection][0]


class Credentials(BaseModel):
    """One LWA client the token endpoint accepts. Secrets stay out of reprs."""

    model_config = ConfigDict(frozen=True)

    client_id: str
    client_secret: SecretStr
    refresh_token: SecretStr


class ProfileEntities(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sp_product_ads: list[dict[str, Any]] = Field(default_factory=list)
    sp_campaigns: list[dict[str, Any]] = Field(default_factory=list)
    sb_ads: list[dict[str, Any]] = Field(default_factory=list)
    sb_campaigns: list[dict[str, Any]] = Field(default_factory=list)
    sd_product_ads: list[dict[str, Any]] = Field(default_factory=list)
    sd_campaigns: list[dict[str, Any]] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check(self) -> ProfileEntities:
        for collection, (key, required, states) in _RULES.items():
            seen: set[str] = set()
            for position, entity in enumerate(getattr(self, collection)):
                where = f"{collection}[{position}]"
                missing = [name for name in required if name not in entity]
                if missing:
                    raise ValueError(f"{where} lacks {', '.join(missing)}")
                if entity["state"] not in states:
                    raise ValueError(f"{where} has state {entity['state']!r}; expected one of {sorted(states)}")
                if key in entity:
                    entity_id = str(entity[key])
                    if entity_id in seen:
                        raise ValueError(f"{where} repeats {key} {entity_id}")
                    seen.add(entity_id)
        return self


class Catalog(BaseModel):
    """Profiles exactly as GET /v2/profiles returns them, and each profile's entities."""

    model_config = ConfigDict(extra="forbid")

    profiles: list[dict[str, Any]]
    entities: dict[str, ProfileEntities] = Field(default_factory=dict)
    credentials: Credentials | None = None

    @field_validator("entities", mode="before")
    @classmethod
    def _string_keys(cls, value: Any) -> Any:
        return {str(k): v for k, v in value.items()} if isinstance(value, dict) else value

    @model_validator(mode="after")
    def _check(self) -> Catalog:
        ids = [str(p.get("profileId", "")) for p in self.profiles]
        if any(not i for i in ids):
            raise ValueError("every profile needs a profileId")
        if len(set(ids)) != len(ids):
            raise ValueError("profileIds must be unique")
        unknown = set(self.entities) - set(ids)
        if unknown:
            raise ValueError(f"entities for unknown profiles: {sorted(unknown)}")
        return self

    def profile_ids(self) -> list[str]:
        return [str(p["profileId"]) for p in self.profiles]


def load_catalog(path: str | Path) -> Catalog:
    """Read and validate a catalog JSON file (see README.md for the format)."""
    return Catalog.model_validate(json.loads(Path(path).read_text(encoding="utf-8")))
