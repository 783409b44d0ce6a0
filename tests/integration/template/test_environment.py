"""Every environment variable the code reads is set by the template for the functions that read it,
and resolves to a provisioned resource (so template and code cannot drift apart)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from moto import mock_aws

from stockguard.environment import BatchFunctionEnvironment, IndexSyncEnvironment, ReconcileEnvironment
from stockguard.state.dynamo import reset_clients
from stockguard_dev.local.invoke import LambdaInvoker
from stockguard_dev.local.provision import provision
from stockguard_dev.local.template import functions
from tests.integration.template.cfn import ROOT, TEMPLATE, get_att, props, resources, sqs_events

SHARED = ROOT / "shared" / "stockguard"  # the runtime package (the dev package stockguard_dev is beside it)

# Read by the code but never set by the template, each for a stated reason.
ALLOWED_UNSET = {
    "AWS_REGION": "set by the Lambda runtime itself",
    "AWS_DEFAULT_REGION": "set by the Lambda runtime itself",
    "AWS_LAMBDA_FUNCTION_NAME": "set by the Lambda runtime itself",
    "AWS_ENDPOINT_URL": "boto3's own endpoint override: only the local harness and tests set it",
    "AWS_PROFILE": "the CLI removes it so the embedded default never touches a real account",
}
ALLOWED_PREFIXES = {
    "POWERTOOLS_": "Powertools' own settings (service, namespace and log level are set in Globals; "
    "the rest, e.g. POWERTOOLS_TRACE_DISABLED, are tuning knobs with defaults)",
}

_DIRECT = [
    re.compile(r"os\.environ\[\s*['\"]([A-Z0-9_]+)['\"]\s*\]"),
    re.compile(r"os\.environ\.get\(\s*['\"]([A-Z0-9_]+)['\"]"),
    re.compile(r"os\.getenv\(\s*['\"]([A-Z0-9_]+)['\"]"),
]
_ALIAS = re.compile(r"validation_alias\s*=\s*['\"]([A-Z0-9_]+)['\"]")


def reads(path: Path, *, direct_only: bool = False) -> set[str]:
    """Literal environment reads of a file; with direct_only, not the pydantic aliases."""
    text = path.read_text(encoding="utf-8")
    patterns = _DIRECT if direct_only else [*_DIRECT, _ALIAS]
    return {m.group(1) for pattern in patterns for m in pattern.finditer(text)}


def allowed(name: str) -> bool:
    return name in ALLOWED_UNSET or name.startswith(tuple(ALLOWED_PREFIXES))


def runtime_reads(*, direct_only: bool = False) -> dict[str, set[str]]:
    """Variable -> files of the shared runtime (what every function loads) that read it."""
    found: dict[str, set[str]] = {}
    for path in SHARED.rglob("*.py"):
        for name in reads(path, direct_only=direct_only):
            found.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    return found


def environment_model(template: dict, function: str):
    """The handler's environment model: the batch one for SQS-triggered functions."""
    if function == "ReconcileFunction":
        return ReconcileEnvironment
    return BatchFunctionEnvironment if sqs_events(props(template, function)) else IndexSyncEnvironment


def required_by_function(template: dict, function: str) -> set[str]:
    """What this function reads: its own code, the runtime's direct reads, and every variable of its
    environment model (optional ones included: the template sets them so that an override is one parameter)."""
    spec = functions(template)[function]
    names = {n for path in (ROOT / spec.code_uri).rglob("*.py") for n in reads(path)}
    names |= set(runtime_reads(direct_only=True))  # read wherever the shared runtime runs: every function
    names |= set(environment_model(template, function).variables())
    return {n for n in names if not allowed(n)}


