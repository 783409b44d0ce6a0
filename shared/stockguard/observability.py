"""Logger, tracer and EMF metrics for every function (powertools), behind one small object.

Metric names are a contract with template.yaml's alarms and dashboard (namespace StockGuard,
dimension service=stockguard).
"""

from __future__ import annotations

import os
from collections import defaultdict
from typing import Protocol

from aws_lambda_powertools import Logger, Metrics, Tracer
from aws_lambda_powertools.metrics import MetricUnit, single_metric

logger = Logger(service="stockguard")
tracer = Tracer(service="stockguard")
metrics = Metrics(namespace=os.environ.get("POWERTOOLS_METRICS_NAMESPACE") or "StockGuard", service="stockguard")


class MetricNames:
    NOTIFICATIONS_RECEIVED = "NotificationsReceived"
    NOTIFICATIONS_REJECTED = "NotificationsRejected"
    NOTIFICATIONS_DUPLICATE = "NotificationsDuplicate"
    ADS_PAUSED = "AdsPaused"
    ADS_RESUMED = "AdsResumed"
    DECISIONS_SKIPPED = "DecisionsSkipped"
    ADS_API_ERRORS = "AdsApiErrors"
    ADS_API_THROTTLED = "AdsApiThrottled"
    ACTION_LAG_SECONDS = "ActionLagSeconds"
    INDEX_SYNCED = "IndexSynced"
    INDEX_ENTITIES = "IndexEntities"
    INDEX_SYNC_FAILURES = "IndexSyncFailures"
    RECONCILE_SUCCEEDED = "ReconcileSucceeded"  # a reconcile run with no failed (seller, marketplace): ReconcileStaleAlarm
    RECONCILE_FAILURES = "ReconcileFailures"  # (seller, marketplace) pairs a run could not reconcile
    RECONCILE_DRIFT = "ReconcileDrift"  # dimension kind: a change a reconcile fact caused (ReconcileDriftAlarm)


class MetricsSink(Protocol):
    def count(self, name: str, value: float = 1) -> None: ...
    def count_by(self, name: str, dimension: str, label: str, value: float = 1) -> None: ...
    def seconds(self, name: str, value: float) -> None: ...


class PowertoolsMetrics:
    """EMF metrics through powertools: flushed by @metrics.log_metrics on the handler."""

    def __init__(self, sink: Metrics = metrics) -> None:
        self._sink = sink

    def count(self, name: str, value: float = 1) -> None:
        self._sink.add_metric(name=name, unit=MetricUnit.Count, value=value)

    def count_by(self, name: str, dimension: str, label: str, value: float = 1) -> None:
        # The undimensioned total feeds alarms; the per-label metric feeds the dashboard.
        self.count(name, value)
        with single_metric(name=name, unit=MetricUnit.Count, value=value, namespace=self._sink.namespace) as metric:
            metric.add_dimension(name="service", value=self._sink.service or "stockguard")
            metric.add_dimension(name=dimension, value=label)

    def seconds(self, name: str, value: float) -> None:
        self._sink.add_metric(name=name, unit=MetricUnit.Seconds, value=value)


class RecordingMetrics:
    """In-memory metrics for tests and the CLI's summary."""

    def __init__(self) -> None:
        # float values: the sink's count() takes a float (EMF metric values are doubles).
        self.counts: defaultdict[str, float] = defaultdict(float)
        self.by_label: defaultdict[tuple[str, str], float] = defaultdict(float)
        self.timings: dict[str, list[float]] = {}

    def count(self, name: str, value: float = 1) -> None:
        self.counts[name] += value

    def count_by(self, name: str, dimension: str, label: str, value: float = 1) -> None:
        self.count(name, value)
        self.by_label[(name, label)] += value

    def seconds(self, name: str, value: float) -> None:
        self.timings.setdefault(name, []).append(value)
