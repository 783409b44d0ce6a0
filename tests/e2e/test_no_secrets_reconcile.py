"""No SP-API secret (the app's client secret, a seller's refresh token, an access token the SP-API simulator
issued) appears in any output of ReconcileFunction: log records at DEBUG (every logger, extra fields
included), stdout (powertools JSON and EMF), its report, any DynamoDB item, the inventory queue's messages
or the reprs of its services — across 429s, an access token that expires, and a refresh token that Login
with Amazon refuses (the failure is noted and logged)."""

from __future__ import annotations

import json
import logging
import secrets

from moto import mock_aws

from stockguard.state.dynamo import get_table, reset_clients, scan_all
from stockguard_dev.cli.embedded import _simulator_credentials
from stockguard_dev.local.invoke import LambdaInvoker
from stockguard_dev.simulator import DEMO_CATALOG_PATH, AdsSimulator, FaultConfig, FaultRule, load_catalog
from stockguard_dev.simulator.spapi import SpApiSimulator
from tests.e2e.test_no_secrets import TOKEN_PREFIXES, every_logger_at_debug, record_text  # noqa: F401  (a fixture)
from tests.e2e.test_reconcile_handlers import RECONCILE, inventory_row
from tests.support.notifications import SELLER, US
from tests.support.stack import TEMPLATE, simulated_stack

CLIENT_ID = "amzn1.application-oa2-client." + secrets.token_hex(8)
CLIENT_SECRET = "cs-" + secrets.token_urlsafe(24)
REFRESH_TOKEN = "Atzr|" + secrets.token_urlsafe(32)
REVOKED_REFRESH_TOKEN = "Atzr|" + secrets.token_urlsafe(32)
SCHEDULED = {"source": "aws.events", "detail-type": "Scheduled Event", "detail": {}}


def app_credentials(refresh_token: str) -> dict:
    return {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "sellers": [{"seller_id": SELLER, "region": "na", "refresh_token": refresh_token, "marketplace_ids": [US]}],
    }


def test_no_sp_api_secret_in_any_output(caplog, capsys, every_logger_at_debug):  # noqa: F811
    seed = {SELLER: {US: [inventory_row(35, minutes=30), inventory_row(0, minutes=40, sku="SELLERSKU-2", asin="B00002EFGH")]}}
    with (
        mock_aws(),
        AdsSimulator(load_catalog(DEMO_CATALOG_PATH)) as ads,
        SpApiSimulator(seed, credentials=app_credentials(REFRESH_TOKEN), rate_limiting=False) as spapi,
    ):
        reset_clients()
        logging.disable(logging.CRITICAL)  # the test's own PutSecretValue requests are not StockGuard's output
        try:
            stack = simulated_stack(ads, spapi, ads_credentials=_simulator_credentials(ads), marketplace_ids=[US])
        finally:
            logging.disable(logging.NOTSET)
        invoker = LambdaInvoker(TEMPLATE, stack)
        caplog.set_level(logging.DEBUG)
        every_logger_at_debug()
        spapi.page_size = 1
        spapi.faults = FaultConfig(rules=[FaultRule(match="GET /fba/*", kind="429", times=2, retry_after=0)])
        reports = [invoker.invoke(RECONCILE, {"full": True})]
        spapi.expire_tokens()  # the next call meets a 403 and gets a new access token
        reports.append(invoker.invoke(RECONCILE, {"full": True}))
        # The refresh token is revoked: the next cold start cannot get a token (a failure, noted and logged)
        logging.disable(logging.CRITICAL)  # the test's own PutSecretValue is not StockGuard's output
        try:
            stack.client("secretsmanager").put_secret_value(
                SecretId=stack.refs["SpApiCredentialsSecret"], SecretString=json.dumps(app_credentials(REVOKED_REFRESH_TOKEN))
            )
        finally:
            logging.disable(logging.NOTSET)
        invoker.cold_start(RECONCILE)
        reports.append(invoker.invoke(RECONCILE, SCHEDULED))
        services = invoker.module(RECONCILE).services.get()
        tables = {name: scan_all(get_table(table)) for name, table in stack.tables.items()}
        sqs = stack.client("sqs")
        queued = sqs.receive_message(QueueUrl=stack.queues["InventoryNotificationsQueue"], MaxNumberOfMessages=10).get("Messages", [])
        issued = sorted(spapi._authority._tokens)  # every access token the simulator issued (test-only peek)
        texts = {
            "log records": "\n".join(record_text(r) for r in caplog.records),
            "formatted logs": caplog.text,
            "reports": json.dumps(reports),
            "DynamoDB items": json.dumps(tables, default=str),
            "inventory queue": json.dumps(queued),
            "reprs": "\n".join([repr(services), repr(services.pull_for), repr(services.sellers), str(vars(services.pull_for))]),
        }
    captured = capsys.readouterr()
    texts["stdout"], texts["stderr"] = captured.out, captured.err
    # The run exercised what it claims: reads sent products, tokens were refreshed, the revoked token failed loudly
    assert reports[0]["targets"][0]["status"] == "reconciled" and reports[0]["messages"] >= 1
    assert reports[1]["targets"][0]["status"] == "reconciled", "an expired access token (403) is refreshed once"
    assert len(issued) >= 2
    assert reports[2]["targets"][0]["status"] == "failed"
    (mark,) = tables["ReconcileTable"]
    assert mark["last_error"] and "reconcile failed" in texts["log records"]
    secrets_ = {"client secret": CLIENT_SECRET, "refresh token": REFRESH_TOKEN, "revoked refresh token": REVOKED_REFRESH_TOKEN}
    secrets_.update({f"access token #{n}": token for n, token in enumerate(issued)})
    leaks = [f"{what} in {where}" for where, text in texts.items() for what, value in secrets_.items() if value in text]
    leaks += [f"a token ({prefix}…) in {where}" for where, text in texts.items() for prefix in TOKEN_PREFIXES if prefix in text]
    assert not leaks, leaks
