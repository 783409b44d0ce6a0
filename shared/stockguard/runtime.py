"""Cold-start wiring of the four handlers: environment model -> configuration, credentials, adapters.

Handlers stay thin: each owns a ServicesCache built with its wiring function (`build_batch_services`,
`build_index_sync_services`, `build_reconcile_services`), which validates the handler's environment model (stockguard.environment)
and builds everything once per container (warm invocations reuse clients, the LWA token and caches).
Local tools and tests inject through the cache alone: `override(services)` or `override(factory=...)`;
a factory may start from `cache.build_default()` and `dataclasses.replace` what it needs (the demo's
timeline hooks, a virtual-clock re-evaluation scheduler). No global overrides, no attribute patching.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar

from stockguard.ads.port import AdsApi, Region
from stockguard.clock import utcnow
from stockguard.environment import AdsApiEnvironment, BatchFunctionEnvironment, IndexSyncEnvironment, ReconcileEnvironment
from stockguard.index.services import IndexSyncServices
from stockguard.observability import MetricNames, PowertoolsMetrics, logger
from stockguard.pipeline.services import Services
from stockguard.policy import StockGuardConfig

if TYPE_CHECKING:  # the reconciliation's modules load only in ReconcileFunction (cold start of the others)
    from stockguard.reconcile.run import ReconcileServices


def load_configuration(parameter_name: str) -> StockGuardConfig:
    """The JSON configuration from SSM (cached 5 minutes by powertools); a bad one raises at cold start."""
    from aws_lambda_powertools.utilities import parameters

    from stockguard.policy import load_config

    text = parameters.get_parameter(parameter_name, max_age=300) if parameter_name else None
    return load_config(text)


def build_ads_client(env: AdsApiEnvironment) -> AdsApi:
    """The Ads API client from the credentials secret, with the template's limits and endpoint overrides."""
    from stockguard.ads import AdsApiClient, load_credentials_from_secret

    credentials = load_credentials_from_secret(env.credentials_secret)
    return AdsApiClient(
        credentials,
        api_endpoint=env.api_endpoint or None,
        token_endpoint=env.token_endpoint or None,
        timeout=env.timeout_seconds,
        max_attempts=env.max_attempts,
    )


def build_batch_services(env: BatchFunctionEnvironment, *, ads: AdsApi | None = None, sqs_client: Any = None) -> Services:
    """InventoryEventsFunction / OfferEventsFunction: every store, the Ads API, the re-evaluation queue."""
    from stockguard.ads import region_for_marketplace
    from stockguard.index.profiles import ProfileResolver
    from stockguard.index.repository import AdIndexRepository
    from stockguard.pipeline.reevaluate import ReevaluateSender
    from stockguard.state.audit import AuditLog
    from stockguard.state.dedup import DedupRepository
    from stockguard.state.ledger import LedgerRepository
    from stockguard.state.stock import StockRepository

    config = load_configuration(env.configuration.parameter_name)
    ads = ads or build_ads_client(env.ads)
    index = AdIndexRepository(env.tables.index_table)
    return Services(
        config=config,
        stock=StockRepository(env.tables.stock_table),
        dedup=DedupRepository(env.tables.dedup_table, ttl_days=config.dedup_ttl_days),
        ledger=LedgerRepository(env.tables.ledger_table),
        audit=AuditLog(env.tables.audit_table, ttl_days=config.audit_ttl_days),
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
        reevaluate=ReevaluateSender(env.reevaluation.queue_url, client=sqs_client),
        metrics=PowertoolsMetrics(),
    )


def build_index_sync_services(env: IndexSyncEnvironment, *, ads: AdsApi | None = None) -> IndexSyncServices:
    """AdsIndexSyncFunction: the Ads API, the index and the ledger (operator overrides)."""
    from stockguard.ads import region_for_marketplace
    from stockguard.index.repository import AdIndexRepository
    from stockguard.state.ledger import LedgerRepository

    return IndexSyncServices(
        ads=ads or build_ads_client(env.ads),
        index=AdIndexRepository(env.tables.index_table),
        ledger=LedgerRepository(env.tables.ledger_table),
        region_for=region_for_marketplace,
        regions=(Region.NA,) if env.ads.endpoint_overridden else tuple(Region),
        metrics=PowertoolsMetrics(),
    )


