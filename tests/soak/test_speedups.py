"""The soak's harness speed-ups give moto's own answers: a small load run with every sped-up call also
answered by moto's original code and compared (part of `make test`; the soak itself is marked soak)."""

from __future__ import annotations

import contextlib

from moto import mock_aws

from stockguard.domain.ads import EntityState
from stockguard.index.sync import sync_index
from stockguard.pipeline.batch import process_batch
from stockguard.policy import StockGuardConfig
from stockguard.state.dynamo import reset_clients
from tests.soak import speedups
from tests.soak.workload import build_workload, sqs_delivery_order, stock_history
from tests.support.fake_ads import FakeAdsApi
from tests.support.notifications import T0, sqs_event
from tests.support.services import make_services
from tests.support.stack import local_stack


def test_sped_up_moto_answers_like_moto_and_the_run_converges():
    workload = build_workload(30)
    facts = stock_history(workload, 300)
    bodies, _, _ = sqs_delivery_order(facts, window=20)
    speedups.verified.clear()
    with speedups.faster_harness(verify=True), mock_aws():
        reset_clients()
        stack = local_stack()
        ads = FakeAdsApi([workload.profile()], workload.entities())
        services = make_services(stack.tables, ads, StockGuardConfig(dwell_minutes=0))
        sync_index(ads=ads, index=services.index, ledger=services.ledger, profiles=[workload.profile()], now=T0)
        for start in range(0, len(bodies), 10):
            pending = sqs_event(*bodies[start : start + 10])["Records"]
            for _ in range(5):
                failed = set(process_batch(pending, services).failed_message_ids)
                pending = [r for r in pending if r["messageId"] in failed]
        final = {(e.ref.ad_product.value, e.ref.entity_id): e.state for e in ads.entities.values()}
        reset_clients()
    # Every kind of sped-up call was compared with moto's own answer (a difference raises inside the run)
    # (Queries: the index sync's and one layout-upgrade Query per product; lookups are BatchGetItem now)
    assert speedups.verified["Query"] >= 30
    assert {"response Query", "response PutItem", "response UpdateItem", "response BatchGetItem"} <= set(speedups.verified)
    # ... and the run reached the states the latest facts call for
    expected = workload.expected_states(facts)
    wrong = {key: state for key, state in expected.items() if final[key] is not EntityState(state)}
    assert wrong == {}


def test_sped_up_moto_answers_ledger_transactions_like_moto():
    from datetime import timedelta

    from stockguard.domain.ads import AdProduct, EntityRef, EntityType
    from stockguard.domain.decisions import Action
    from stockguard.state.ledger import Intent, LedgerRepository

    refs = [EntityRef(profile_id="1", ad_product=AdProduct.SP, entity_type=EntityType.AD, entity_id=f"e-{i}") for i in range(3)]
    speedups.verified.clear()
    with speedups.faster_harness(verify=True), mock_aws():
        reset_clients()
        ledger = LedgerRepository(local_stack().tables["LedgerTable"])
        # Given one entry already paused, When intents are taken for all three (one cancelled round, one applied)
        ledger.intend_pause(refs[0], asin="B0", reason="out_of_stock", notification_id="n0", now=T0)
        ledger.confirm_pause(refs[0], now=T0)
        took = ledger.intend_many(
            Action.PAUSE,
            [Intent(ref=r, asin="B0", reason="out_of_stock", notification_id="n1", now=T0 + timedelta(minutes=1)) for r in refs],
        )
        reset_clients()
    # Then the transaction's answer was compared with moto's own, and the conditions held as they should
    assert took == {refs[1].id, refs[2].id}
    assert speedups.verified["response TransactWriteItems"] >= 1


def _cancelled_transaction_leaves(*, sped_up: bool) -> dict:
    """Run a transaction whose last item fails its condition; return what the table holds afterwards."""
    import boto3
    from botocore.exceptions import ClientError

    harness = speedups.faster_harness() if sped_up else contextlib.nullcontext()
    with harness, mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName="t",
            KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        client.put_item(TableName="t", Item={"pk": {"S": "kept"}, "v": {"N": "1"}})
        client.put_item(TableName="t", Item={"pk": {"S": "guard"}, "v": {"N": "1"}})
        items = [
            {"Put": {"TableName": "t", "Item": {"pk": {"S": "new"}, "v": {"N": "2"}}}},
            {
                "Update": {
                    "TableName": "t",
                    "Key": {"pk": {"S": "kept"}},
                    "UpdateExpression": "SET v = :v",
                    "ExpressionAttributeValues": {":v": {"N": "2"}},
                }
            },
            {
                "Update": {
                    "TableName": "t",
                    "Key": {"pk": {"S": "guard"}},
                    "UpdateExpression": "SET v = :v",
                    "ConditionExpression": "v = :other",
                    "ExpressionAttributeValues": {":v": {"N": "2"}, ":other": {"N": "9"}},
                }
            },
        ]
        try:
            client.transact_write_items(TransactItems=items)
            raise AssertionError("the transaction should have been cancelled")
        except ClientError as error:
            assert error.response["Error"]["Code"] == "TransactionCanceledException"
        return {i["pk"]["S"]: i["v"]["N"] for i in client.scan(TableName="t")["Items"]}


def test_a_cancelled_transaction_rolls_back_as_in_moto():
    # Given a transaction that writes two items and then fails the condition of a third
    # When it runs on moto's own path and on the sped-up one (items snapshotted instead of whole tables)
    plain, fast = _cancelled_transaction_leaves(sped_up=False), _cancelled_transaction_leaves(sped_up=True)
    # Then both leave the table exactly as before: nothing written, nothing lost
    assert plain == fast == {"kept": "1", "guard": "1"}
