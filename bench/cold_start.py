"""Cold start as a ratio from one run: the inventory handler's import + services build + first batch, against a
floor that imports boto3, Powertools, httpx and pydantic and builds one client of each.

Both run in fresh interpreters with compiled bytecode (the median of 5 each), against the same embedded
default (a moto server and the Ads API simulator on 127.0.0.1, started once by this process): the handler
gets the environment template.yaml gives InventoryEventsFunction, and one SQS event with one FBA
notification. The ratio is what StockGuard's own code adds to the unavoidable libraries' cold start.

    .venv/bin/python bench/cold_start.py
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FLOOR = """
import time
t = time.perf_counter()
import boto3, httpx, pydantic
from aws_lambda_powertools import Logger, Metrics, Tracer
boto3.client("dynamodb")
httpx.Client()
class M(pydantic.BaseModel):
    x: int
M(x=1)
Logger(service="floor"); Metrics(namespace="Floor", service="floor"); Tracer(service="floor")
print(time.perf_counter() - t)
"""

HANDLER = """
import json, sys, time
t = time.perf_counter()
import importlib.util as u
s = u.spec_from_file_location("app", {app!r}); m = u.module_from_spec(s); s.loader.exec_module(m)
class Context:
    function_name = "InventoryEventsFunction"; memory_limit_in_mb = 512; aws_request_id = "cold"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:InventoryEventsFunction"
    def get_remaining_time_in_millis(self): return 60000
result = m.handler(json.loads(sys.stdin.read()), Context())
assert result == {{"batchItemFailures": []}}, result
print(time.perf_counter() - t)
"""


def _median_seconds(code: str, env: dict[str, str], stdin: str = "", runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", code], env=env, input=stdin, capture_output=True, text=True, check=True)
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return statistics.median(times)


def measure() -> tuple[float, float]:
    """(floor seconds, handler seconds), medians of 5 fresh interpreters each."""
    from stockguard_dev.cli.embedded import EmbeddedStack
    from tests.support.notifications import fba, sqs_event

    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "shared"), str(ROOT / "functions")], check=False)
    base = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    floor = _median_seconds(FLOOR, {**base, "AWS_DEFAULT_REGION": "us-east-1"})
    with EmbeddedStack() as embedded:
        embedded.sync_index()
        assert embedded.invoker is not None
        env = {**base, **embedded.invoker.environment("InventoryEventsFunction"), "POWERTOOLS_TRACE_DISABLED": "1"}
        env.update({k: os.environ[k] for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN") if k in os.environ})
        app = str(ROOT / "functions" / "inventory_events" / "app.py")
        runs = []
        for i in range(5):  # a new notification each time: the first batch really records and decides
            event = sqs_event(fba("B00001ABCD", "SELLERSKU-1", 30 + i, minutes=i, nid=f"cold-{i}"))
            runs.append(_median_seconds(HANDLER.format(app=app), env, json.dumps(event), runs=1))
        handler = statistics.median(runs)
    return floor, handler


def lines() -> list[str]:
    floor, handler = measure()
    return [
        f"Cold start ratio (one run, medians of 5 fresh interpreters, compiled bytecode): inventory handler import + "
        f"services build + first batch {handler * 1000:.0f} ms against the floor (import boto3, Powertools, httpx, pydantic "
        f"and build one client each) {floor * 1000:.0f} ms: **{handler / floor:.2f}x** (goal <= 1.2x). The handler's part "
        "includes its first real round trips (SSM, Secrets Manager, Login with Amazon, DynamoDB, the Ads API) to the "
        "embedded default on 127.0.0.1.",
        "Powertools' Tracer imports the X-ray SDK (~0.2 s) even when tracing is disabled (Tracer.__init__ patches the "
        "X-ray provider and `_disable_tracer_provider` calls `aws_xray_sdk.global_sdk_config`), so it cannot be loaded "
        "only when tracing is enabled without replacing the Tracer; with `Tracing: Active` (template.yaml) it is needed anyway.",
    ]


if __name__ == "__main__":
    print("\n".join(lines()))