def build_reconcile_services(env: ReconcileEnvironment, *, sqs_client: Any = None) -> ReconcileServices:
    """ReconcileFunction: every seller of the SP-API secret, their pull clients, the stores, the queue."""
    from datetime import timedelta

    from stockguard.reconcile.clients import PullClients
    from stockguard.reconcile.offers import StoredOfferFacts
    from stockguard.reconcile.publisher import SqsFactsPublisher
    from stockguard.reconcile.run import ReconcileServices, ReconcileSettings
    from stockguard.reconcile.watermarks import WatermarkRepository
    from stockguard.spapi.credentials import load_app_credentials_from_secret
    from stockguard.state.stock import StockRepository

    credentials = load_app_credentials_from_secret(env.sp_api.credentials_secret)
    return ReconcileServices(
        sellers=credentials.all_sellers(),
        pull_for=PullClients(endpoint=env.sp_api.api_endpoint or None, token_endpoint=env.sp_api.token_endpoint or None),
        watermarks=WatermarkRepository(env.tables.reconcile_table),
        stock=StockRepository(env.tables.stock_table),
        offers=StoredOfferFacts(env.tables.stock_table),
        publisher=SqsFactsPublisher(env.schedule.inventory_queue_url, client=sqs_client),
        metrics=PowertoolsMetrics(),
        settings=ReconcileSettings(
            full_sweep_every=timedelta(hours=env.schedule.full_sweep_hours),
            offer_recheck_after=timedelta(minutes=env.schedule.offer_recheck_minutes),
        ),
    )


class _HasAds(Protocol):
    ads: AdsApi


S = TypeVar("S")


class ServicesCache(Generic[S]):
    """Build once per container with the handler's wiring; `override` is the one injection seam."""

    def __init__(self, build: Callable[[], S]) -> None:
        self._build = build
        self._services: S | None = None
        self._factory: Callable[[], S] | None = None

    @classmethod
    def for_batch(cls) -> ServicesCache[Services]:
        return ServicesCache(lambda: build_batch_services(BatchFunctionEnvironment.from_environ()))

    @classmethod
    def for_index_sync(cls) -> ServicesCache[IndexSyncServices]:
        return ServicesCache(lambda: build_index_sync_services(IndexSyncEnvironment.from_environ()))

    @classmethod
    def for_reconcile(cls) -> ServicesCache[ReconcileServices]:
        return ServicesCache(lambda: build_reconcile_services(ReconcileEnvironment.from_environ()))

    def build_default(self) -> S:
        """What a cold start builds from the environment (a factory may start from it)."""
        return self._build()

    def get(self) -> S:
        if self._services is None:
            self._services = self._factory() if self._factory is not None else self._build()
            logger.info("cold start: services built")
        return self._services

    def override(self, services: S | None = None, *, factory: Callable[[], S] | None = None) -> None:
        self._services = services
        self._factory = factory

    def reset(self) -> None:
        self._services = None


def apply_time_budget(services: _HasAds | ReconcileServices, context: Any) -> None:
    """Keep the Ads (or SP-API) clients from sleeping past the Lambda's own timeout (the message then
    returns to SQS; the next scheduled run reads again)."""
    client = getattr(services, "pull_for", None) or getattr(services, "ads", None)
    setter = getattr(client, "set_budget", None)
    if setter is None or context is None or not hasattr(context, "get_remaining_time_in_millis"):
        return
    from stockguard.ads import TimeBudget

    setter(TimeBudget.from_lambda_context(context))


def sqs_batch_handler(event: dict, context: Any, cache: ServicesCache[Services]) -> dict:
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


def index_sync_handler(event: dict, context: Any, cache: ServicesCache[IndexSyncServices], *, now: datetime | None = None) -> dict:
    from stockguard.index.sync import discover_profiles, sync_index

    services = cache.get()
    apply_time_budget(services, context)
    now = now or utcnow()
    profiles = discover_profiles(services.ads, services.regions, services.region_for)
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


def reconcile_handler(event: dict, context: Any, cache: ServicesCache[ReconcileServices], *, now: datetime | None = None) -> dict:
    """One run. A manual invoke may pass `{"full": true}` (a full sweep) and `{"targets": [[seller_id,
    marketplace_id], ...]}` (only these pairs; a replay's); the schedule's event has neither. The report is
    returned and logged; a failed (seller, marketplace) is counted (ReconcileFailures), never raised."""
    from stockguard.reconcile.run import ReconcileRequest, run_reconcile

    services = cache.get()
    apply_time_budget(services, context)
    request = ReconcileRequest.from_event(event)
    report = run_reconcile(services, now=now or utcnow(), full=request.full, only=request.targets)
    summary = report.as_dict()
    logger.info("reconcile done", extra=summary)
    return summary
