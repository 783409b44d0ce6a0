"""Every AWS API call the handlers make (collected from a moto run of the demo scenario, with faults)
is allowed by that function's policies in template.yaml: action and resource.

The actions of each SAM policy template are read from SAM's own policy_templates.json when the SAM tool
environment is installed (.tools/sam), so the table below cannot drift from SAM unnoticed.
"""

from __future__ import annotations

import fnmatch
import json
import os
from collections import defaultdict
from pathlib import Path

import botocore.client
import pytest

from stockguard_dev.cli.embedded import EmbeddedStack
from stockguard_dev.cli.scenario import DEMO_CONFIG, steps
from stockguard_dev.local.template import functions, load_template
from stockguard_dev.simulator import FaultRule

ROOT = Path(__file__).resolve().parents[2]

# SAM policy template -> (actions, the property naming the resource)
POLICY_TEMPLATES = {
    "DynamoDBCrudPolicy": (
        [
            "dynamodb:GetItem",
            "dynamodb:DeleteItem",
            "dynamodb:PutItem",
            "dynamodb:Scan",
            "dynamodb:Query",
            "dynamodb:UpdateItem",
            "dynamodb:BatchWriteItem",
            "dynamodb:BatchGetItem",
            "dynamodb:DescribeTable",
            "dynamodb:ConditionCheckItem",
        ],
        "TableName",
    ),
    "DynamoDBReadPolicy": (
        ["dynamodb:GetItem", "dynamodb:Scan", "dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:DescribeTable"],
        "TableName",
    ),
    "DynamoDBWritePolicy": (["dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:BatchWriteItem"], "TableName"),
    "SSMParameterReadPolicy": (
        ["ssm:DescribeParameters", "ssm:GetParameters", "ssm:GetParameter", "ssm:GetParametersByPath"],
        "ParameterName",
    ),
    "AWSSecretsManagerGetSecretValuePolicy": (["secretsmanager:GetSecretValue"], "SecretArn"),
    "SQSSendMessagePolicy": (["sqs:SendMessage*"], "QueueName"),
}


def test_policy_table_matches_sam():
    found = list((ROOT / ".tools" / "sam").glob("lib/python*/site-packages/samtranslator/policy_templates_data/policy_templates.json"))
    if not found:
        pytest.skip("SAM tool environment not installed (make tools)")
    templates = json.loads(found[0].read_text())["Templates"]
    for name, (actions, _) in POLICY_TEMPLATES.items():
        sam_actions = [
            a for s in templates[name]["Definition"]["Statement"] for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
        ]
        assert sorted(sam_actions) == sorted(actions), name


# TransactWriteItems has no IAM action of its own: IAM authorizes each entry as its underlying action on its table.
TRANSACT_ACTIONS = {"Update": "UpdateItem", "Put": "PutItem", "ConditionCheck": "ConditionCheckItem", "Delete": "DeleteItem"}


def _calls_of(service: str, operation: str, params: dict) -> list[tuple[str, str, str]]:
    """The (service, action, resource) pairs IAM checks for one API call."""
    if service == "dynamodb" and operation == "TransactWriteItems":
        calls = []
        for item in params["TransactItems"]:
            ((kind, body),) = item.items()
            calls.append((service, TRANSACT_ACTIONS[kind], body["TableName"]))
        return calls
    return [(service, operation, _resource_of(service, params))]


def _resource_of(service: str, params: dict) -> str:
    if service == "dynamodb":
        if "TableName" in params:
            return params["TableName"]
        tables = params.get("RequestItems", {})
        assert len(tables) == 1, params
        return next(iter(tables))
    if service == "ssm":
        return params.get("Name") or ",".join(params.get("Names", []))
    if service == "secretsmanager":
        return params["SecretId"]
    if service == "sqs":
        return params["QueueUrl"].rsplit("/", 1)[1]
    return ""


def test_a_transaction_is_checked_as_the_action_of_each_entry_on_its_table():
    # The demo run's groups have one entity each (single UpdateItems), so the mapping is checked here.
    params = {"TransactItems": [{"Update": {"TableName": "ledger", "Key": {}}}, {"ConditionCheck": {"TableName": "stock", "Key": {}}}]}
    assert _calls_of("dynamodb", "TransactWriteItems", params) == [
        ("dynamodb", "UpdateItem", "ledger"),
        ("dynamodb", "ConditionCheckItem", "stock"),
    ]
    assert _calls_of("dynamodb", "UpdateItem", {"TableName": "ledger"}) == [("dynamodb", "UpdateItem", "ledger")]


@pytest.fixture
def recorded_calls(monkeypatch):
    calls: dict[str, set[tuple[str, str, str]]] = defaultdict(set)
    original = botocore.client.BaseClient._make_api_call

    def recording(self, operation_name, api_params):
        function = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        if function:  # only calls made inside a handler invocation
            service = self.meta.service_model.endpoint_prefix
            calls[function].update(_calls_of(service, operation_name, api_params))
        return original(self, operation_name, api_params)

    monkeypatch.setattr(botocore.client.BaseClient, "_make_api_call", recording)
    return calls


def denied_calls(recorded_calls, specs, resolver) -> list[tuple[str, str, str]]:
    """(function, action, resource) of every recorded call that no policy of that function allows."""
    allowed: dict[str, list[tuple[list[str], str]]] = {}
    for logical_id, spec in specs.items():
        rules = []
        for policy in spec.policies:
            ((name, props),) = policy.items()
            actions, key = POLICY_TEMPLATES[name]
            rules.append((actions, str(resolver.resolve(props[key]))))
        allowed[logical_id] = rules
    denied = []
    for function, calls in recorded_calls.items():
        for service, operation, resource in sorted(calls):
            action = f"{service}:{operation}"
            ok = any(
                any(fnmatch.fnmatch(action, pattern) for pattern in actions)
                and resource in (allowed_resource, allowed_resource.rsplit("/", 1)[-1])
                for actions, allowed_resource in allowed[function]
            )
            if not ok:
                denied.append((function, action, resource))
    return denied


def test_every_aws_call_is_allowed_by_the_template(recorded_calls):
    template = load_template(ROOT / "template.yaml")
    specs = functions(template)
    with EmbeddedStack(config_text=json.dumps(DEMO_CONFIG)) as embedded:
        embedded.sync_index()
        embedded.simulator.faults.add(FaultRule(match="PUT *", kind="429", times=2, retry_after=0))
        for step in steps():
            embedded.deliver(list(step.bodies))
        embedded.finish()
        resolver = embedded.stack.resolver
        physical = {logical: name for logical, name in embedded.stack.tables.items()}
        denied = denied_calls(recorded_calls, specs, resolver)
    assert set(recorded_calls) >= {"InventoryEventsFunction", "OfferEventsFunction", "AdsIndexSyncFunction"}
    assert denied == [], f"calls not allowed by template.yaml: {denied}"
    assert physical  # the run used the template's tables
