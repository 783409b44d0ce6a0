"""Cold-start wiring shared by the three handlers: environment, configuration, credentials, adapters.

Handlers stay thin: they call `sqs_batch_handler` or `index_sync_handler` with a ServicesCache, which
builds everything once per container (warm invocations reuse clients, the LWA token and caches) and
lets tests inject fakes with `override`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from stockguard.clock import utcnow
from stockguard.observability import MetricNames, PowertoolsMetrics, logger
from stockguard.pipeline.services import Services


class FunctionEnvironment(BaseModel):
    """The environment template.yaml sets. Validated at cold start: a bad deployment fails loudly."""

    model_config = ConfigDict(frozen=True)

    stock_table: str = Field(default="", validation_alias="STOCK_TABLE_NAME")
    dedup_table: str = Field(default="", validation_alias="DEDUP_TABLE_NAME")
    index_table: str = Field(validation_alias="ADS_INDEX_TABLE_NAME", min_length=1)
    ledger_table: str = Field(validation_alias="LEDGER_TABLE_NAME", min_length=1)
    audit_table: str = Field(default="", validation_alias="AUDIT_TABLE_NAME")
    config_parameter: str = Field(default="", validation_alias="CONFIG_PARAMETER_NAME")
    credentials_secret: str = Field(validation_alias="ADS_CREDENTIALS_SECRET", min_length=1)
    ads_api_endpoint: str = Field(default="", validation_alias="ADS_API_ENDPOINT")
    lwa_token_endpoint: str = Field(default="", validation_alias="LWA_TOKEN_ENDPOINT")
    reevaluate_queue_url: str = Field(default="", validation_alias="REEVALUATE_QUEUE_URL")
    ads_api_timeout_seconds: float = Field(default=35.0, gt=0, le=900, validation_alias="ADS_API_TIMEOUT_SECONDS")
    ads_api_max_attempts: int = Field(default=6, ge=1, le=10, validation_alias="ADS_API_MAX_ATTEMPTS")

    @classmethod
    def from_environ(cls, *, need_batch_tables: bool) -> FunctionEnvironment:
        try:
            env = cls.model_validate(dict(os.environ))
        except ValidationError as error:
            raise RuntimeError(f"invalid function environment: {error}") from None
        if need_batch_tables:
            missing = [
                n
                for n, v in (
                    ("STOCK_TABLE_NAME", env.stock_table),
                    ("DEDUP_TABLE_NAME", env.dedup_table),
                    ("AUDIT_TABLE_NAME", env.audit_table),
                )
                if not v
            ]
            if missing:
                raise RuntimeError(f"invalid function environment: missing {', '.join(missing)}")
        return env


def load_configuration(parameter_name: str):
    """The JSON configuration from SSM (cached 5 minutes by powertools); a bad one raises at cold start."""
    from aws_lambda_powertools.utilities import parameters

    from stockguard.policy import load_config

    text = parameters.get_parameter(parameter_name, max_age=300) if parameter_name else None
    return load_config(text)


def build_ads_client(env: FunctionEnvironment):
    from stockguard.ads import AdsApiClient, load_credentials_from_secret

    credentials = load_credentials_from_secret(env.credentials_secret)
    return AdsApiClient(credentials, timeout=env.ads_api_timeout_seconds, max_attempts=env.ads_api_max_attempts)


# Set by the local tools (stockguard demo / replay, tests) before the handlers build their services:
# attributes of Services to replace, e.g. on_action (timeline, --json) or a virtual-clock reevaluate sender.
_local_overrides: dict[str, Any] = {}


def install_local_overrides(**overrides: Any) -> None:
    _local_overrides.update(overrides)


def clear_local_overrides() -> None:
    _local_overrides.clear()


def build_services(env: FunctionEnvironment, *, ads=None, config=None, sqs_client=None) -> Services:
    from stockguard.ads import region_for_marketplace
    from stockguard.index.profiles import ProfileResolver
    from stockguard.index.repository import AdIndexRepository
    from stockguard.pipeline.reevaluate import ReevaluateSender
    from stockguard.state.audit import AuditLog
    from stockguard.state.dedup import DedupRepository
    from stockguard.state.ledger import LedgerRepository
    from stockguard.state.stock import StockRepository

    config = config or load_configuration(env.config_parameter)
    ads = ads or build_ads_client(env)
    index = AdIndexRepository(env.index_table)
    services = Services(
        config=config,
        stock=StockRepository(env.stock_table) if env.stock_table else None,  # type: ignore[arg-type]  # only ads_index_sync (need_batch_tables=False) lacks the table, and index sync never uses it
        dedup=DedupRepository(env.dedup_table, ttl_days=config.dedup_ttl_days) if env.dedup_table else None,  # type: ignore[arg-type]  # only ads_index_sync (need_batch_tables=False) lacks the table, and index sync never uses it
        ledger=LedgerRepository(env.ledger_table),
        audit=AuditLog(env.audit_table, ttl_days=config.audit_ttl_days) if env.audit_table else None,  # type: ignore[arg-type]  # only ads_index_sync (need_batch_tables=False) lacks the table, and index sync never uses it
        index=index,
        profiles=ProfileResolver(
            mapping=config.profile_mapping,
            repository=index,
            ads=ads,
            region_for_marketplace=region_for_marketplace,
            ttl_hours=config.profile_cache_ttl_hours,
        ),
        ads=ads,
        region_for=region_for_marketplace,
        reevaluate=ReevaluateSender(env.reevaluate_queue_url, client=sqs_client) if env.reevaluate_queue_url else None,
        metrics=PowertoolsMetrics(),
    )
    for name, value in _local_overrides.items():
        setattr(services, name, value)
    return services


class ServicesCache:
    """Build once per container; `override` injects fakes (tests, the CLI)."""

    def __init__(self, *, need_batch_tables: bool = True) -> None:
        self._need_batch_tables = need_batch_tables
        self._services: Services | None = None
        self._factory: Callable[[], Services] | None = None

    def get(self) -> Services:
        if self._services is None:
            if self._factory is not None:
                self._services = self._factory()
            else:
                env = FunctionEnvironment.from_environ(need_batch_tables=self._need_batch_tables)
                self._services = build_services(env)
                logger.info("cold start: services built", extra={"mode": self._services.config.mode})
        return self._services

    def override(self, services: Services | None = None, *, factory: Callable[[], Services] | None = None) -> None:
        self._services = services
        self._factory = factory

    def reset(self) -> None:
        self._services = None


def apply_time_budget(services: Services, context: Any) -> None:
    """Keep the Ads client from sleeping past the Lambda's own timeout (the message then returns to SQS)."""
    setter = getattr(services.ads, "set_budget", None)
    if setter is None or context is None or not hasattr(context, "get_remaining_time_in_millis"):
        return
    from stockguard.ads import TimeBudget

    setter(TimeBudget.from_lambda_context(context))


