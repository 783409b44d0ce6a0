"""`stockguard subscribe`: set up SP-API notifications (destinations + subscriptions) for StockGuard's queues.

main.py registers it with add_parser(subparsers) and calls run(args). Exit codes: 0 success,
1 any failure or conflict, 2 usage error. Credentials are read only for a real run, and neither they
nor any token is ever printed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from typing import Any

from stockguard.spapi.credentials import SpApiCredentials, load_from_file, load_from_secret
from stockguard.spapi.errors import CredentialsError, SpApiError
from stockguard.spapi.notifications_api import NotificationsApi
from stockguard.spapi.plan import build_plan, parse_payload_version, validate_queue_arn
from stockguard.spapi.regions import LWA_TOKEN_URL, resolve_region
from stockguard.spapi.subscribe import StepResult, planned_steps, set_up, summarize, token_requests

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def add_parser(subparsers: Any) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(
        "subscribe",
        help="create the SP-API notification destinations and subscriptions for StockGuard's queues",
        description=(
            "Create (or reuse) a Notifications API destination per SQS queue, then subscribe "
            "ITEM_INVENTORY_EVENT_CHANGE and FBA_INVENTORY_AVAILABILITY_CHANGES to the inventory queue and "
            "ANY_OFFER_CHANGED and PRICING_HEALTH to the offer queue. Safe to run again: nothing is duplicated or deleted."
        ),
    )
    parser.add_argument(
        "--queue-arn", required=True, type=_arg(validate_queue_arn), metavar="ARN", help="inventory notifications queue (standard SQS)"
    )
    parser.add_argument(
        "--offer-queue-arn", type=_arg(validate_queue_arn), metavar="ARN", help="offer notifications queue (default: the inventory queue)"
    )
    parser.add_argument(
        "--region",
        required=True,
        type=_arg(resolve_region),
        metavar="REGION",
        help="SP-API region: na | eu | fe (or us-east-1 | eu-west-1 | us-west-2)",
    )
    parser.add_argument(
        "--marketplace-id",
        action="extend",
        nargs="+",
        default=[],
        metavar="ID",
        help="limit ANY_OFFER_CHANGED to these marketplaces (repeatable)",
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--credentials-secret",
        metavar="NAME",
        help='Secrets Manager secret (name or ARN) holding {"client_id", "client_secret", "refresh_token"}',
    )
    source.add_argument("--credentials-file", metavar="FILE", help="JSON file with the same three keys")
    parser.add_argument("--endpoint", metavar="URL", help="override the SP-API host (tests, fakes)")
    parser.add_argument("--lwa-endpoint", metavar="URL", help=f"override the LWA token URL (default {LWA_TOKEN_URL})")
    parser.add_argument(
        "--payload-version",
        action="append",
        default=[],
        type=_arg(parse_payload_version),
        metavar="TYPE=VERSION",
        help='payloadVersion for a type (default "1.0"; repeatable)',
    )
    parser.add_argument("--dry-run", action="store_true", help="print the requests a real run would make; call nothing")
    parser.add_argument("--json", action="store_true", help="one JSON object per line per step, then a summary line")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace, *, sleep: Callable[[float], None] = time.sleep, secrets_client: Any = None) -> int:
    """Run the set-up; `sleep` (retry waits) and `secrets_client` (boto3 secretsmanager) are for tests."""
    plan = build_plan(args.queue_arn, args.offer_queue_arn, args.marketplace_id, dict(args.payload_version))
    endpoint = args.endpoint or args.region.endpoint
    token_url = args.lwa_endpoint or LWA_TOKEN_URL
    for spec in plan.destinations:
        if spec.queue_arn.endswith(".fifo"):
            _err(f"warning: {spec.queue_arn} is a FIFO queue; SP-API notifications are only known to reach standard queues")

    if args.dry_run:
        steps = planned_steps(plan, endpoint)
        if not args.json:
            _out("dry run: no request is made (not even for tokens); a real run would make these requests:")
            for request in token_requests(token_url):
                _out(f"  {_request_line(request)}")
        for step in steps:
            _print_step(step, args.json)
        _print_summary(summarize(steps, dry_run=True), args.json)
        return EXIT_OK

    if not (args.credentials_secret or args.credentials_file):
        _err("stockguard subscribe: error: one of --credentials-secret or --credentials-file is required (except with --dry-run)")
        return EXIT_USAGE
    try:
        credentials = _load_credentials(args, secrets_client)
    except CredentialsError as exc:
        _err(f"error: {exc}")
        return EXIT_FAILED

    steps: list[StepResult] = []
    try:
        with NotificationsApi.connect(credentials, endpoint, token_url=token_url, sleep=sleep) as api:
            for step in set_up(plan, api):
                steps.append(step)
                _print_step(step, args.json)
    except SpApiError as exc:  # LWA refused the credentials: nothing else can work
        _err(f"error: {exc}")
        _print_summary({**summarize(steps), "ok": False, "error": str(exc)}, args.json)
        return EXIT_FAILED
    summary = summarize(steps)
    _print_summary(summary, args.json)
    return EXIT_OK if summary["ok"] else EXIT_FAILED


def _load_credentials(args: argparse.Namespace, secrets_client: Any) -> SpApiCredentials:
    if args.credentials_file:
        return load_from_file(args.credentials_file)
    return load_from_secret(args.credentials_secret, client=secrets_client)


def _print_step(step: StepResult, as_json: bool) -> None:
    if as_json:
        _out(json.dumps(step.to_json(), separators=(",", ":")))
    else:
        _out(_step_line(step))
        for request in step.requests:
            _out(f"  {_request_line(request)}")
    if step.message and not step.ok:
        _err(f"error: {step.message}")


def _step_line(step: StepResult) -> str:
    if step.step == "destination":
        ident = f"  id={step.destination_id}" if step.destination_id else ""
        return f"destination   {step.result:<8} {step.destination_name or ''}  {step.queue_arn}{ident}"
    ident = f"  id={step.subscription_id}" if step.subscription_id else ""
    target = f"  destination={step.destination_id}" if step.destination_id else f"  queue={step.queue_arn}"
    existing = f"  existing destination={step.existing_destination_id}" if step.existing_destination_id else ""
    return f"subscription  {step.result:<8} {step.notification_type}{ident}{target}{existing}  payloadVersion={step.payload_version}"


def _request_line(request: dict[str, Any]) -> str:
    body = f" {json.dumps(request['body'], separators=(',', ':'))}" if "body" in request else ""
    notes = [f"{request['token']} token"] + ([f"only if {request['when']}"] if "when" in request else [])
    return f"{request['method']} {request['url']}{body}  ({'; '.join(notes)})"


def _print_summary(summary: dict[str, Any], as_json: bool) -> None:
    if as_json:
        _out(json.dumps({"summary": summary}, separators=(",", ":")))
        return

    def counts(d: dict[str, int]) -> str:
        return ", ".join(f"{n} {k}" for k, n in sorted(d.items())) or "none"

    status = "dry run" if summary.get("dryRun") else ("ok" if summary["ok"] else "FAILED")
    _out(f"summary: {status}; destinations: {counts(summary['destinations'])}; subscriptions: {counts(summary['subscriptions'])}")


def _arg(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """Turn a ValueError from a parser into an argparse usage error (exit 2) with the same message."""

    def convert(text: str) -> Any:
        try:
            return parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    convert.__name__ = parse.__name__
    return convert


def _out(line: str) -> None:
    print(line, file=sys.stdout, flush=True)


def _err(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
