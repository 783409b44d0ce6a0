"""What the template promises about delivery and scheduling (issue 2, template.yaml)."""

from __future__ import annotations

from pathlib import Path

import pytest

from stockguard_dev.local.template import functions
from tests.integration.template.cfn import (
    as_list,
    dead_letter_queues,
    get_att,
    main_queues,
    parameter_default,
    props,
    redrive_target,
    ref,
    resources,
    sqs_events,
)

ROOT = Path(__file__).resolve().parents[3]
FOURTEEN_DAYS = 1_209_600
SQS_FUNCTIONS = {"InventoryEventsFunction": "InventoryNotificationsQueue", "OfferEventsFunction": "OfferNotificationsQueue"}


def test_the_sqs_triggered_functions_are_the_expected_ones(template):
    triggered = {
        logical_id: get_att(event["Properties"]["Queue"])[0]
        for logical_id, f in resources(template, "AWS::Serverless::Function").items()
        for event in sqs_events(f["Properties"]).values()
    }
    assert triggered == SQS_FUNCTIONS


@pytest.mark.parametrize("function", sorted(SQS_FUNCTIONS))
def test_visibility_timeout_is_at_least_six_function_timeouts(template, function):
    # Given the function's effective timeout (Globals merged) and its queue
    timeout = functions(template)[function].timeout
    visibility = int(parameter_default(template, props(template, SQS_FUNCTIONS[function])["VisibilityTimeout"]))
    # Then SQS never redelivers a message a running invocation still holds
    assert visibility >= 6 * timeout, f"{function}: VisibilityTimeout {visibility} < 6 x {timeout}"


@pytest.mark.parametrize("function", sorted(SQS_FUNCTIONS))
def test_sqs_event_reports_batch_item_failures_with_parameterised_batching(template, function):
    (event,) = sqs_events(props(template, function)).values()
    p = event["Properties"]
    assert "ReportBatchItemFailures" in p["FunctionResponseTypes"]
    for key in ("BatchSize", "MaximumBatchingWindowInSeconds"):
        name = ref(p[key])
        assert name in template["Parameters"], f"{function}.{key} must be a parameter"
        assert template["Parameters"][name]["Type"] == "Number"
    # More than 10 records per batch needs a batching window (Lambda rejects it otherwise).
    if int(parameter_default(template, p["BatchSize"])) > 10:
        assert int(parameter_default(template, p["MaximumBatchingWindowInSeconds"])) >= 1


def test_main_queues_redrive_to_their_dlq_after_max_receive_count(template):
    assert template["Parameters"]["MaxReceiveCount"]["Default"] == 5
    targets = []
    for queue in main_queues(template):
        redrive = props(template, queue)["RedrivePolicy"]
        assert ref(redrive["maxReceiveCount"]) == "MaxReceiveCount", queue
        targets.append(redrive_target(template, queue))
    assert len(set(targets)) == len(targets), "each main queue has a DLQ of its own"


def test_dead_letter_queues_keep_messages_fourteen_days(template):
    for dlq in dead_letter_queues(template):
        assert int(parameter_default(template, props(template, dlq)["MessageRetentionPeriod"])) == FOURTEEN_DAYS, dlq


def test_index_sync_runs_on_the_schedule_parameter(template):
    events = props(template, "AdsIndexSyncFunction")["Events"]
    schedules = [e["Properties"] for e in events.values() if e["Type"] == "Schedule"]
    assert len(schedules) == 1
    assert ref(schedules[0]["Schedule"]) == "IndexSyncSchedule"
    assert template["Parameters"]["IndexSyncSchedule"]["Default"] == "rate(1 hour)"
    # A failed delivery or a failed async run lands in a queue an alarm watches.
    assert get_att(schedules[0]["DeadLetterConfig"]["Arn"]) == ("IndexSyncDLQ", "Arn")


def test_runtime_is_python313_everywhere(template):
    assert template["Globals"]["Function"]["Runtime"] == "python3.13"
    for logical_id, f in resources(template, "AWS::Serverless::Function").items():
        assert f["Properties"].get("Runtime", "python3.13") == "python3.13", logical_id
        assert ref(as_list(template["Globals"]["Function"]["Layers"])[0]) == "SharedLayer"
    layer = template["Resources"]["SharedLayer"]
    assert layer["Properties"]["CompatibleRuntimes"] == ["python3.13"]
    # shared/Makefile builds the layer: the runtime package only, wheels for CPython 3.13 x86_64.
    assert layer["Metadata"]["BuildMethod"] == "makefile"
    assert layer["Properties"]["ContentUri"].rstrip("/") == "shared"
    makefile = (ROOT / "shared" / "Makefile").read_text()
    assert "build-SharedLayer:" in makefile
    assert "--python-version 3.13" in makefile and "--platform manylinux2014_x86_64" in makefile
    assert "cp -R stockguard " in makefile and "stockguard_dev" not in makefile.split("build-SharedLayer:")[1]


def test_outputs_name_the_queue_arns_tables_and_topic(template):
    values = [o["Value"] for o in template["Outputs"].values()]
    for queue in ("InventoryNotificationsQueue", "OfferNotificationsQueue"):
        assert {"Fn::GetAtt": [queue, "Arn"]} in values, f"output of {queue}.Arn missing"
    for table in resources(template, "AWS::DynamoDB::Table"):
        assert {"Ref": table} in values, f"output of table {table} missing"
    assert {"Ref": "AlertsTopic"} in values