def sqs_batch_handler(event: dict, context: Any, cache: ServicesCache) -> dict:
    from stockguard.pipeline.batch import process_batch

    services = cache.get()
    apply_time_budget(services, context)
    result = process_batch(event.get("Records", []), services)
    logger.info(
        "batch done",
        extra={
            "records": len(event.get("Records", [])),
            "failed": len(result.failed_message_ids),
            "rejected": len(result.rejected),
            "duplicates": result.duplicates,
            "processed": result.processed,
        },
    )
    return result.response()


def index_sync_handler(event: dict, context: Any, cache: ServicesCache, *, now: datetime | None = None) -> dict:
    from stockguard.ads.port import Region
    from stockguard.index.sync import discover_profiles, sync_index

    services = cache.get()
    apply_time_budget(services, context)
    now = now or utcnow()
    overridden = bool(os.environ.get("ADS_API_ENDPOINT"))
    regions = [Region.NA] if overridden else list(Region)  # one host serves every region when overridden
    profiles = discover_profiles(services.ads, regions, services.region_for)
    report = sync_index(ads=services.ads, index=services.index, ledger=services.ledger, profiles=profiles, now=now)
    services.metrics.count(MetricNames.INDEX_ENTITIES, report.entities)
    if report.failed_profiles:
        services.metrics.count(MetricNames.INDEX_SYNC_FAILURES, len(report.failed_profiles))
    else:
        services.metrics.count(MetricNames.INDEX_SYNCED)
    summary = {
        "profiles": report.profiles,
        "entities": report.entities,
        "written": report.written,
        "deleted": report.deleted,
        "overrides": report.overrides,
        "failedProfiles": report.failed_profiles,
        "syncedAt": now.isoformat(),
    }
    logger.info("index sync done", extra=summary)
    return summary
