"""Services wired to moto tables and a given AdsApi (fake or real client), for pipeline tests."""

from __future__ import annotations

from stockguard.ads import region_for_marketplace
from stockguard.index.profiles import ProfileResolver
from stockguard.index.repository import AdIndexRepository
from stockguard.observability import RecordingMetrics
from stockguard.pipeline.services import Services
from stockguard.policy import StockGuardConfig
from stockguard.state.audit import AuditLog
from stockguard.state.dedup import DedupRepository
from stockguard.state.ledger import LedgerRepository
from stockguard.state.stock import StockRepository


def make_services(tables: dict[str, str], ads, config: StockGuardConfig | None = None, **extra) -> Services:
    config = config or StockGuardConfig()
    index = AdIndexRepository(tables["AdsIndexTable"])
    return Services(
        config=config,
        stock=StockRepository(tables["StockStateTable"]),
        dedup=DedupRepository(tables["DedupTable"]),
        ledger=LedgerRepository(tables["LedgerTable"]),
        audit=AuditLog(tables["AuditTable"]),
        index=index,
        profiles=ProfileResolver(mapping=config.profile_mapping, repository=index, ads=ads, region_for_marketplace=region_for_marketplace),
        ads=ads,
        region_for=region_for_marketplace,
        metrics=RecordingMetrics(),
        **extra,
    )
