"""`stockguard status --asin ASIN [--marketplace ID]`: stock and offer state, the ad entities and their
ledger, and the last audit entries, from the deployed tables (environment or --stack-name) or, with
--demo, from the tables of a demo run."""

from __future__ import annotations

import argparse
import json
import os
import sys

from stockguard_dev.cli.stack_outputs import StackError, environment_from_stack


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("status", help="what StockGuard knows and did about one ASIN")
    parser.add_argument("--asin", required=True)
    parser.add_argument("--marketplace", help="marketplace id (default: every marketplace with facts)")
    parser.add_argument("--stack-name", help="read table names from this CloudFormation stack's outputs")
    parser.add_argument("--region", help="AWS region of the stack")
    parser.add_argument("--demo", action="store_true", help="run the demo quietly, then report from its tables")
    parser.add_argument("--json", action="store_true")
    parser.set_defaults(func=run)
    return parser


def _tables_from_env() -> dict[str, str]:
    names = {
        "stock": os.environ.get("STOCK_TABLE_NAME", ""),
        "index": os.environ.get("ADS_INDEX_TABLE_NAME", ""),
        "ledger": os.environ.get("LEDGER_TABLE_NAME", ""),
        "audit": os.environ.get("AUDIT_TABLE_NAME", ""),
    }
    missing = [k for k, v in names.items() if not v]
    if missing:
        raise StackError(
            "table names unknown: pass --stack-name, or set STOCK_TABLE_NAME, ADS_INDEX_TABLE_NAME, LEDGER_TABLE_NAME and AUDIT_TABLE_NAME"
        )
    return names


def run(args: argparse.Namespace) -> int:
    from stockguard_dev.cli.status_query import asin_status

    if args.demo:
        import json as _json

        from stockguard_dev.cli.embedded import EmbeddedStack
        from stockguard_dev.cli.scenario import DEMO_CONFIG, steps

        with EmbeddedStack(config_text=_json.dumps(DEMO_CONFIG)) as embedded:
            embedded.sync_index()
            for step in steps():
                embedded.deliver(list(step.bodies))
            embedded.finish()
            t = embedded.stack.tables
            tables = {"stock": t["StockStateTable"], "index": t["AdsIndexTable"], "ledger": t["LedgerTable"], "audit": t["AuditTable"]}
            report = asin_status(asin=args.asin, marketplace_id=args.marketplace, tables=tables)
    else:
        try:
            if args.stack_name:
                os.environ.update(environment_from_stack(args.stack_name, region=args.region))
            report = asin_status(asin=args.asin, marketplace_id=args.marketplace, tables=_tables_from_env())
        except StackError as error:
            print(f"stockguard status: error: {error}", file=sys.stderr)
            return 2
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        _print(report)
    return 0


def _print(report: dict) -> None:
    print(f"ASIN {report['asin']}")
    if not report["products"]:
        print("  no stock or offer facts recorded")
    for product in report["products"]:
        print(f"  account {product['accountId']} in {product['marketplaceId']}")
        for s in product["stock"]:
            qty = s["fulfillable"] if s["fulfillable"] is not None else s["highlyAvailable"]
            print(f"    stock {s['sku'] or '(ASIN)':<14} {qty:>6} units  ({s['source']}, {s['eventTime']})")
        offer = product["featuredOffer"]
        if offer:
            print(f"    Featured Offer: {'held' if offer['featured'] else 'lost'} ({offer['detail']}, {offer['eventTime']})")
    print("  ad entities:")
    for e in report["entities"]:
        ledger = e["ledger"]["status"] if e["ledger"] else "-"
        print(f"    {e['adProduct']} {e['entityType']:<8} {e['entityId']:<18} profile {e['profileId']:<18} {e['state']:<8} ledger {ledger}")
    print("  last audit entries:")
    for a in report["audit"]:
        print(f"    {a['at'][:19]} {a['ad_product']} {a['entity_id']:<18} {a['from_state']} -> {a['to_state']} {a['reason']} {a['result']}")
