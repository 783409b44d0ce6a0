"""Small readers of the parsed template (intrinsics as {"Ref": ...} / {"Fn::GetAtt": [...]} dicts)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
TEMPLATE = ROOT / "template.yaml"
SP_API_SENDER = "arn:aws:iam::437568002678:root"


def as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def resources(template: dict, type_: str) -> dict[str, dict]:
    return {k: v for k, v in template["Resources"].items() if v.get("Type") == type_}


def props(template: dict, logical_id: str) -> dict:
    return template["Resources"][logical_id].get("Properties", {})


def ref(value: Any) -> str | None:
    """Logical id named by {"Ref": x}, else None."""
    return value.get("Ref") if isinstance(value, dict) and set(value) == {"Ref"} else None


def get_att(value: Any) -> tuple[str, str] | None:
    if isinstance(value, dict) and set(value) == {"Fn::GetAtt"}:
        logical, attr = value["Fn::GetAtt"]
        return logical, attr
    return None


def parameter_default(template: dict, value: Any) -> Any:
    """A literal, or the default of the parameter it references."""
    name = ref(value)
    if name is not None and name in template.get("Parameters", {}):
        return template["Parameters"][name]["Default"]
    return value


def policy_documents(template: dict) -> Iterator[tuple[str, str, dict]]:
    """(logical id, resource type, statement) for every IAM statement anywhere in the template:
    inline function policies, queue/topic policies, key policies, IAM resources."""

    def walk(node: Any) -> Iterator[dict]:
        if isinstance(node, dict):
            if "Statement" in node:
                yield from (s for s in as_list(node["Statement"]) if isinstance(s, dict))
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    for logical_id, resource in template["Resources"].items():
        for statement in walk(resource.get("Properties", {})):
            yield logical_id, resource["Type"], statement


def main_queues(template: dict) -> list[str]:
    """Queues that receive notifications: the ones with a redrive policy."""
    return [k for k, v in resources(template, "AWS::SQS::Queue").items() if "RedrivePolicy" in v.get("Properties", {})]


def dead_letter_queues(template: dict) -> list[str]:
    return [k for k in resources(template, "AWS::SQS::Queue") if k not in main_queues(template)]


def redrive_target(template: dict, queue: str) -> str:
    target = get_att(props(template, queue)["RedrivePolicy"]["deadLetterTargetArn"])
    assert target and target[1] == "Arn", f"{queue}: deadLetterTargetArn must be !GetAtt <DLQ>.Arn"
    return target[0]


def queue_policies_of(template: dict, queue: str) -> list[dict]:
    return [p for p in resources(template, "AWS::SQS::QueuePolicy").values() if queue in [ref(q) for q in p["Properties"]["Queues"]]]


def sqs_events(function_props: dict) -> dict[str, dict]:
    return {k: v for k, v in function_props.get("Events", {}).items() if v.get("Type") == "SQS"}
