"""Everything a batch needs, built once per cold start by the handler (tests inject fakes)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from stockguard.ads.port import AdsApi, Region
from stockguard.clock import utcnow
from stockguard.index.profiles import ProfileResolver
from stockguard.index.repository import AdIndexRepository
from stockguard.observability import MetricsSink, RecordingMetrics
from stockguard.pipeline.reevaluate import ReevaluateSender
from stockguard.policy import StockGuardConfig
from stockguard.state.audit import AuditLog
from stockguard.state.dedup import DedupRepository
from stockguard.state.ledger import LedgerRepository
from stockguard.state.stock import StockRepository


@dataclass
class Services:
    config: StockGuardConfig
    stock: StockRepository
    dedup: DedupRepository
    ledger: LedgerRepository
    audit: AuditLog
    index: AdIndexRepository
    profiles: ProfileResolver
    ads: AdsApi
    region_for: Callable[[str], Region]
    reevaluate: ReevaluateSender | None = None
    metrics: MetricsSink = field(default_factory=RecordingMetrics)
    wall_clock: Callable[[], datetime] = utcnow
    # Called with every attempted state change (CLI --json output, demo timeline).
    on_action: Callable[[dict], None] | None = None
    # Called with every decision (keep included), for the demo's timeline.
    on_decision: Callable[[dict], None] | None = None
