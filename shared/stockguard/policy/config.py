"""StockGuard's configuration: one JSON document (an SSM parameter in production).

Strict on purpose (extra keys forbidden, frozen): a typo in a key name must fail loudly at load time
rather than silently fall back to a default that pauses (or never resumes) somebody's ads.
"""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from stockguard.domain.ads import AdProduct


class Mode(StrEnum):
    MONITOR = "monitor"  # decide and audit, never call the Ads API
    PAUSE_ONLY = "pause_only"  # pause, never resume (the operator resumes)
    PAUSE_AND_RESUME = "pause_and_resume"


class ProductRules(BaseModel):
    """Which pause conditions apply to one ad product."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    stock: bool = True
    featured_offer: bool = True

    @property
    def any_enabled(self) -> bool:
        return self.stock or self.featured_offer


class ConfigError(ValueError):
    """The configuration cannot be used; `problems` lists every validation problem, one per entry."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("invalid StockGuard configuration:\n" + "\n".join(f"  - {p}" for p in self.problems))


class StockGuardConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    mode: Mode = Mode.PAUSE_AND_RESUME
    pause_threshold: int = Field(default=0, ge=0, description="pause when available stock <= this")
    # Declared after pause_threshold: its validator reads the validated pause_threshold.
    resume_threshold: int | None = Field(
        default=None,
        validate_default=True,
        description="resume when available stock >= this; default pause_threshold + 1; must be > pause_threshold",
    )
    include_inbound: bool = Field(default=False, description="sellers: count FBA inbound units as available")
    dwell_minutes: int = Field(default=10, ge=0, description="minimum time between two state changes of one entity")
    rules: dict[AdProduct, ProductRules] = Field(default_factory=dict, validate_default=True)
    sb_multi_asin: Literal["all", "any"] = Field(
        default="all", description="multi-ASIN ads: pause when all (or any) of their known ASINs are out"
    )
    allowed_marketplaces: tuple[str, ...] | None = Field(default=None, description="None = every marketplace")
    excluded_asins: tuple[str, ...] = ()
    profile_mapping: dict[str, dict[str, str]] = Field(
        default_factory=dict, description="account id -> marketplace id -> Ads profile id; overrides discovery"
    )
    vendor_account_prefixes: tuple[str, ...] = ("amzn1.vg.",)
    dedup_ttl_days: int = Field(default=14, ge=1)
    profile_cache_ttl_hours: int = Field(default=24, ge=1)
    audit_ttl_days: int = Field(default=400, ge=1)
    index_max_age_hours: int = Field(default=3, ge=1)

    @field_validator("resume_threshold")
    @classmethod
    def _resume_above_pause(cls, value: int | None, info: ValidationInfo) -> int | None:
        pause = info.data.get("pause_threshold")
        if pause is None:
            return value  # pause_threshold itself is invalid and already reported
        if value is None:
            return pause + 1
        if value <= pause:
            raise ValueError(f"must be greater than pause_threshold ({pause}), got {value}")
        return value

    @field_validator("rules")
    @classmethod
    def _every_ad_product(cls, value: dict[AdProduct, ProductRules]) -> dict[AdProduct, ProductRules]:
        """Ad products left out of `rules` keep every rule on."""
        return {product: value.get(product, ProductRules()) for product in AdProduct}

    @field_validator("profile_mapping", mode="before")
    @classmethod
    def _profile_ids_as_text(cls, value: Any) -> Any:
        """Profile ids are 64-bit numbers; JSON authors write them as numbers or strings alike."""
        if not isinstance(value, dict):
            return value
        return {
            account: (
                {mp: str(pid) if isinstance(pid, int) and not isinstance(pid, bool) else pid for mp, pid in by_mp.items()}
                if isinstance(by_mp, dict)
                else by_mp
            )
            for account, by_mp in value.items()
        }

    def rules_for(self, ad_product: AdProduct) -> ProductRules:
        return self.rules.get(ad_product, ProductRules())

    @property
    def resume_at(self) -> int:
        """The effective resume threshold (always set once validated)."""
        return self.resume_threshold if self.resume_threshold is not None else self.pause_threshold + 1

    def marketplace_allowed(self, marketplace_id: str) -> bool:
        return self.allowed_marketplaces is None or marketplace_id in self.allowed_marketplaces

    def is_vendor(self, account_id: str) -> bool:
        return any(account_id.startswith(prefix) for prefix in self.vendor_account_prefixes)


def _problem(error: Any) -> str:
    where = ".".join(str(part) for part in error["loc"]) or "(root)"
    if error["type"] == "extra_forbidden":
        return f"{where}: unknown key (typo?)"
    message = str(error["msg"]).removeprefix("Value error, ")
    given = error.get("input")
    if isinstance(given, (str, int, float, bool)) and error["type"] != "value_error":
        message += f" (got {given!r})"
    return f"{where}: {message}"


def load_config(text: str | None) -> StockGuardConfig:
    """Parse the JSON configuration; None or blank text means every default."""
    if text is None or not text.strip():
        return StockGuardConfig()
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ConfigError([f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"]) from None
    if not isinstance(data, dict):
        raise ConfigError([f"(root): expected a JSON object, got {type(data).__name__}"])
    try:
        return StockGuardConfig.model_validate(data)
    except ValidationError as error:
        raise ConfigError([_problem(e) for e in error.errors()]) from None


def config_json_schema() -> dict[str, Any]:
    """JSON Schema of the configuration (documentation, editor validation of the SSM parameter)."""
    return StockGuardConfig.model_json_schema()
