"""Least privilege and encryption, read from template.yaml (issue 6, "Security").

The one allowed Resource "*" is inside an AWS::KMS::Key KeyPolicy, where "*" means "this key"
(a key policy cannot name its own ARN). No Action "*" or "service:*" anywhere, key policy included.
"""

from __future__ import annotations

import pytest

from tests.integration.template.cfn import (
    SP_API_SENDER,
    as_list,
    dead_letter_queues,
    get_att,
    main_queues,
    policy_documents,
    props,
    queue_policies_of,
    ref,
    resources,
)

# The SAM policy templates a function may use (each is scoped by its parameter to one resource).
ALLOWED_POLICY_TEMPLATES = {
    "DynamoDBCrudPolicy",
    "DynamoDBReadPolicy",
    "DynamoDBWritePolicy",
    "SSMParameterReadPolicy",
    "AWSSecretsManagerGetSecretValuePolicy",
    "SQSSendMessagePolicy",
    "SQSPollerPolicy",
    "SNSPublishMessagePolicy",
}


def is_wildcard_action(action: object) -> bool:
    return isinstance(action, str) and (action == "*" or action.endswith(":*"))


def test_no_statement_has_a_wildcard_action(template):
    # Given every IAM statement in the template
    statements = list(policy_documents(template))
    assert statements, "the template has no policy statement at all: is the reader broken?"
    # Then none allows every action, or every action of a service
    bad = [(lid, s.get("Sid")) for lid, _, s in statements if any(is_wildcard_action(a) for a in as_list(s.get("Action", [])))]
    assert not bad, f"wildcard actions in {bad}"
    assert not [lid for lid, _, s in statements if "NotAction" in s], "NotAction grants everything else"


def test_resource_star_only_in_a_kms_key_policy(template):
    bad = [
        (lid, s.get("Sid"))
        for lid, type_, s in policy_documents(template)
        if "*" in as_list(s.get("Resource", [])) and type_ != "AWS::KMS::Key"
    ]
    assert not bad, f"Resource '*' outside a KMS key policy: {bad}"
    assert not [lid for lid, _, s in policy_documents(template) if "NotResource" in s]


def test_no_iam_resources_or_managed_policies(template):
    # Roles come from SAM's function Policies (checked below); hand-written IAM would bypass those checks.
    assert not [k for k, v in template["Resources"].items() if v["Type"].startswith("AWS::IAM::")]


def test_function_policies_are_scoped_sam_templates(template):
    resource_ids = set(template["Resources"])
    for logical_id, function in resources(template, "AWS::Serverless::Function").items():
        policies = function["Properties"].get("Policies", [])
        assert policies, f"{logical_id} has no Policies: SAM would not scope its role"
        for policy in as_list(policies):
            # A string is a managed policy name or ARN: never scoped to our resources.
            assert isinstance(policy, dict), f"{logical_id}: managed policy {policy!r} is not allowed"
            if "Statement" in policy:
                for statement in as_list(policy["Statement"]):
                    assert "*" not in as_list(statement.get("Resource", [])), f"{logical_id}: inline Resource '*'"
                continue
            ((name, parameters),) = policy.items()
            assert name in ALLOWED_POLICY_TEMPLATES, f"{logical_id}: policy template {name} not in the allowed set"
            assert isinstance(parameters, dict) and parameters, f"{logical_id}: {name} needs a resource parameter"
            for value in parameters.values():
                # Scoped = the parameter names one of this template's resources, never a literal or '*'.
                named = ref(value) or (get_att(value) or (None,))[0]
                assert named in resource_ids, f"{logical_id}: {name} parameter {value!r} is not a template resource"


def test_every_queue_is_encrypted(template):
    queues = resources(template, "AWS::SQS::Queue")
    assert len(queues) >= 4
    for logical_id, queue in queues.items():
        p = queue.get("Properties", {})
        assert p.get("SqsManagedSseEnabled") is True or p.get("KmsMasterKeyId"), f"{logical_id} is not encrypted"


