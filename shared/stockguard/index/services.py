"""What the ad index sync needs, built once per cold start (AdsIndexSyncFunction, `stockguard sync-index`).

Separate from the batch functions' Services: the sync touches no stock, dedup or audit table, and a
dataclass that held those as None would let a None reach a port that requires a store.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from stockguard.ads.port import AdsApi, Region
from stockguard.observability import MetricsSink, RecordingMetrics
from stockguard.state.ports import AdIndexStore, LedgerStore


@dataclass
class IndexSyncServices:
    ads: AdsApi
    index: AdIndexStore
    ledger: LedgerStore
    region_for: Callable[[str], Region]
    # The Ads API hosts to discover profiles on: every region, or one when an endpoint override serves all.
    regions: tuple[Region, ...] = tuple(Region)
    metrics: MetricsSink = field(default_factory=RecordingMetrics)
