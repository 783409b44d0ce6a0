"""Entry point of the `stockguard` console script (pyproject [project.scripts])."""

from __future__ import annotations

import argparse
import sys

from stockguard_dev.cli import demo, replay, status, subscribe, sync_index


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="stockguard",
        description="Pause Amazon ads when stock or the Featured Offer is lost; resume only what StockGuard paused.",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    demo.add_parser(subparsers)
    replay.add_parser(subparsers)
    subscribe.add_parser(subparsers)
    status.add_parser(subparsers)
    sync_index.add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
