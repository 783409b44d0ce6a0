"""Everything a batch needs, built once per cold start by the handler (tests inject fakes).

The stores are typed with the ports of stockguard.state.ports, not the DynamoDB adapters: runtime.py wires
the DynamoDB ones, local tools and tests may wire the in-memory ones (stockguard_dev.memory)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from stockguard.ads.port import AdsApi, Region
from stockguard.clock import utcnow
from stockguard.index.profiles import ProfileResolver
from stockguard.observability import MetricsSink, RecordingMetrics
from stockguard.policy import StockGuardConfig
from stockguard.state.ports import AdIndexStore, AuditStore, DedupStore, LedgerStore, ReevaluationScheduler, StockStore


@dataclass
class Services:
    config: StockGuardConfig
    stock: StockStore
    dedup: DedupStore
    ledger: LedgerStore
    audit: AuditStore
    index: AdIndexStore
    profiles: ProfileResolver
    ads: AdsApi
    region_for: Callable[[str], Region]
    reevaluate: ReevaluationScheduler | None = None
    metrics: MetricsSink = field(default_factory=RecordingMetrics)
    wall_clock: Callable[[], datetime] = utcnow
    # Called with every attempted state change (CLI --json output, demo timeline).
    on_action: Callable[[dict], None] | None = None
    # Called with every decision (keep included), for the demo's timeline.
    on_decision: Callable[[dict], None] | None = None
