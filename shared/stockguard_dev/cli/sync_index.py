"""`stockguard sync-index`: one run of the ad index sync.

Against the deployed service (table names and the credentials secret from the environment, as the
function has them, or from a CloudFormation stack's outputs with --stack-name), or with --demo against
the embedded default.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from stockguard_dev.cli.stack_outputs import StackError, environment_from_stack


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("sync-index", help="run the ad index sync once")
    parser.add_argument("--stack-name", help="read table and secret names from this CloudFormation stack's outputs")
    parser.add_argument("--region", help="AWS region of the stack")
    parser.add_argument("--demo", action="store_true", help="sync the embedded default (moto + simulator) instead")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(func=run)
    return parser


def run(args: argparse.Namespace) -> int:
    if args.demo:
        from stockguard_dev.cli.embedded import EmbeddedStack

        with EmbeddedStack() as embedded:
            report = embedded.sync_index()
    else:
        try:
            if args.stack_name:
                os.environ.update(environment_from_stack(args.stack_name, region=args.region))
            from stockguard.runtime import ServicesCache, index_sync_handler

            report = index_sync_handler({}, None, ServicesCache.for_index_sync())
        except (StackError, RuntimeError) as error:
            print(f"stockguard sync-index: error: {error}", file=sys.stderr)
            return 2
    if args.json:
        print(json.dumps(report))
    else:
        print(
            f"synced {report['profiles']} profiles: {report['entities']} entities "
            f"({report['written']} written, {report['deleted']} removed, {report['overrides']} operator overrides)"
        )
        if report["failedProfiles"]:
            print(f"failed profiles: {', '.join(report['failedProfiles'])}")
    return 1 if report["failedProfiles"] else 0
