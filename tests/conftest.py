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


# Tests that take 4 s or more each (measured with `--durations`, issue 12): marked `slow`, so `make test`
# stays within 4 minutes and `make test-slow` (which .ci/run runs beside the soak) runs them. One list, so
# what is left out of `make test` is visible in one place; `make test-all` runs both.
SLOW_TESTS = frozenset(
    {
        "contract/test_ledger_contract.py::test_many_form_applies_each_entry_as_its_single_transition",
        "contract/test_stock_contract.py::test_load_many_reads_more_products_than_one_batch_holds",
        "e2e/test_cli.py::test_demo_json",
        "e2e/test_cli.py::test_status_after_a_demo_run",
        "e2e/test_cli.py::test_replay_events_dir_json_contract",
        "e2e/test_faults_e2e.py::test_a_put_slower_than_the_client_timeout_is_settled_from_the_real_state",
        "e2e/test_reconcile_handlers.py::test_repeated_runs_in_a_429_storm_converge_and_decide_once",
        "e2e/test_replay_dwell.py::test_a_due_reevaluation_is_delivered_before_a_later_notification",
        "e2e/test_replay_dwell.py::test_replay_decides_as_live_processing_in_event_time_order",
        "e2e/test_stock_and_offer.py::test_429_storm_converges_through_batch_item_failures_without_duplicate_changes",
        "integration/faults/test_crash_points.py::test_lambda_timeout_before_every_write",
        "integration/faults/test_crash_points.py::test_lambda_timeout_before_every_write_of_a_restock_with_an_operator_override",
        "integration/faults/test_crash_points.py::test_lambda_timeout_right_after_every_applied_put",
        "integration/faults/test_dynamo_reads.py::test_throttling_at_every_read_converges",
        "integration/faults/test_dynamo_writes.py::test_conditional_check_failed_at_every_conditional_write",
        "integration/faults/test_dynamo_writes.py::test_conditional_check_failed_at_every_conditional_write_of_a_restock_with_an_operator_override",
        "integration/faults/test_dynamo_writes.py::test_throttling_at_every_write_converges",
        "integration/faults/test_dynamo_writes.py::test_throttling_at_every_write_of_a_restock_with_an_operator_override",
        "integration/faults/test_sqs_delivery.py::test_redelivered_in_random_order_equals_one_in_order_delivery",
        "integration/fuzz/test_fuzz_handler.py::test_bad_input_through_the_handler",
        "integration/fuzz/test_fuzz_pipeline.py::test_bad_input_fails_alone_through_process_batch",
        "integration/index/test_index_layout.py::test_an_asin_advertised_by_2500_entities_is_split_into_shards",
        "integration/index/test_index_layout.py::test_resharding_moves_no_entity_that_stays",
        "integration/state/test_ledger_batched.py::test_up_to_100_per_transaction",
        "soak/test_speedups.py::test_sped_up_moto_answers_like_moto_and_the_run_converges",
    }
)


def _test_id(item) -> str:
    """`<path under tests/>::<function>` (without parameters): the key of SLOW_TESTS."""
    path = Path(str(item.fspath)).relative_to(ROOT / "tests").as_posix()
    return f"{path}::{item.originalname}"


def pytest_collection_modifyitems(config, items):
    for item in items:
        parts = Path(str(item.fspath)).relative_to(ROOT / "tests").parts
        layer = parts[0] if len(parts) > 1 else "unit"
        if layer in ("unit", "integration", "e2e"):
            item.add_marker(getattr(pytest.mark, layer))
        if _test_id(item) in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)


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
