"""The environment each handler runs in, as one pydantic model per handler composed from small ones.

Why: template.yaml sets these variables; reading them anywhere else lets code and template drift apart
(a typo becomes a silent empty string on the first notification). Each handler validates its own model
once, at cold start, so a bad deployment fails loudly before any message is touched; adapters then get
plain values. This module is the only reader of `os.environ` in the runtime package (boto3 and
Powertools read their own `AWS_*` / `POWERTOOLS_*` settings themselves).

Handler -> model: InventoryEventsFunction and OfferEventsFunction -> BatchFunctionEnvironment;
AdsIndexSyncFunction -> IndexSyncEnvironment; ReconcileFunction -> ReconcileEnvironment. The variable names are a contract with template.yaml
(ARCHITECTURE.md, "Environment variables"); `variables()` lists them for the template tests.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError


class _Section(BaseModel):
    """A group of variables validated from the flat environment (aliases are the variable names)."""

    model_config = ConfigDict(frozen=True, extra="ignore")


class AdsApiEnvironment(_Section):
    """How to reach the Ads API: the credentials secret, optional endpoint overrides, the client's limits."""

    credentials_secret: str = Field(validation_alias="ADS_CREDENTIALS_SECRET", min_length=1)
    api_endpoint: str = Field(default="", validation_alias="ADS_API_ENDPOINT")
    token_endpoint: str = Field(default="", validation_alias="LWA_TOKEN_ENDPOINT")
    timeout_seconds: float = Field(default=35.0, gt=0, le=900, validation_alias="ADS_API_TIMEOUT_SECONDS")
    max_attempts: int = Field(default=6, ge=1, le=10, validation_alias="ADS_API_MAX_ATTEMPTS")

    @property
    def endpoint_overridden(self) -> bool:
        """One host (the simulator, a test server) then serves every region."""
        return bool(self.api_endpoint)


class ConfigurationEnvironment(_Section):
    """Where the JSON configuration lives (SSM parameter); empty = the built-in defaults."""

    parameter_name: str = Field(default="", validation_alias="CONFIG_PARAMETER_NAME")


class IndexTables(_Section):
    """The tables every function uses: the ad index (and profile cache) and the ownership ledger."""

    index_table: str = Field(validation_alias="ADS_INDEX_TABLE_NAME", min_length=1)
    ledger_table: str = Field(validation_alias="LEDGER_TABLE_NAME", min_length=1)


class BatchTables(IndexTables):
    """... plus the tables only the notification functions use."""

    stock_table: str = Field(validation_alias="STOCK_TABLE_NAME", min_length=1)
    dedup_table: str = Field(validation_alias="DEDUP_TABLE_NAME", min_length=1)
    audit_table: str = Field(validation_alias="AUDIT_TABLE_NAME", min_length=1)


class ReevaluationEnvironment(_Section):
    """The function's own queue, which brings a decision held back by the dwell time back later."""

    queue_url: str = Field(validation_alias="REEVALUATE_QUEUE_URL", min_length=1)


class SpApiEnvironment(_Section):
    """How to reach the SP-API (the reconciliation's pull calls): the credentials secret (either shape of
    stockguard.spapi.credentials) and optional endpoint overrides (one host then serves every region)."""

    credentials_secret: str = Field(validation_alias="SP_API_CREDENTIALS_SECRET", min_length=1)
    api_endpoint: str = Field(default="", validation_alias="SP_API_ENDPOINT")
    token_endpoint: str = Field(default="", validation_alias="SP_LWA_TOKEN_ENDPOINT")


class ReconcileTables(_Section):
    """The stock facts to compare with (read only) and the reconciliation's own watermarks."""

    stock_table: str = Field(validation_alias="STOCK_TABLE_NAME", min_length=1)
    reconcile_table: str = Field(validation_alias="RECONCILE_TABLE_NAME", min_length=1)


class ReconcileSchedule(_Section):
    """Where reconcile facts go to be decided, and how often the full sweep and the offer re-check run."""

    inventory_queue_url: str = Field(validation_alias="INVENTORY_QUEUE_URL", min_length=1)
    full_sweep_hours: float = Field(default=24, gt=0, le=24 * 30, validation_alias="RECONCILE_FULL_SWEEP_HOURS")
    offer_recheck_minutes: float = Field(default=60, ge=0, le=24 * 60 * 7, validation_alias="OFFER_RECHECK_MINUTES")


class _HandlerEnvironment(BaseModel):
    """A handler's whole environment: each field a _Section validated from the same flat mapping."""

    model_config = ConfigDict(frozen=True)

    @classmethod
    def from_environ(cls, environ: Mapping[str, str] | None = None) -> Self:
        """Validate every section; one RuntimeError naming every bad or missing variable (never a value)."""
        source = dict(os.environ if environ is None else environ)
        sections: dict[str, Any] = {}
        problems: list[str] = []
        for name, field in cls.model_fields.items():
            section = field.annotation
            assert isinstance(section, type) and issubclass(section, _Section)
            try:
                sections[name] = section.model_validate(source)
            except ValidationError as error:
                problems += [f"{_alias(section, e['loc'])}: {e['msg']}" for e in error.errors(include_input=False)]
        if problems:
            raise RuntimeError(f"invalid function environment: {'; '.join(problems)}")
        return cls.model_validate(sections)

    @classmethod
    def variables(cls) -> dict[str, bool]:
        """Variable name -> required, over every section (the template tests compare it with template.yaml)."""
        found: dict[str, bool] = {}
        for field in cls.model_fields.values():
            section = field.annotation
            assert isinstance(section, type) and issubclass(section, _Section)
            for member in section.model_fields.values():
                found[str(member.validation_alias)] = member.is_required()
        return found


def _alias(section: type[_Section], loc: tuple[int | str, ...]) -> str:
    """The variable a validation error is about (pydantic reports the alias for a missing one)."""
    name = str(loc[0]) if loc else "?"
    field = section.model_fields.get(name)
    return str(field.validation_alias) if field is not None and field.validation_alias else name


class BatchFunctionEnvironment(_HandlerEnvironment):
    """InventoryEventsFunction and OfferEventsFunction."""

    tables: BatchTables
    ads: AdsApiEnvironment
    configuration: ConfigurationEnvironment
    reevaluation: ReevaluationEnvironment


class IndexSyncEnvironment(_HandlerEnvironment):
    """AdsIndexSyncFunction."""

    tables: IndexTables
    ads: AdsApiEnvironment
    configuration: ConfigurationEnvironment


class ReconcileEnvironment(_HandlerEnvironment):
    """ReconcileFunction."""

    tables: ReconcileTables
    sp_api: SpApiEnvironment
    schedule: ReconcileSchedule
