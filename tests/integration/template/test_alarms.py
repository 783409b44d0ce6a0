"""Every failure mode has an alarm that reaches AlertsTopic; custom metrics match the code's names."""

from __future__ import annotations

import re

import pytest

from stockguard.observability import MetricNames
from tests.integration.template.cfn import (
    as_list,
    dead_letter_queues,
    get_att,
    main_queues,
    ref,
    resources,
)

# Alarmed custom metrics, named through the code's constants: a rename there breaks this test.
CUSTOM_ALARMED = {
    MetricNames.ADS_API_ERRORS: "high",
    MetricNames.ADS_API_THROTTLED: "high",
    MetricNames.NOTIFICATIONS_REJECTED: "high",
    MetricNames.NOTIFICATIONS_RECEIVED: "stale",  # nothing received for StalenessHours
    MetricNames.INDEX_SYNCED: "stale",  # index older than IndexMaxAgeHours
}


def alarms(template: dict) -> dict[str, dict]:
    return {k: v["Properties"] for k, v in resources(template, "AWS::CloudWatch::Alarm").items()}


def alarms_on(template: dict, namespace: str, metric: str) -> list[dict]:
    return [a for a in alarms(template).values() if a.get("Namespace") == namespace and a.get("MetricName") == metric]


def dimension(alarm: dict, name: str):
    values = [d["Value"] for d in alarm.get("Dimensions", []) if d["Name"] == name]
    return values[0] if len(values) == 1 else None


def test_every_alarm_notifies_alerts_topic(template):
    found = alarms(template)
    assert len(found) >= 13
    for logical_id, alarm in found.items():
        assert {"Ref": "AlertsTopic"} in as_list(alarm.get("AlarmActions", [])), f"{logical_id} has no AlarmActions to AlertsTopic"


def test_every_dead_letter_queue_has_a_depth_alarm(template):
    watched = [get_att(dimension(a, "QueueName")) for a in alarms_on(template, "AWS/SQS", "ApproximateNumberOfMessagesVisible")]
    for dlq in dead_letter_queues(template):
        assert (dlq, "QueueName") in watched, f"no depth alarm on {dlq}"
    for a in alarms_on(template, "AWS/SQS", "ApproximateNumberOfMessagesVisible"):
        assert a["Threshold"] == 1 and a["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"


def test_every_main_queue_has_an_oldest_message_age_alarm(template):
    watched = [get_att(dimension(a, "QueueName")) for a in alarms_on(template, "AWS/SQS", "ApproximateAgeOfOldestMessage")]
    for queue in main_queues(template):
        assert (queue, "QueueName") in watched, f"no age alarm on {queue}"


def test_every_function_has_an_error_alarm(template):
    watched = [ref(dimension(a, "FunctionName")) for a in alarms_on(template, "AWS/Lambda", "Errors")]
    for function in resources(template, "AWS::Serverless::Function"):
        assert function in watched, f"no Errors alarm on {function}"


def test_powertools_namespace_and_service_are_the_alarms(template):
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    assert variables["POWERTOOLS_METRICS_NAMESPACE"] == "StockGuard"
    assert variables["POWERTOOLS_SERVICE_NAME"] == "stockguard"


@pytest.mark.parametrize("metric, kind", sorted(CUSTOM_ALARMED.items()))
def test_custom_metric_alarm(template, metric, kind):
    # Given the alarm on the code's metric name in the powertools namespace and service dimension
    found = alarms_on(template, "StockGuard", metric)
    assert len(found) == 1, f"expected one alarm on StockGuard/{metric}, found {len(found)}"
    (alarm,) = found
    assert [d["Name"] for d in alarm["Dimensions"]] == ["service"] and dimension(alarm, "service") == "stockguard"
    if kind == "stale":
        # Then silence itself alarms: fewer than one datapoint per period, missing data breaching.
        assert alarm["ComparisonOperator"] == "LessThanThreshold" and alarm["Threshold"] == 1
        assert alarm["TreatMissingData"] == "breaching"
    else:
        assert alarm["ComparisonOperator"] in ("GreaterThanOrEqualToThreshold", "GreaterThanThreshold")
        assert alarm.get("TreatMissingData") == "notBreaching"


def test_every_stockguard_metric_in_alarms_and_dashboard_exists_in_the_code(template):
    known = {v for k, v in vars(MetricNames).items() if k.isupper()}
    used = {a["MetricName"] for a in alarms(template).values() if a.get("Namespace") == "StockGuard"}
    body = template["Resources"]["Dashboard"]["Properties"]["DashboardBody"]
    text = body["Fn::Sub"][0] if isinstance(body, dict) else str(body)
    used |= set(re.findall(r'\["StockGuard",\s*"(\w+)"', text))
    used |= set(re.findall(r'MetricName=\\"(\w+)\\"', text))
    assert used, "no StockGuard metric found: is the reader broken?"
    assert used <= known, f"metrics the code never emits: {sorted(used - known)}"