def test_the_scan_finds_the_known_reads():
    # Guards the regexes: if they silently matched nothing every other test here would pass.
    found = runtime_reads()
    assert {"ADS_INDEX_TABLE_NAME", "LEDGER_TABLE_NAME", "ADS_CREDENTIALS_SECRET", "ADS_API_ENDPOINT"} <= set(found)
    # ... and only the environment models read them (adapters get values, never os.environ).
    assert {str(p) for p in found["ADS_API_ENDPOINT"]} == {"shared/stockguard/environment.py"}


def test_every_variable_the_code_reads_is_set_somewhere_or_allowed(template):
    set_anywhere = {n for spec in functions(template).values() for n in spec.environment}
    code = set(runtime_reads())
    for path in (ROOT / "functions").rglob("*.py"):
        code |= reads(path)
    missing = sorted(n for n in code if n not in set_anywhere and not allowed(n))
    assert not missing, f"read by the code, set by no function in template.yaml: {missing}"


@pytest.mark.parametrize("function", ["InventoryEventsFunction", "OfferEventsFunction", "AdsIndexSyncFunction", "ReconcileFunction"])
def test_each_function_gets_every_variable_it_reads(template, function):
    environment = functions(template)[function].environment
    missing = sorted(required_by_function(template, function) - set(environment))
    assert not missing, f"{function} reads {missing} but template.yaml does not set them"


@pytest.fixture
def invoker(template):
    with mock_aws():
        reset_clients()
        yield LambdaInvoker(TEMPLATE, provision(template))
        reset_clients()


@pytest.mark.parametrize("function", ["InventoryEventsFunction", "OfferEventsFunction", "AdsIndexSyncFunction"])
def test_resolved_environment_validates_and_names_provisioned_resources(template, invoker, function):
    stack = invoker.stack
    model = environment_model(template, function)
    # When the function's environment is resolved against the moto stack
    env = model.from_environ(invoker.environment(function))
    # Then every table variable names a provisioned table, and the rest their resources
    for name in env.tables.model_dump().values():
        assert name in stack.tables.values(), f"{function}: {name} is no provisioned table"
    assert env.ads.credentials_secret == stack.refs["AdsCredentialsSecret"]
    assert env.configuration.parameter_name == stack.refs["ConfigParameter"]
    stack.client("ssm").get_parameter(Name=env.configuration.parameter_name)
    if isinstance(env, BatchFunctionEnvironment):
        # Delayed re-evaluation goes back to the function's own queue.
        (event,) = sqs_events(props(template, function)).values()
        assert env.reevaluation.queue_url == stack.queues[get_att(event["Properties"]["Queue"])[0]]


def test_every_table_a_function_names_is_covered_by_its_policies(template):
    tables = set(resources(template, "AWS::DynamoDB::Table"))
    for function, spec in functions(template).items():
        named = {v["Ref"] for v in spec.environment.values() if isinstance(v, dict) and v.get("Ref") in tables}
        granted = {
            params["TableName"]["Ref"]
            for policy in spec.policies
            if isinstance(policy, dict)
            for kind, params in policy.items()
            if kind.startswith("DynamoDB") and isinstance(params, dict)
        }
        assert named <= granted, f"{function} has no DynamoDB policy for {sorted(named - granted)}"


def test_reconcile_environment_validates_and_names_provisioned_resources(template, invoker):
    stack = invoker.stack
    # When ReconcileFunction's environment is resolved against the moto stack
    env = ReconcileEnvironment.from_environ(invoker.environment("ReconcileFunction"))
    # Then its tables, queue and secret are the provisioned ones, and the schedule knobs the parameters' defaults
    assert env.tables.stock_table == stack.tables["StockStateTable"]
    assert env.tables.reconcile_table == stack.tables["ReconcileTable"]
    assert env.schedule.inventory_queue_url == stack.queues["InventoryNotificationsQueue"]
    assert env.sp_api.credentials_secret == stack.refs["SpApiCredentialsSecret"]
    assert (env.schedule.full_sweep_hours, env.schedule.offer_recheck_minutes) == (24, 60)
    assert (env.sp_api.api_endpoint, env.sp_api.token_endpoint) == ("", "")
