"""No log line, metric, exception, audit record or CLI output contains a secret (client secret, refresh
token, access token), across a full end-to-end run with token expiry, throttling and bad input."""

from __future__ import annotations

import io
import json
import logging

from stockguard.cli.embedded import EmbeddedStack
from stockguard.cli.scenario import DEMO_CONFIG, steps
from stockguard.simulator import FaultRule
from stockguard.state.report import asin_status

SECRETS = ("demo-client-secret", "Atzr|demo-refresh-token", "Atza|")


def test_no_secret_anywhere(caplog, capsys):
    caplog.set_level(logging.DEBUG)
    handler_logs = io.StringIO()
    with EmbeddedStack(config_text=json.dumps(DEMO_CONFIG), log_stream=handler_logs) as embedded:
        embedded.sync_index()
        embedded.simulator.faults.add(FaultRule(match="PUT *", kind="429", times=2, retry_after=0))
        embedded.simulator.faults.add(FaultRule(match="PUT *", kind="no_success_207", times=1))
        for number, step in enumerate(steps()):
            if number == 4:
                embedded.simulator.expire_tokens()  # 401 -> refresh mid-run
            embedded.deliver(list(step.bodies))
        embedded.finish()
        tables = embedded.stack.tables
        audit = [
            asin_status(
                asin=asin,
                marketplace_id=None,
                tables={"stock": tables["StockStateTable"], "index": tables["AdsIndexTable"], "ledger": tables["LedgerTable"], "audit": tables["AuditTable"]},
            )
            for asin in ("B00001ABCD", "B0V0000001")
        ]
        dlq = embedded.dlq_messages("InventoryNotificationsDLQ")
        issued = [r for r in embedded.simulator.requests if r.path == "/auth/o2/token"]
    captured = capsys.readouterr()
    text = "\n".join(
        [handler_logs.getvalue(), caplog.text, captured.out, captured.err, json.dumps(audit), json.dumps(dlq), json.dumps(embedded.run.actions)]
        + [str(r.exc_info[1]) for r in caplog.records if r.exc_info]
    )
    assert len(issued) >= 2, "the token was refreshed during the run"
    assert "rejected notification" in text and "AdsPaused" in handler_logs.getvalue(), "logs and EMF metrics were captured"
    for secret in SECRETS:
        assert secret not in text, f"{secret[:6]}… leaked"
