"""StockGuard benchmarks: prints figures and rewrites BENCHMARKS.md. Never part of the test suite.

    .venv/bin/python bench/run_benchmarks.py [--quick]

--quick (a smaller restock wave) only prints: its figures must not replace the published ones.

1. Throughput of the inventory pipeline in process: against moto (in-process DynamoDB) with an
   in-memory fake Ads API (the code's own cost plus DynamoDB emulation), and end to end through the
   real handlers against a moto server and the Ads API simulator over HTTP.
2. Calls per notification: AWS calls (botocore) and Ads API calls for unchanged stock, a stock-out and a
   restock of one ASIN advertised by N entities, a restock after an operator re-enabled one ad, and a
   restock wave. State-change (PUT) and re-read (list) calls are reported apart; the benchmark stops if a
   group is re-read more than once or either kind exceeds the coalescing bound (sum of ceil(entities / max)).
3. Cold start: import time of each handler module with compiled bytecode; built artifact sizes; the ratio of
   handler import + services build + first batch to a floor of the libraries alone (bench/cold_start.py).
4. Demo lag: notification sent -> Ads API change applied.
5. Code only (bench/code_only.py): the restock wave with every store in memory and a fake Ads API, one
   core, no I/O: the code's own notifications/s, with a profile summary.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections import Counter
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
    os.environ.setdefault(key, "bench")
os.environ["POWERTOOLS_TRACE_DISABLED"] = "1"

import logging  # noqa: E402

import botocore.client  # noqa: E402
from moto import mock_aws  # noqa: E402

logging.getLogger("stockguard").setLevel(logging.ERROR)

AWS_CALLS: Counter[str] = Counter()
_original = botocore.client.BaseClient._make_api_call


def _counting(self, operation, params):
    AWS_CALLS[f"{self.meta.service_model.endpoint_prefix}:{operation}"] += 1
    return _original(self, operation, params)


botocore.client.BaseClient._make_api_call = _counting


def world(n_entities_per_asin: int, asins: list[str]):
    """moto tables + a fake Ads API where each ASIN is advertised by N entities spread over SP/SB/SD."""
    from bench.code_only import bench_entities
    from stockguard.ads.port import Profile, Region
    from stockguard.index.sync import sync_index
    from stockguard.policy import StockGuardConfig
    from stockguard.state.dynamo import reset_clients
    from tests.support.fake_ads import FakeAdsApi
    from tests.support.notifications import SELLER, T0, US
    from tests.support.services import make_services
    from tests.support.stack import local_stack

    reset_clients()
    stack = local_stack()
    entities = bench_entities(asins, n_entities_per_asin)
    profile = Profile(profile_id="P1", marketplace_id=US, account_id=SELLER, region=Region.NA)
    ads = FakeAdsApi([profile], entities)
    services = make_services(stack.tables, ads, StockGuardConfig(dwell_minutes=0))
    sync_index(ads=ads, index=services.index, ledger=services.ledger, profiles=[profile], now=T0)
    ads.calls.clear()
    return services, ads, entities


def deliver(services, bodies, batch_size=10):
    from stockguard.pipeline.batch import process_batch
    from tests.support.notifications import sqs_event

    for start in range(0, len(bodies), batch_size):
        process_batch(sqs_event(*bodies[start : start + batch_size])["Records"], services)


def ads_counts(ads) -> tuple[int, int, int]:
    """(state-change calls, re-read list calls, re-read invocations) of the fake Ads API since its last clear.

    The fake counts list calls as the client sends them (one per id-filter maximum, which per kind is the
    PUT maximum); an invocation of get_states is one group's re-read, however many list calls it needs.
    """
    puts = sum(v for k, v in ads.calls.items() if k.startswith("set_states"))
    lists = sum(v for k, v in ads.calls.items() if k.startswith("get_states"))
    return puts, lists, len(ads.get_calls)


def clear(ads) -> None:
    ads.calls.clear()
    ads.set_calls.clear()
    ads.get_calls.clear()


def groups_and_bound(entities) -> tuple[int, int]:
    """(groups, sum of ceil(entities / per-call maximum) over the groups) of the entities that change state:
    at most one re-read per group, and neither the PUTs nor the list calls of a group may exceed its chunks."""
    from stockguard.domain.ads import MAX_UPDATE_BATCH

    by = Counter((e.ref.profile_id, e.ref.ad_product, e.ref.entity_type) for e in entities)
    return len(by), sum(math.ceil(n / MAX_UPDATE_BATCH[(product, kind)]) for (_, product, kind), n in by.items())


def row(scenario: str, notifications: int, puts: int, lists: int, rereads: int, groups: int, bound: int, note: str = "") -> str:
    """One table row; a scenario that breaks the coalescing bounds stops the benchmark (a figure, not a pass)."""
    if rereads > groups or lists > bound or puts > bound:
        raise SystemExit(f"{scenario}: {rereads} re-reads for {groups} groups, {lists} list / {puts} PUT calls over the bound {bound}")
    return (
        f"| {scenario} | {notifications} | {sum(AWS_CALLS.values()) / notifications:.1f} | {puts} | {lists} | "
        f"{rereads} / {groups} | {bound}{note} |"
    )


def bench_calls(quick: bool) -> list[str]:
    from tests.soak.speedups import faster_harness  # moto's O(table) Query and slow serializer, same answers
    from tests.support.notifications import fba

    lines = [
        "| scenario | notifications | AWS calls / notification | Ads API state-change calls (PUT) | re-read calls (list) "
        "| re-reads / groups | bound (sum ceil(entities/max)) |",
        "|---|---|---|---|---|---|---|",
    ]
    with mock_aws():
        services, ads, _ = world(3, ["B000000001"])
        deliver(services, [fba("B000000001", "SKU-1", 40, minutes=0, nid="a")])
        AWS_CALLS.clear()
        clear(ads)
        deliver(services, [fba("B000000001", "SKU-1", 39, minutes=5, nid="b")])
        lines.append(row("unchanged stock (3 entities)", 1, *ads_counts(ads), 0, 0))
    for n in (1, 10, 100):
        with mock_aws():
            services, ads, entities = world(n, ["B000000001"])
            for step, units, minutes in (("stock-out", 0, 0), ("restock", 40, 60)):
                AWS_CALLS.clear()
                clear(ads)
                deliver(services, [fba("B000000001", "SKU-1", units, minutes=minutes, nid=step)])
                lines.append(row(f"{step}, 1 ASIN x {n} entities", 1, *ads_counts(ads), *groups_and_bound(entities)))
    lines.append(bench_operator_override())
    lines += bench_restock_wave(quick, faster_harness)
    return lines


def bench_operator_override() -> str:
    """A restock after the operator re-enabled one of the three ads paused: re-read, no PUT for that one."""
    from stockguard.domain.ads import EntityState
    from tests.support.notifications import fba

    with mock_aws():
        services, ads, entities = world(3, ["B000000001"])
        deliver(services, [fba("B000000001", "SKU-1", 0, minutes=0, nid="out")])
        ads.set_state(entities[0], EntityState.ENABLED)  # the operator, in the console; the index still says PAUSED
        AWS_CALLS.clear()
        clear(ads)
        deliver(services, [fba("B000000001", "SKU-1", 40, minutes=60, nid="back")])
        puts, lists, rereads = ads_counts(ads)
        if any(entities[0].ref.entity_id in [i for i, _ in call[3]] for call in ads.set_calls):
            raise SystemExit("the ad the operator re-enabled was PUT again")
        return row("restock, 3 entities, 1 re-enabled by the operator", 1, puts, lists, rereads, *groups_and_bound(entities))


def bench_restock_wave(quick: bool, faster_harness) -> list[str]:
    from tests.support.notifications import fba

    notifications, n_asins = (2000, 400) if quick else (10_000, 2_000)
    with faster_harness(), mock_aws():
        asins = [f"B{i:09d}" for i in range(n_asins)]
        services, ads, entities = world(3, asins)
        deliver(services, [fba(a, f"SKU-{a}", 0, minutes=0, nid=f"o-{a}") for a in asins])
        AWS_CALLS.clear()
        clear(ads)
        wave = [
            fba(asins[i % n_asins], f"SKU-{asins[i % n_asins]}", 50 + i, minutes=60 + i // n_asins, nid=f"r-{i}")
            for i in range(notifications)
        ]
        started = time.monotonic()
        deliver(services, wave)
        elapsed = time.monotonic() - started
        # Per batch of 10, the entities of its ASINs still paused are resumed, coalesced per (profile, ad
        # product, entity type); later notifications of an ASIN already back change nothing (no call at all).
        groups = bound = 0
        paused = set(asins)
        for start in range(0, notifications, 10):
            batch_asins = {asins[i % n_asins] for i in range(start, min(start + 10, notifications))} & paused
            paused -= batch_asins
            batch_groups, batch_bound = groups_and_bound([e for e in entities if e.asins[0] in batch_asins])
            groups, bound = groups + batch_groups, bound + batch_bound
        scenario = f"restock wave: {notifications} notifications over {n_asins} ASINs (3 entities each), batches of 10"
        return [
            row(scenario, notifications, *ads_counts(ads), groups, bound, f" (per batch; {len(entities)} entities)"),
            f"\nRestock wave throughput (moto in process sped up by tests/soak/speedups.py + fake Ads API): {notifications / elapsed:.0f} notifications/s.",
            "\nRe-reads: a pause and a resume re-read their entities first, with one get_states per (profile, ad product, "
            "entity type) group, which the client sends as one list call per id-filter maximum (SP 1000, SB 10, SD 100).",
        ]


def bench_e2e_and_lag() -> list[str]:
    from stockguard_dev.cli.embedded import EmbeddedStack
    from stockguard_dev.cli.scenario import DEMO_CONFIG, steps

    lags: list[float] = []
    with EmbeddedStack(config_text=json.dumps(DEMO_CONFIG)) as embedded:
        embedded.sync_index()
        started = time.monotonic()
        records = 0
        for step in steps():
            seen = len(embedded.run.actions)
            sent = time.monotonic()
            embedded.deliver(list(step.bodies))
            records += len(step.bodies)
            lags += [a["wallClock"] - sent for a in embedded.run.actions[seen:] if a["result"] == "applied"]
        elapsed = time.monotonic() - started
        calls = Counter(f"{r.method} {r.path}" for r in embedded.simulator.requests)
    lags.sort()
    return [
        f"End to end through the real handlers (moto server + simulator over HTTP, demo scenario): {records} notifications "
        f"in {elapsed:.2f} s ({records / elapsed:.1f} notifications/s, including redeliveries of the poison message).",
        f"Demo lag, notification sent -> Ads API change applied: median {statistics.median(lags) * 1000:.0f} ms, "
        f"p95 {lags[int(len(lags) * 0.95) - 1] * 1000:.0f} ms, max {lags[-1] * 1000:.0f} ms over {len(lags)} changes.",
        f"Ads API calls in the demo: {dict(calls.most_common())}",
    ]


def bench_cold_start() -> list[str]:
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "shared"), str(ROOT / "functions")], check=False)
    env = {
        **os.environ,
        "STOCK_TABLE_NAME": "t",
        "DEDUP_TABLE_NAME": "t",
        "ADS_INDEX_TABLE_NAME": "t",
        "LEDGER_TABLE_NAME": "t",
        "AUDIT_TABLE_NAME": "t",
        "ADS_CREDENTIALS_SECRET": "s",
        "CONFIG_PARAMETER_NAME": "p",
    }
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    lines = ["| handler | import time (median of 5, compiled bytecode) |", "|---|---|"]
    for app in sorted((ROOT / "functions").glob("*/app.py")):
        code = (
            "import time, importlib.util as u; t = time.perf_counter(); "
            f"s = u.spec_from_file_location('app', {str(app)!r}); m = u.module_from_spec(s); s.loader.exec_module(m); "
            "print(time.perf_counter() - t)"
        )
        times = [
            float(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout)
            for _ in range(5)
        ]
        lines.append(f"| {app.parent.name} | {statistics.median(times) * 1000:.0f} ms |")
    build = ROOT / ".aws-sam" / "build"
    if build.is_dir():
        for artifact in sorted(p for p in build.iterdir() if p.is_dir()):
            size = sum(f.stat().st_size for f in artifact.rglob("*") if f.is_file())
            lines.append(f"| artifact {artifact.name} | {size / 2**20:.1f} MiB unzipped |")
    else:
        lines.append("| artifacts | run `make build` first |")
    from bench.cold_start import lines as ratio_lines  # handler import + services build + first batch vs a floor

    return [*lines, "", *ratio_lines()]


def bench_code_only(quick: bool) -> list[str]:
    from bench.code_only import restock_wave

    lines, _ = restock_wave(*((2000, 400) if quick else (10_000, 2_000)))
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--quick", action="store_true", help="a smaller restock wave (2,000 over 400 ASINs); prints, never rewrites BENCHMARKS.md"
    )
    args = parser.parse_args()
    sections = {
        "Calls per notification (moto in process, fake Ads API counting calls)": bench_calls(args.quick),
        "End to end and demo lag": bench_e2e_and_lag(),
        "Cold start": bench_cold_start(),
        "Code only (in-memory adapters, no I/O)": bench_code_only(args.quick),
    }
    header = [
        "# Benchmarks",
        "",
        f"Measured {date.today()} on {os.cpu_count()} cores, Python {platform.python_version()}, with "
        f"`.venv/bin/python bench/run_benchmarks.py{' --quick' if args.quick else ''}`. Figures, not assertions: "
        "nothing here is a timed test.",
        "",
    ]
    body = []
    for title, lines in sections.items():
        body += [f"## {title}", "", *lines, ""]
    text = "\n".join(header + body)
    print(text)
    soak = ROOT / "BENCHMARKS.soak.md"
    if soak.exists():
        text += "\n" + soak.read_text()
    if args.quick:
        print("\n(--quick: BENCHMARKS.md left as it is)")
        return
    (ROOT / "BENCHMARKS.md").write_text(text)


if __name__ == "__main__":
    main()
