"""No secret (the LWA client secret, the refresh token, any access token the simulator issued) appears
in any log record at DEBUG (every logger, extra fields included), the handlers' log stream (powertools
JSON and EMF metrics), stdout/stderr, any exception, any DynamoDB item (audit, ledger, facts, dedup,
index), the DLQ, the CLI's action records or the reprs of the objects that hold them — across the demo
scenario with 429s, a 207 with no success, token expiry, a malformed message, and then a refresh token
that Login with Amazon refuses (its error reaches the audit log and the logs)."""

from __future__ import annotations

import io
import json
import logging
import secrets

import pytest

from stockguard_dev.cli.embedded import INVENTORY_FUNCTION, EmbeddedStack
from stockguard_dev.cli.scenario import DEMO_CONFIG, steps
from stockguard_dev.simulator import DEMO_CATALOG_PATH, FaultRule
from tests.support.fault_world import scan_all
from tests.support.notifications import fba

# Credentials unique to this run, so that finding one can only mean a leak.
CLIENT_ID = "amzn1.application-oa2-client." + secrets.token_hex(8)
CLIENT_SECRET = "cs-" + secrets.token_urlsafe(24)
REFRESH_TOKEN = "Atzr|" + secrets.token_urlsafe(32)
REVOKED_REFRESH_TOKEN = "Atzr|" + secrets.token_urlsafe(32)
TOKEN_PREFIXES = ("Atza|", "Atzr|")  # LWA access and refresh tokens: no legitimate output contains either


def catalog() -> dict:
    data = json.loads(DEMO_CATALOG_PATH.read_text(encoding="utf-8"))
    data["credentials"] = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "refresh_token": REFRESH_TOKEN}
    return data


@pytest.fixture
def every_logger_at_debug():
    """Every logger (root, botocore's wire dumps, httpx, …) at DEBUG; the levels are restored afterwards."""
    names = [""] + list(logging.root.manager.loggerDict)
    saved = {name: logging.getLogger(name).level for name in names}

    def lower() -> None:
        for name in [""] + list(logging.root.manager.loggerDict):
            saved.setdefault(name, logging.getLogger(name).level)
            logging.getLogger(name).setLevel(logging.DEBUG)

    yield lower
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


def record_text(record: logging.LogRecord) -> str:
    """Everything a log record carries: message, arguments, extra fields, exception and stack."""
    parts = [record.getMessage(), repr(record.args), repr({k: v for k, v in vars(record).items() if k not in ("exc_info", "args", "msg")})]
    if record.exc_info and record.exc_info[1] is not None:
        error = record.exc_info[1]
        parts += [str(error), repr(error), repr(getattr(error, "args", ()))]
        cause = error.__cause__ or error.__context__
        while cause is not None:
            parts += [str(cause), repr(cause)]
            cause = cause.__cause__ or cause.__context__
    return "\n".join(parts)


@pytest.fixture
def run(caplog, capsys, every_logger_at_debug):
    """The whole run; returns (everything StockGuard wrote, the access tokens issued, the embedded stack)."""
    handler_logs = io.StringIO()
    caplog.set_level(logging.DEBUG)
    with EmbeddedStack(catalog=catalog(), config_text=json.dumps(DEMO_CONFIG), log_stream=handler_logs) as embedded:
        every_logger_at_debug()  # botocore's wire dumps included: they must not show the secret either
        embedded.sync_index()
        sim = embedded.simulator
        sim.faults.add(FaultRule(match="PUT *", kind="429", times=2, retry_after=0))
        sim.faults.add(FaultRule(match="PUT *", kind="429_no_retry_after", times=1))
        sim.faults.add(FaultRule(match="PUT /sb/*", kind="no_success_207", times=1))
        for number, step in enumerate(steps()):
            if number in (2, 5):
                sim.expire_tokens()  # 401 -> one refresh
            embedded.deliver(list(step.bodies))
        embedded.finish()

        # The refresh token is revoked: the next cold start cannot get a token (an auth error, audited)
        logging.disable(logging.CRITICAL)  # the test's own PutSecretValue request is not StockGuard's output
        try:
            embedded.stack.client("secretsmanager").put_secret_value(
                SecretId=embedded.stack.refs["AdsCredentialsSecret"],
                SecretString=json.dumps({"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "refresh_token": REVOKED_REFRESH_TOKEN}),
            )
        finally:
            logging.disable(logging.NOTSET)
        from aws_lambda_powertools.utilities.parameters import base as parameters_base

        from stockguard.ads import clear_token_cache

        parameters_base.clear_caches()
        clear_token_cache()
        sim.expire_tokens()
        embedded.invoker.cold_start(INVENTORY_FUNCTION)
        # (15:00 on the demo's day: the profile mapping is still cached, so the first Ads API call is the pause)
        embedded.deliver([json.dumps(fba("B00003IJKL", "SELLERSKU-3", 0, minutes=7 * 60, nid="after-revocation"))])

        services = embedded.invoker.module(INVENTORY_FUNCTION).services.get()
        tables = {name: scan_all(table) for name, table in embedded.stack.tables.items()}
        dlq = embedded.dlq_messages("InventoryNotificationsDLQ")
        issued = sorted(sim._authority._tokens)  # every access token the simulator issued (test-only peek)
        texts = {
            "handler log stream (powertools JSON + EMF)": handler_logs.getvalue(),
            "log records": "\n".join(record_text(r) for r in caplog.records),
            "formatted logs": caplog.text,
            "DynamoDB items": json.dumps(tables, default=str),
            "DLQ": json.dumps(dlq),
            "actions and decisions": json.dumps([embedded.run.actions, embedded.run.decisions], default=str),
            "reprs": "\n".join([repr(services), repr(services.ads), str(vars(services.ads)), repr(getattr(services.ads, "_tokens", ""))]),
        }
    captured = capsys.readouterr()
    texts["stdout"], texts["stderr"] = captured.out, captured.err
    return texts, issued, tables


def test_no_secret_in_any_output(run):
    texts, issued, tables = run
    # The run exercised what it claims: tokens refreshed, rejections and metrics logged, an auth failure audited
    assert len(issued) >= 3, "tokens were issued and refreshed after expiry"
    assert "rejected notification" in texts["log records"]
    assert '"NotificationsRejected"' in texts["handler log stream (powertools JSON + EMF)"]
    failed = [i for i in tables["AuditTable"] if i["result"] == "failed"]
    assert any("Login with Amazon" in i.get("error", "") for i in failed), "the refused refresh is audited with its reason"
    assert "invalid_grant" in texts["log records"] + texts["handler log stream (powertools JSON + EMF)"]

    secrets_ = {"client secret": CLIENT_SECRET, "refresh token": REFRESH_TOKEN, "revoked refresh token": REVOKED_REFRESH_TOKEN}
    secrets_.update({f"access token #{n}": token for n, token in enumerate(issued)})
    leaks = [f"{what} in {where}" for where, text in texts.items() for what, value in secrets_.items() if value in text]
    leaks += [f"a token ({prefix}…) in {where}" for where, text in texts.items() for prefix in TOKEN_PREFIXES if prefix in text]
    assert not leaks, leaks
