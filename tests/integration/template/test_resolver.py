"""The intrinsic resolver answers as CloudFormation would for the forms the template uses."""

from __future__ import annotations

from stockguard_dev.local.template import Resolver

TEMPLATE = {
    "Conditions": {
        "HasEmail": {"Fn::Not": [{"Fn::Equals": [{"Ref": "AlertEmail"}, ""]}]},
    }
}


def resolver(**parameters: str) -> Resolver:
    return Resolver(
        template=TEMPLATE,
        parameters={"AlertEmail": "", "Mode": "monitor", **parameters},
        refs={"Queue": "https://sqs.local/q"},
        attributes={("Queue", "Arn"): "arn:aws:sqs:us-east-1:123456789012:q", ("Queue", "QueueName"): "q"},
        pseudo={"AWS::Region": "us-east-1", "AWS::StackName": "sg"},
    )


def test_sub_with_an_empty_variable_keeps_the_empty_string():
    # An empty string is a value, not "look the name up elsewhere" (the name exists nowhere else).
    assert resolver().resolve({"Fn::Sub": ["[${Empty}]", {"Empty": ""}]}) == "[]"


def test_sub_resolves_parameters_pseudo_parameters_refs_and_attributes():
    value = {"Fn::Sub": "${AWS::StackName}/${Mode}/${Queue}/${Queue.QueueName}/${Queue.Arn}"}
    assert resolver().resolve(value) == "sg/monitor/https://sqs.local/q/q/arn:aws:sqs:us-east-1:123456789012:q"


def test_sub_leaves_an_escaped_placeholder_literal():
    assert resolver().resolve({"Fn::Sub": "${!Literal}-${Mode}"}) == "${Literal}-monitor"


def test_if_follows_the_condition_on_parameter_values():
    value = {"Fn::If": ["HasEmail", "subscribe", "skip"]}
    assert resolver().resolve(value) == "skip"
    assert resolver(AlertEmail="ops@example.com").resolve(value) == "subscribe"


def test_getatt_in_both_spellings():
    assert resolver().resolve({"Fn::GetAtt": ["Queue", "Arn"]}) == resolver().resolve({"Fn::GetAtt": "Queue.Arn"})
