"""Services wired to the in-memory adapters: the pipeline with no I/O at all (unit tests, the benchmark's
code-only figure, the soak's fast mode). The Ads API is whatever the caller passes (a fake, the simulator)."""

from __future__ import annotations

from typing import Any

from stockguard.ads import region_for_marketplace
from stockguard.ads.port import AdsApi
from stockguard.index.profiles import ProfileResolver
from stockguard.observability import RecordingMetrics
from stockguard.pipeline.services import Services
from stockguard.policy import StockGuardConfig
from stockguard_dev.memory.audit import MemoryAuditLog
from stockguard_dev.memory.dedup import MemoryDedupStore
from stockguard_dev.memory.index import MemoryAdIndex
from stockguard_dev.memory.ledger import MemoryLedger
from stockguard_dev.memory.reevaluate import MemoryReevaluations
from stockguard_dev.memory.stock import MemoryStockStore


def memory_services(ads: AdsApi, config: StockGuardConfig | None = None, **extra: Any) -> Services:
    """Every store in memory, a re-evaluation scheduler that records what it would send, metrics recorded."""
    config = config or StockGuardConfig()
    index = MemoryAdIndex()
    return Services(
        **{
            "config": config,
            "stock": MemoryStockStore(),
            "dedup": MemoryDedupStore(ttl_days=config.dedup_ttl_days),
            "ledger": MemoryLedger(),
            "audit": MemoryAuditLog(ttl_days=config.audit_ttl_days),
            "index": index,
            "profiles": ProfileResolver(
                mapping=config.profile_mapping, repository=index, ads=ads, region_for_marketplace=region_for_marketplace
            ),
            "ads": ads,
            "region_for": region_for_marketplace,
            "reevaluate": MemoryReevaluations(),
            "metrics": RecordingMetrics(),
            **extra,
        }
    )
