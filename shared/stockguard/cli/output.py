"""Terminal and JSON output shared by the subcommands."""

from __future__ import annotations

import json
import sys
from collections import Counter
from typing import IO, Iterable

ACTION_KEYS = ("adProduct", "entityType", "entityId", "profileId", "asin", "from", "to", "reason", "result")


def action_line(action: dict) -> str:
    """The --json contract: one object per attempted Ads API state change, exactly these keys."""
    return json.dumps({k: action[k] for k in ACTION_KEYS}, separators=(", ", ": "))


def summarize_actions(actions: Iterable[dict]) -> dict:
    """Applied changes, and entities whose last attempt did not apply (a throttled attempt that a
    redelivery later applied is not a failure)."""
    actions = list(actions)
    applied = Counter(a["to"] for a in actions if a["result"] == "applied")
    last: dict[tuple, dict] = {}
    for a in actions:
        last[(a["profileId"], a["adProduct"], a["entityType"], a["entityId"], a["to"])] = a
    unresolved = Counter(a["result"] for a in last.values() if a["result"] != "applied")
    return {
        "attempts": len(actions),
        "paused": applied["PAUSED"],
        "resumed": applied["ENABLED"],
        "failed": unresolved["failed"],
        "throttled": unresolved["throttled"],
    }


def progress(message: str, *, stream: IO[str] = sys.stderr) -> None:
    """Progress for long runs goes to stderr so that stdout stays machine-readable with --json."""
    if stream.isatty():
        print(f"\r\033[K{message}", end="", file=stream, flush=True)


def end_progress(*, stream: IO[str] = sys.stderr) -> None:
    if stream.isatty():
        print("\r\033[K", end="", file=stream, flush=True)
