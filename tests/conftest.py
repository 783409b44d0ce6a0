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


# The client secrets of the test catalogs (simulator demo catalog, the load workload) and the prefixes of
# every Login with Amazon refresh (Atzr|) and access (Atza|) token. Issue 6: no log line, metric (EMF goes
# to stdout), exception or output contains a secret, across the whole suite, not only in the tests that
# look for it (tests/e2e/test_no_secrets.py also checks DynamoDB items, the DLQ and reprs).
SECRET_MARKERS = ("demo-client-secret", "load-client-secret", "Atzr|", "Atza|")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Fail any test whose captured logs, stdout or stderr (or failure text) contain a secret marker."""
    outcome = yield
    report = outcome.get_result()
    captured = "\n".join(content for _, content in report.sections)
    if report.failed and report.longrepr is not None:
        captured += "\n" + str(report.longrepr)
    leaked = sorted({marker[:5] + "…" for marker in SECRET_MARKERS if marker in captured})
    if leaked:
        report.outcome = "failed"
        report.longrepr = f"a secret leaked into this test's captured output ({', '.join(leaked)}); sections: " + ", ".join(
            name for name, content in report.sections if any(m in content for m in SECRET_MARKERS)
        )


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
