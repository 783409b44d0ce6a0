"""Test-wide rules: fake AWS credentials before anything imports boto3, and network isolation.

- tests/unit/**: no sockets at all (pytest-socket).
- everything else: sockets only to 127.0.0.1 (moto server, Ads API simulator, fakes).
"""

from __future__ import annotations

import os
from pathlib import Path

# Set before any test module imports boto3 or the handlers (clients built at import time would
# otherwise see real credentials; see getmoto/moto#8111, powertools#631).
for _key, _value in {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "POWERTOOLS_TRACE_DISABLED": "1",
    "POWERTOOLS_SERVICE_NAME": "stockguard",
    "POWERTOOLS_METRICS_NAMESPACE": "StockGuard",
}.items():
    os.environ[_key] = _value
os.environ.pop("AWS_PROFILE", None)

import pytest  # noqa: E402
from pytest_socket import disable_socket, enable_socket, socket_allow_hosts  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT.parent / "shared" / "reference"


def pytest_collection_modifyitems(config, items):
    for item in items:
        parts = Path(str(item.fspath)).relative_to(ROOT / "tests").parts
        layer = parts[0] if len(parts) > 1 else "unit"
        if layer in ("unit", "integration", "e2e"):
            item.add_marker(getattr(pytest.mark, layer))


def pytest_runtest_setup(item):
    if item.get_closest_marker("unit"):
        disable_socket(allow_unix_socket=True)
    else:
        enable_socket()
        socket_allow_hosts(["127.0.0.1", "localhost"], allow_unix_socket=True)


@pytest.fixture(scope="session")
def reference_dir() -> Path:
    """../shared/reference beside the checkout: official schemas and example payloads (read-only)."""
    if not REFERENCE.is_dir():
        pytest.skip("reference material ../shared/reference not present")
    return REFERENCE


@pytest.fixture(autouse=True)
def _stockguard_logs_reach_caplog():
    """powertools' Logger stops propagation of the 'stockguard' logger; tests read logs through caplog
    (reasons of rejected records, and that no secret is ever logged), so let records propagate."""
    import logging

    stockguard_logger = logging.getLogger("stockguard")
    saved = stockguard_logger.propagate, stockguard_logger.level
    stockguard_logger.propagate = True
    stockguard_logger.setLevel(logging.DEBUG)
    yield
    stockguard_logger.propagate, level = saved
    stockguard_logger.setLevel(level)
