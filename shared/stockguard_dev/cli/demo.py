"""`stockguard demo` (what `make demo` runs): the whole story on the embedded default.

moto in server mode and the Ads API simulator on 127.0.0.1, the template's resources, the demo catalog,
and a day of notifications replayed through the real handlers the way SQS delivers them. Prints a
timeline and a summary; exits non-zero if anything failed or an expected outcome did not happen.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time
from collections import Counter

from stockguard_dev.cli.output import action_line, action_verb, result_text, summarize_actions
from stockguard_dev.cli.scenario import DEMO_CONFIG, Step, steps


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("demo", help="run the whole story locally (moto + Ads API simulator)")
    parser.add_argument("--json", action="store_true", help="attempted state changes as JSON lines, then a summary")
    parser.add_argument("--log-file", help="write the handlers' structured logs here (default: discarded)")
    parser.set_defaults(func=run)
    return parser


# (profile, ad product, entity type, entity id) -> expected final state, and why.
EXPECTED_FINAL = {
    ("1111111111111111", "SP", "ad", "200000000000004"): ("PAUSED", "paused by the operator before the demo: never resumed"),
    ("1111111111111111", "SP", "ad", "200000000000001"): ("ENABLED", "paused on low stock, resumed on restock"),
    ("1111111111111111", "SB", "ad", "500000000000002"): ("ENABLED", "SB video ad: paused and resumed"),
    ("1111111111111111", "SD", "ad", "800000000000001"): ("enabled", "SD ad: paused and resumed"),
    ("1111111111111111", "SB", "ad", "500000000000001"): ("ENABLED", "SB collection: other ASINs in stock (rule 'all')"),
    ("2222222222222222", "SP", "ad", "210000000000001"): ("ENABLED", "DE ad: paused on stock-out, resumed"),
    ("3333333333333333", "SP", "ad", "220000000000001"): ("ENABLED", "vendor ad: paused and resumed"),
}


def run(args: argparse.Namespace) -> int:
    from stockguard_dev.cli.embedded import EmbeddedStack

    started = time.monotonic()
    out = sys.stdout
    problems: list[str] = []
    with contextlib.ExitStack() as resources:
        log = resources.enter_context(open(args.log_file, "w", encoding="utf-8")) if args.log_file else None
        embedded = resources.enter_context(EmbeddedStack(config_text=json.dumps(DEMO_CONFIG), log_stream=log))
        sync = embedded.sync_index()
        if not args.json:
            print("StockGuard demo: moto + Ads API simulator on 127.0.0.1, real handlers from template.yaml", file=out)
            print(f"index sync: {sync['profiles']} profiles, {sync['entities']} ad entities\n", file=out)
            print(f"{'time':<6} {'event / decision':<60}", file=out)
        for step in steps():
            _play_step(embedded, step, args.json)
        seen_actions = len(embedded.run.actions)
        embedded.finish()
        _print_reevaluations(embedded.run.actions[seen_actions:], args.json)
        problems += _check(embedded)
        summary = _summary(embedded, sync, time.monotonic() - started, problems)
    if args.json:
        print(json.dumps({"summary": summary}), file=out)
    else:
        _print_summary(summary, problems)
    return 1 if problems else 0


def _play_step(embedded, step: Step, as_json: bool) -> None:
    """One step in event-time order: the re-evaluations due before it (printed under their own time),
    the step's batch, and the re-evaluations due by the replay's clock after it."""
    from stockguard_dev.cli.embedded import earliest_event_time

    actions = embedded.run.actions
    seen_actions = len(actions)
    earliest = earliest_event_time(step.bodies)
    if earliest is not None:
        embedded.deliver_reevaluations(until=earliest)  # what deliver() does first, printed apart
    _print_reevaluations(actions[seen_actions:], as_json)
    seen_actions, seen_decisions = len(actions), len(embedded.run.decisions)
    embedded.deliver(list(step.bodies))
    new = actions[seen_actions:]
    _print_step(step, [a for a in new if a["trigger"] != "reevaluation"], embedded.run.decisions[seen_decisions:], as_json)
    _print_reevaluations([a for a in new if a["trigger"] == "reevaluation"], as_json)


def _print_reevaluations(actions: list[dict], as_json: bool) -> None:
    """Changes made by re-evaluations after the dwell time, under a line of their own per due time."""
    shown = None
    for action in actions:
        if not as_json and action["at"][11:16] != shown:
            shown = action["at"][11:16]
            print(f"{shown:<6} re-evaluation after the dwell time")
        _print_action(action, as_json)


def _print_step(step: Step, actions: list[dict], decisions: list[dict], as_json: bool) -> None:
    if as_json:
        for action in actions:
            print(action_line(action))
        return
    print(f"{step.at:%H:%M}  {step.signal}")
    for problem in _rejections(step):
        print(f"{'':6}  rejected: {problem} -> batch item failure, dead-letter queue after MaxReceiveCount")
    for action in actions:
        _print_action(action, False)
    if not actions:
        reasons = Counter(d["reason"] for d in decisions if d["action"] == "keep" and d["reason"] != "no_change")
        if reasons:
            print(f"{'':6}  no change: " + ", ".join(f"{r} x{n}" for r, n in reasons.most_common()))
        else:
            print(f"{'':6}  no change")


def _rejections(step: Step) -> list[str]:
    from stockguard.notifications import NotificationError, parse_notification

    problems = []
    for body in step.bodies:
        try:
            parse_notification(body)
        except NotificationError as error:
            problems.append(str(error))
    return problems


def _print_action(action: dict, as_json: bool) -> None:
    if as_json:
        print(action_line(action))
        return
    print(
        f"{'':6}  {action_verb(action):<12} {action['adProduct']} {action['entityType']:<8} {action['entityId']:<16} "
        f"{action['asin']:<11} {action['reason']:<24} {result_text(action)}"
    )


def _check(embedded) -> list[str]:
    problems = []
    sim = embedded.simulator
    for (profile, product, entity_type, entity_id), (state, why) in EXPECTED_FINAL.items():
        actual = sim.state_of(profile, product, entity_type, entity_id)
        if actual != state:
            problems.append(f"{product} {entity_type} {entity_id}: expected {state} ({why}), found {actual}")
    dlq = embedded.dlq_depths()
    if dlq.get("InventoryNotificationsDLQ") != 1:
        problems.append(f"expected exactly the malformed message in the inventory DLQ, found {dlq}")
    summary = summarize_actions(embedded.run.actions)
    if summary["failed"] or summary["throttled"]:
        problems.append(f"Ads API changes that did not apply: {summary}")
    return problems


def _summary(embedded, sync: dict, seconds: float, problems: list[str]) -> dict:
    calls = Counter(f"{r.method} {r.path}" for r in embedded.simulator.requests)
    writes = sum(n for k, n in calls.items() if k.startswith("PUT"))
    return {
        **summarize_actions(embedded.run.actions),
        "batches": embedded.run.batches,
        "records": embedded.run.records,
        "redeliveries": embedded.run.retried,
        "deadLettered": sum(embedded.dlq_depths().values()),
        "indexedEntities": sync["entities"],
        "adsApiCalls": sum(calls.values()),
        "adsApiStateChangeCalls": writes,
        "seconds": round(seconds, 2),
        "ok": not problems,
    }


def _print_summary(summary: dict, problems: list[str]) -> None:
    print()
    monitor = f"{summary['monitor']} would change (monitor), " if summary["monitor"] else ""
    print(
        f"summary: {summary['paused']} paused, {summary['resumed']} resumed, {monitor}{summary['failed']} failed, "
        f"{summary['throttled']} throttled; {summary['records']} records in {summary['batches']} batches "
        f"({summary['redeliveries']} redeliveries), {summary['deadLettered']} in the dead-letter queue"
    )
    print(
        f"         {summary['adsApiCalls']} Ads API calls ({summary['adsApiStateChangeCalls']} state changes) "
        f"for {summary['indexedEntities']} indexed entities; {summary['seconds']} s"
    )
    if problems:
        print("FAILED:")
        for problem in problems:
            print(f"  - {problem}")
    else:
        print("all expected outcomes reached: the operator's pause was respected, everything StockGuard paused was resumed")
