"""`stockguard replay`: the real pipeline on the user's own notification files.

Against the embedded simulator (seeded from --catalog) or an external Ads API (--ads-endpoint with
--lwa-endpoint and --credentials). Before the first notification it discovers profiles and builds the
ad index from that Ads API, as the deployed scheduled sync would.

Delivery follows live SQS (stockguard_dev.cli.embedded): an SQS event file is one handler invocation per
function, exactly as written; re-evaluations held back by the dwell time are delivered at their due
event time, before any later notification. The summary's `batches` counts handler invocations.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from stockguard_dev.cli.inputs import InputBatch, InputError, load_batches
from stockguard_dev.cli.output import action_line, end_progress, progress, result_text, summarize_actions


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("replay", help="replay notification files through the real handlers")
    parser.add_argument("paths", nargs="+", metavar="FILE_OR_DIR", help="raw notifications, SQS events, or JSON lines")
    parser.add_argument("--catalog", help="Ads simulator catalog JSON (default: the demo catalog)")
    parser.add_argument("--config", help="StockGuard configuration JSON (as in the SSM parameter)")
    parser.add_argument("--ads-endpoint", help="an external Ads API base URL instead of the embedded simulator")
    parser.add_argument("--lwa-endpoint", help="the LWA token URL to use with --ads-endpoint")
    parser.add_argument("--credentials", help='JSON file {"client_id", "client_secret", "refresh_token"} for --ads-endpoint')
    parser.add_argument(
        "--json", action="store_true", help="one JSON object per attempted (in monitor mode: would-be) state change, then a summary"
    )
    parser.set_defaults(func=run)
    return parser


def _read_json_file(path: str, what: str) -> tuple[str, object]:
    try:
        text = Path(path).read_text(encoding="utf-8")
        return text, json.loads(text)
    except OSError as error:
        raise InputError(f"{path}: cannot read {what}: {error.strerror or error}") from None
    except json.JSONDecodeError as error:
        raise InputError(f"{path}: {what} is not valid JSON ({error.msg} at line {error.lineno})") from None


@dataclass(frozen=True)
class ReplayInputs:
    batches: list[InputBatch]
    config_text: str | None
    credentials: dict | None
    catalog: object | None


def _read_inputs(args: argparse.Namespace) -> ReplayInputs:
    """Every input read and validated before anything starts: a bad one is exit code 2, naming the file."""
    batches = load_batches(args.paths)
    config_text = None
    if args.config:
        from stockguard.policy import load_config

        config_text, _ = _read_json_file(args.config, "configuration")
        load_config(config_text)
    credentials = None
    if args.ads_endpoint:
        if not args.credentials:
            raise InputError("--ads-endpoint needs --credentials FILE")
        _, credentials = _read_json_file(args.credentials, "credentials")
        if not isinstance(credentials, dict) or not all(credentials.get(k) for k in ("client_id", "client_secret", "refresh_token")):
            raise InputError(f"{args.credentials}: credentials must be an object with client_id, client_secret and refresh_token")
    elif args.credentials or args.lwa_endpoint:
        raise InputError("--credentials and --lwa-endpoint go with --ads-endpoint")
    catalog = None
    if args.catalog:
        from stockguard_dev.simulator import load_catalog

        try:
            catalog = load_catalog(args.catalog)
        except Exception as error:  # a bad catalog names the file and the problem
            raise InputError(f"{args.catalog}: invalid catalog: {error}") from None
    return ReplayInputs(batches, config_text, credentials, catalog)


def replay_batches(
    embedded,
    batches: list[InputBatch],
    *,
    before: Callable[[int, InputBatch], None] | None = None,
    after: Callable[[], None] | None = None,
) -> None:
    """The batches in the order given, then the re-evaluations still pending: what replay does with the
    files. EmbeddedStack.deliver puts the re-evaluations that fall due before a batch ahead of it."""
    for number, batch in enumerate(batches, start=1):
        if before:
            before(number, batch)
        embedded.deliver(list(batch.bodies))
        if after:
            after()
    embedded.finish()
    if after:
        after()


def run(args: argparse.Namespace) -> int:
    from stockguard.policy import ConfigError

    try:
        inputs = _read_inputs(args)
    except (InputError, ConfigError) as error:
        print(f"stockguard replay: error: {error}", file=sys.stderr)
        return 2
    summary = _replay(args, inputs)
    if args.json:
        print(json.dumps({"summary": summary}))
    else:
        monitor = f"{summary['monitor']} would change (monitor), " if summary["monitor"] else ""
        print(
            f"summary: {summary['paused']} paused, {summary['resumed']} resumed, {monitor}{summary['failed']} failed, "
            f"{summary['throttled']} throttled, {summary['rejected']} rejected, {summary['deadLettered']} in the dead-letter queues; "
            f"{summary['batches']} handler invocations"
        )
    return 1 if summary["failed"] or summary["throttled"] or summary["deadLettered"] else 0


def _replay(args: argparse.Namespace, inputs: ReplayInputs) -> dict:
    """Run the batches through the handlers on the embedded stack, printing as it goes; the summary."""
    from stockguard_dev.cli.embedded import EmbeddedStack

    batches = inputs.batches
    rejected = 0
    printed = 0

    def before(number: int, batch: InputBatch) -> None:
        nonlocal rejected
        progress(f"batch {number}/{len(batches)}: {batch.source}")
        rejected += _report_rejections(batch)

    def after() -> None:
        nonlocal printed
        printed = _print_actions(embedded.run.actions, printed, args.json)

    with EmbeddedStack(
        catalog=inputs.catalog,
        config_text=inputs.config_text,
        ads_endpoint=args.ads_endpoint,
        lwa_endpoint=args.lwa_endpoint,
        credentials=inputs.credentials,
    ) as embedded:
        sync = embedded.sync_index()
        if not args.json:
            print(f"index: {sync['profiles']} profiles, {sync['entities']} ad entities")
        replay_batches(embedded, batches, before=before, after=after)
        end_progress()
        dlq = embedded.dlq_depths()
        return {
            "files": len({b.source.split(":")[0] for b in batches}),
            "batches": embedded.run.batches,
            "notifications": sum(len(b.bodies) for b in batches),
            **summarize_actions(embedded.run.actions),
            "rejected": rejected,
            "deadLettered": sum(dlq.values()),
            "indexedEntities": sync["entities"],
        }


def _report_rejections(batch: InputBatch) -> int:
    """Messages of the batch the handler will reject, on stderr with file and position; their count."""
    from stockguard.notifications import NotificationError, parse_notification

    rejected = 0
    for index, body in enumerate(batch.bodies, start=1):
        try:
            parse_notification(body)
        except NotificationError as error:
            rejected += 1
            print(f"stockguard replay: {batch.source}: message {index} rejected: {error}", file=sys.stderr)
    return rejected


def _print_actions(actions: list[dict], printed: int, as_json: bool) -> int:
    """The actions not printed yet: --json lines, or timeline lines with their decision time."""
    for action in actions[printed:]:
        if as_json:
            print(action_line(action))
        else:
            print(
                f"{action['at'][:16].replace('T', ' ')}  {action['asin']:<12} {action['adProduct']} {action['entityType']} "
                f"{action['entityId']}: {action['from']} -> {action['to']} ({action['reason']}) {result_text(action)}"
            )
    return len(actions)
