"""Both adapter families satisfy the ports: the same methods, parameters and defaults (checked at run time
here, since the dev package and the tests are outside the mypy gate), and mypy accepts both as the ports.

Defaults matter beyond types: a caller relying on `release(..., reason="operator_override")` or on
`for_asin(limit=20)` must get the same on either backend, and mypy does not compare default values.
"""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from stockguard.index.repository import AdIndexRepository
from stockguard.pipeline.reevaluate import ReevaluateSender
from stockguard.state.audit import AuditLog
from stockguard.state.dedup import DedupRepository
from stockguard.state.ledger import LedgerRepository
from stockguard.state.ports import AdIndexStore, AuditStore, DedupStore, LedgerStore, ReevaluationScheduler, StockStore
from stockguard.state.stock import StockRepository
from stockguard_dev.memory import MemoryAdIndex, MemoryAuditLog, MemoryDedupStore, MemoryLedger, MemoryReevaluations, MemoryStockStore

ROOT = Path(__file__).resolve().parents[2]
PORTS = [
    (StockStore, StockRepository, MemoryStockStore),
    (DedupStore, DedupRepository, MemoryDedupStore),
    (LedgerStore, LedgerRepository, MemoryLedger),
    (AuditStore, AuditLog, MemoryAuditLog),
    (AdIndexStore, AdIndexRepository, MemoryAdIndex),
    (ReevaluationScheduler, ReevaluateSender, MemoryReevaluations),
]


def port_methods(port: type) -> list[str]:
    return sorted(n for n, v in vars(port).items() if callable(v) and not n.startswith("_"))


def shape(function) -> list[tuple[str, object, object]]:
    """Parameter names, kinds and defaults (annotations are mypy's business: they are strings here)."""
    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]


@pytest.mark.unit
@pytest.mark.parametrize(("port", "aws", "memory"), PORTS, ids=[p[0].__name__ for p in PORTS])
def test_every_port_method_has_the_same_parameters_and_defaults_on_both_backends(port, aws, memory):
    # Given a port, When its methods are compared with both adapters', Then each has the same parameters and defaults
    methods = port_methods(port)
    assert methods, f"{port.__name__} declares no methods"
    for name in methods:
        assert shape(getattr(aws, name)) == shape(getattr(port, name)), f"{aws.__name__}.{name}"
        assert shape(getattr(memory, name)) == shape(getattr(port, name)), f"{memory.__name__}.{name}"


@pytest.mark.unit
def test_mypy_accepts_both_adapter_families_as_the_ports():
    # When mypy checks this module's typed assignments and the in-memory package, Then it reports nothing
    files = [str(Path(__file__).relative_to(ROOT)), "shared/stockguard_dev/memory"]
    result = subprocess.run([sys.executable, "-m", "mypy", *files], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


if TYPE_CHECKING:  # what mypy checks above; nothing runs

    def _memory_adapters_conform() -> tuple[StockStore, DedupStore, LedgerStore, AuditStore, AdIndexStore, ReevaluationScheduler]:
        return MemoryStockStore(), MemoryDedupStore(), MemoryLedger(), MemoryAuditLog(), MemoryAdIndex(), MemoryReevaluations()

    def _aws_adapters_conform(name: str) -> tuple[StockStore, DedupStore, LedgerStore, AuditStore, AdIndexStore, ReevaluationScheduler]:
        return (
            StockRepository(name),
            DedupRepository(name),
            LedgerRepository(name),
            AuditLog(name),
            AdIndexRepository(name),
            ReevaluateSender(name),
        )
