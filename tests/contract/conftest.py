"""The contract suite's fixtures: every storage port on both backends, `memory` and `dynamodb`.

Each store fixture is parametrized by `backend`, so every contract test runs twice: against the in-memory
adapter (stockguard_dev.memory, marked unit: no sockets at all) and against the DynamoDB / SQS adapter on
moto in process (marked integration). The tables and the queue are created from template.yaml's own
definitions (tests.support.stack's template, stockguard_dev.local.provision), only the ones a test needs.
The `*_backed` fixtures also read what a store persisted, so TTL attributes are checked on both backends.
"""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from stockguard.index.repository import AdIndexRepository
from stockguard.pipeline.reevaluate import ReevaluateSender
from stockguard.state.audit import AuditLog
from stockguard.state.dedup import DedupRepository
from stockguard.state.dynamo import get_table, reset_clients, scan_all
from stockguard.state.ledger import LedgerRepository
from stockguard.state.ports import AdIndexStore, AuditStore, DedupStore, LedgerStore, StockStore
from stockguard.state.stock import StockRepository
from stockguard_dev.memory import MemoryAdIndex, MemoryAuditLog, MemoryDedupStore, MemoryLedger, MemoryReevaluations, MemoryStockStore
from tests.contract.backends import (
    AUDIT_TTL_DAYS,
    DEDUP_TTL_DAYS,
    DYNAMODB,
    MEMORY,
    REGION,
    Persisted,
    Scheduled,
    moto_queue_messages,
    provision_only,
)

REEVALUATE_QUEUE = "InventoryNotificationsQueue"  # the inventory function's own queue (REEVALUATE_QUEUE_URL)


@pytest.fixture(params=[pytest.param(MEMORY, marks=pytest.mark.unit), pytest.param(DYNAMODB, marks=pytest.mark.integration)])
def backend(request) -> Iterator[str]:
    """The backend under test; for dynamodb, moto in process (no socket) for the whole test."""
    if request.param == MEMORY:
        yield MEMORY
        return
    with mock_aws():
        reset_clients()
        yield DYNAMODB
        reset_clients()


def _table(logical_id: str) -> str:
    return provision_only(logical_id).tables[logical_id]


@pytest.fixture
def stock(backend: str) -> StockStore:
    return MemoryStockStore() if backend == MEMORY else StockRepository(_table("StockStateTable"))


@pytest.fixture
def dedup_backed(backend: str) -> Persisted:
    if backend == MEMORY:
        memory = MemoryDedupStore(ttl_days=DEDUP_TTL_DAYS)
        return Persisted(memory, lambda: list(memory.items.values()))
    name = _table("DedupTable")
    return Persisted(DedupRepository(name, ttl_days=DEDUP_TTL_DAYS), lambda: scan_all(get_table(name)))


@pytest.fixture
def dedup(dedup_backed: Persisted) -> DedupStore:
    store: DedupStore = dedup_backed.store
    return store


@pytest.fixture
def ledger(backend: str) -> LedgerStore:
    return MemoryLedger() if backend == MEMORY else LedgerRepository(_table("LedgerTable"))


@pytest.fixture
def audit_backed(backend: str) -> Persisted:
    if backend == MEMORY:
        memory = MemoryAuditLog(ttl_days=AUDIT_TTL_DAYS)
        return Persisted(memory, lambda: list(memory.items.values()))
    name = _table("AuditTable")
    return Persisted(AuditLog(name, ttl_days=AUDIT_TTL_DAYS), lambda: scan_all(get_table(name)))


@pytest.fixture
def audit(audit_backed: Persisted) -> AuditStore:
    store: AuditStore = audit_backed.store
    return store


@pytest.fixture
def index(backend: str) -> AdIndexStore:
    return MemoryAdIndex() if backend == MEMORY else AdIndexRepository(_table("AdsIndexTable"))


@pytest.fixture
def reevaluations(backend: str) -> Scheduled:
    if backend == MEMORY:
        memory = MemoryReevaluations()
        return Scheduled(memory, lambda: [(m.body, m.delay_seconds) for m in memory.messages])
    stack = provision_only(REEVALUATE_QUEUE, "InventoryNotificationsDLQ")
    url = stack.queues[REEVALUATE_QUEUE]
    sender = ReevaluateSender(url, client=boto3.client("sqs", region_name=REGION))
    return Scheduled(sender, lambda: moto_queue_messages(url), url)
