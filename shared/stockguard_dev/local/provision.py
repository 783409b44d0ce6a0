"""Create template.yaml's stateful resources in moto (in process, or a moto server) and resolve the
functions' environments against them, as CloudFormation would after `sam deploy`.

Provisioned: SQS queues (redrive policies, visibility timeouts, SSE), DynamoDB tables (keys, GSIs, TTL),
the SNS topic, the Secrets Manager secret and the SSM configuration parameter. Functions, alarms, the
dashboard, IAM and KMS are not needed to run the handlers locally and are skipped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import boto3

from stockguard_dev.local.template import Resolver, functions, parameter_defaults

ACCOUNT = "123456789012"


@dataclass
class ProvisionedStack:
    template: dict
    region: str
    stack_name: str
    endpoint_url: str | None
    parameters: dict[str, str]
    refs: dict[str, str] = field(default_factory=dict)
    attributes: dict[tuple[str, str], str] = field(default_factory=dict)
    tables: dict[str, str] = field(default_factory=dict)  # logical id -> table name
    queues: dict[str, str] = field(default_factory=dict)  # logical id -> queue URL
    queue_arns: dict[str, str] = field(default_factory=dict)

    @property
    def resolver(self) -> Resolver:
        pseudo = {
            "AWS::Region": self.region,
            "AWS::AccountId": ACCOUNT,
            "AWS::StackName": self.stack_name,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NoValue": "",
        }
        return Resolver(self.template, self.parameters, self.refs, self.attributes, pseudo)

    def environment_for(self, function_logical_id: str) -> dict[str, str]:
        spec = functions(self.template)[function_logical_id]
        resolver = self.resolver
        return {k: str(resolver.resolve(v)) for k, v in spec.environment.items()}

    def client(self, service: str):
        return boto3.client(service, region_name=self.region, endpoint_url=self.endpoint_url)


def provision(
    template: dict,
    *,
    endpoint_url: str | None = None,
    region: str = "us-east-1",
    stack_name: str = "stockguard-local",
    parameters: dict[str, Any] | None = None,
) -> ProvisionedStack:
    params = parameter_defaults(template)
    params.update({k: str(v) for k, v in (parameters or {}).items()})
    stack = ProvisionedStack(template=template, region=region, stack_name=stack_name, endpoint_url=endpoint_url, parameters=params)
    resources = template.get("Resources", {})
    # Dead-letter queues first: redrive policies reference their ARNs.
    ordered = sorted(resources.items(), key=lambda kv: "RedrivePolicy" in kv[1].get("Properties", {}))
    for logical_id, resource in ordered:
        creator = _CREATORS.get(resource.get("Type"))
        if creator:
            creator(stack, logical_id, resource.get("Properties", {}))
    return stack


def _queue(stack: ProvisionedStack, logical_id: str, props: dict) -> None:
    resolver = stack.resolver
    name = f"{stack.stack_name}-{logical_id}"
    attributes: dict[str, str] = {}
    for key in ("VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds", "ReceiveMessageWaitTimeSeconds"):
        if key in props:
            attributes[key] = str(resolver.resolve(props[key]))
    if "SqsManagedSseEnabled" in props:
        attributes["SqsManagedSseEnabled"] = str(bool(props["SqsManagedSseEnabled"])).lower()
    if "RedrivePolicy" in props:
        policy = resolver.resolve(props["RedrivePolicy"])
        attributes["RedrivePolicy"] = json.dumps(
            {"deadLetterTargetArn": policy["deadLetterTargetArn"], "maxReceiveCount": int(policy["maxReceiveCount"])}
        )
    sqs = stack.client("sqs")
    url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    stack.refs[logical_id] = url
    stack.attributes.update({(logical_id, "Arn"): arn, (logical_id, "QueueName"): name, (logical_id, "QueueUrl"): url})
    stack.queues[logical_id] = url
    stack.queue_arns[logical_id] = arn


def _table(stack: ProvisionedStack, logical_id: str, props: dict) -> None:
    name = f"{stack.stack_name}-{logical_id}"
    args: dict[str, Any] = {
        "TableName": name,
        "KeySchema": props["KeySchema"],
        "AttributeDefinitions": props["AttributeDefinitions"],
        "BillingMode": props.get("BillingMode", "PAY_PER_REQUEST"),
    }
    if props.get("GlobalSecondaryIndexes"):
        args["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
    if props.get("SSESpecification"):
        args["SSESpecification"] = {"Enabled": bool(props["SSESpecification"].get("SSEEnabled"))}
    ddb = stack.client("dynamodb")
    arn = ddb.create_table(**args)["TableDescription"]["TableArn"]
    ttl = props.get("TimeToLiveSpecification")
    if ttl and ttl.get("Enabled"):
        ddb.update_time_to_live(TableName=name, TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True})
    if props.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled"):
        ddb.update_continuous_backups(TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True})
    stack.refs[logical_id] = name
    stack.attributes[(logical_id, "Arn")] = arn
    stack.tables[logical_id] = name


def _topic(stack: ProvisionedStack, logical_id: str, props: dict) -> None:
    arn = stack.client("sns").create_topic(Name=f"{stack.stack_name}-{logical_id}")["TopicArn"]
    stack.refs[logical_id] = arn
    stack.attributes[(logical_id, "TopicName")] = arn.rsplit(":", 1)[1]


def _secret(stack: ProvisionedStack, logical_id: str, props: dict) -> None:
    value = stack.resolver.resolve(props.get("SecretString", "{}"))
    arn = stack.client("secretsmanager").create_secret(Name=f"{stack.stack_name}-{logical_id}", SecretString=value)["ARN"]
    stack.refs[logical_id] = arn


def _parameter(stack: ProvisionedStack, logical_id: str, props: dict) -> None:
    resolver = stack.resolver
    name = str(resolver.resolve(props.get("Name", f"{stack.stack_name}-{logical_id}")))
    stack.client("ssm").put_parameter(
        Name=name, Value=str(resolver.resolve(props["Value"])), Type=props.get("Type", "String"), Overwrite=True
    )
    stack.refs[logical_id] = name


_CREATORS = {
    "AWS::SQS::Queue": _queue,
    "AWS::DynamoDB::Table": _table,
    "AWS::SNS::Topic": _topic,
    "AWS::SecretsManager::Secret": _secret,
    "AWS::SSM::Parameter": _parameter,
}