def test_every_table_is_encrypted_with_point_in_time_recovery(template):
    tables = resources(template, "AWS::DynamoDB::Table")
    assert tables
    for logical_id, table in tables.items():
        p = table["Properties"]
        assert p.get("SSESpecification", {}).get("SSEEnabled") is True, f"{logical_id}: SSEEnabled"
        assert p.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled") is True, f"{logical_id}: PITR"


def test_alerts_topic_is_encrypted_with_the_template_key(template):
    # alias/aws/sns would block CloudWatch alarms from publishing (see the template's comment).
    key = ref(props(template, "AlertsTopic").get("KmsMasterKeyId"))
    assert key in resources(template, "AWS::KMS::Key")
    assert props(template, key).get("EnableKeyRotation") is True


@pytest.mark.parametrize("queue", ["InventoryNotificationsQueue", "OfferNotificationsQueue"])
def test_main_queue_policy_grants_only_the_sp_api_sender(template, queue):
    assert queue in main_queues(template)
    # Given the queue's policies
    policies = queue_policies_of(template, queue)
    assert len(policies) == 1, f"{queue}: exactly one queue policy expected"
    statements = as_list(policies[0]["Properties"]["PolicyDocument"]["Statement"])
    allows = [s for s in statements if s.get("Effect") == "Allow"]
    # Then the only grant is the SP-API sender account, for exactly two actions, on this queue
    assert len(allows) == 1, f"{queue}: one Allow statement expected, got {len(allows)}"
    (grant,) = allows
    assert grant["Principal"] == {"AWS": SP_API_SENDER} or grant["Principal"] == {"AWS": [SP_API_SENDER]}
    assert sorted(as_list(grant["Action"])) == ["sqs:GetQueueAttributes", "sqs:SendMessage"]
    assert [get_att(r) for r in as_list(grant["Resource"])] == [(queue, "Arn")]
    assert "Condition" not in grant or grant["Condition"], "an empty Condition hides nothing but confuses"


def test_every_queue_policy_targets_only_its_own_queues(template):
    for logical_id, policy in resources(template, "AWS::SQS::QueuePolicy").items():
        queues = {ref(q) for q in policy["Properties"]["Queues"]}
        for statement in as_list(policy["Properties"]["PolicyDocument"]["Statement"]):
            targets = {(get_att(r) or (None,))[0] for r in as_list(statement["Resource"])}
            assert targets <= queues, f"{logical_id} grants on a queue it is not attached to"


def test_dead_letter_queues_have_no_cross_account_access(template):
    dlqs = dead_letter_queues(template)
    assert {"InventoryNotificationsDLQ", "OfferNotificationsDLQ", "IndexSyncDLQ"} <= set(dlqs)
    for dlq in dlqs:
        for policy in queue_policies_of(template, dlq):
            for statement in as_list(policy["Properties"]["PolicyDocument"]["Statement"]):
                if statement.get("Effect") != "Allow":
                    continue
                principal = statement["Principal"]
                # Only an AWS service of this account may write (EventBridge dead letters), and only
                # when the condition names our own source; never an account principal.
                assert set(principal) == {"Service"}, f"{dlq}: principal {principal} not allowed on a DLQ"
                condition = statement.get("Condition", {})
                keys = {k for block in condition.values() for k in block}
                assert keys & {"aws:SourceArn", "aws:SourceAccount"}, f"{dlq}: service grant without a source condition"


def test_key_and_topic_policies_grant_cloudwatch_only_for_this_account(template):
    for logical_id, type_, statement in policy_documents(template):
        if type_ not in ("AWS::KMS::Key", "AWS::SNS::TopicPolicy"):
            continue
        principal = statement.get("Principal", {})
        if "Service" in principal:
            assert statement["Condition"]["StringEquals"]["aws:SourceAccount"] == {"Ref": "AWS::AccountId"}, logical_id
        else:
            # The account itself (delegation to IAM), never another account.
            assert principal == {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}}, logical_id
