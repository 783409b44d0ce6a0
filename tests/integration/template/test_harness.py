"""The local harness provisions the template's resources as declared, and every handler loads the
way SAM loads it (handler path from the template)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from moto import mock_aws

from stockguard.state.dynamo import reset_clients
from stockguard_dev.local.invoke import LambdaInvoker
from stockguard_dev.local.provision import provision
from stockguard_dev.local.template import functions
from tests.integration.template.cfn import ROOT, TEMPLATE, main_queues, props, redrive_target, resources


@pytest.fixture
def stack(template):
    with mock_aws():
        reset_clients()
        yield provision(template)
        reset_clients()


def test_every_table_is_created_with_its_keys_indexes_and_ttl(template, stack):
    ddb = stack.client("dynamodb")
    declared = resources(template, "AWS::DynamoDB::Table")
    assert set(stack.tables) == set(declared)
    for logical_id, resource in declared.items():
        p = resource["Properties"]
        # When the provisioned table is described
        table = ddb.describe_table(TableName=stack.tables[logical_id])["Table"]
        # Then keys and GSIs are those of the template
        assert table["KeySchema"] == p["KeySchema"], logical_id
        assert {i["IndexName"] for i in table.get("GlobalSecondaryIndexes", [])} == {
            i["IndexName"] for i in p.get("GlobalSecondaryIndexes", [])
        }, logical_id
        ttl = ddb.describe_time_to_live(TableName=stack.tables[logical_id])["TimeToLiveDescription"]
        if p.get("TimeToLiveSpecification", {}).get("Enabled"):
            assert ttl["TimeToLiveStatus"] == "ENABLED" and ttl["AttributeName"] == p["TimeToLiveSpecification"]["AttributeName"]
        else:
            assert ttl["TimeToLiveStatus"] == "DISABLED", logical_id


def test_audit_table_has_the_by_day_index(stack):
    table = stack.client("dynamodb").describe_table(TableName=stack.tables["AuditTable"])["Table"]
    (gsi,) = table["GlobalSecondaryIndexes"]
    assert gsi["IndexName"] == "by_day"
    assert [k["AttributeName"] for k in gsi["KeySchema"]] == ["day", "sk"]


def test_every_queue_is_created_and_main_queues_redrive_to_their_dlq(template, stack):
    sqs = stack.client("sqs")
    assert set(stack.queues) == set(resources(template, "AWS::SQS::Queue"))
    for queue in main_queues(template):
        attributes = sqs.get_queue_attributes(QueueUrl=stack.queues[queue], AttributeNames=["All"])["Attributes"]
        redrive = json.loads(attributes["RedrivePolicy"])
        assert redrive["deadLetterTargetArn"] == stack.queue_arns[redrive_target(template, queue)]
        assert int(redrive["maxReceiveCount"]) == template["Parameters"]["MaxReceiveCount"]["Default"]
        assert int(attributes["VisibilityTimeout"]) == props(template, queue)["VisibilityTimeout"]


@pytest.mark.parametrize("function", ["InventoryEventsFunction", "OfferEventsFunction", "AdsIndexSyncFunction"])
def test_handler_file_exists_and_imports_through_the_invoker(template, stack, function):
    # Given the function as the template declares it
    spec = functions(template)[function]
    assert (ROOT / spec.module_file).is_file(), f"{function}: {spec.module_file} missing"
    assert Path(spec.code_uri).parts[0] == "functions"
    # When the invoker loads it the way SAM does
    module = LambdaInvoker(TEMPLATE, stack).module(function)
    # Then the named handler is a callable
    assert callable(getattr(module, spec.function_name, None)), f"{function}: {spec.handler} is not callable"


def test_the_template_declares_exactly_the_functions_on_disk(template):
    declared = {Path(s.code_uri).name for s in functions(template).values()}
    on_disk = {p.parent.name for p in (ROOT / "functions").glob("*/app.py")}
    assert declared == on_disk
