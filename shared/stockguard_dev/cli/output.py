"""Terminal and JSON output shared by the subcommands."""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Iterable
from typing import IO

from stockguard.domain.outcomes import Outcome

ACTION_KEYS = ("adProduct", "entityType", "entityId", "profileId", "asin", "from", "to", "reason", "result")


def action_line(action: dict) -> str:
    """The --json contract: one object per attempted Ads API state change, or in monitor mode per change
    StockGuard would have made (result "monitor"), exactly these keys."""
    return json.dumps({k: action[k] for k in ACTION_KEYS}, separators=(", ", ": "))


def action_verb(action: dict) -> str:
    """What happened to the entity, for timelines: a monitor-mode line must not read as a change made."""
    pause = action["to"].upper() == "PAUSED"
    if action["result"] == Outcome.APPLIED:
        return "paused" if pause else "resumed"
    if action["result"] == Outcome.MONITOR:
        return "would pause" if pause else "would resume"
    return "pause" if pause else "resume"  # an attempt that did not apply: the result says why


def result_text(action: dict) -> str:
    """The result column of a timeline line; monitor mode says what it would have done."""
    if action["result"] == Outcome.MONITOR:
        return f"monitor ({action_verb(action)}, nothing sent to the Ads API)"
    return action["result"]


def summarize_actions(actions: Iterable[dict]) -> dict:
    """Applied changes, would-be changes of monitor mode, and entities whose last attempt did not apply
    (a throttled attempt that a redelivery later applied is not a failure; a monitor line never is)."""
    actions = list(actions)
    applied = Counter(a["to"].upper() for a in actions if a["result"] == Outcome.APPLIED)
    last: dict[tuple, dict] = {}
    for a in actions:
        if a["result"] != Outcome.MONITOR:
            last[(a["profileId"], a["adProduct"], a["entityType"], a["entityId"], a["to"])] = a
    unresolved = Counter(a["result"] for a in last.values() if a["result"] != Outcome.APPLIED)
    return {
        "attempts": sum(1 for a in actions if a["result"] != Outcome.MONITOR),
        "paused": applied["PAUSED"],
        "resumed": applied["ENABLED"],
        "monitor": sum(1 for a in actions if a["result"] == Outcome.MONITOR),
        "failed": unresolved[Outcome.FAILED],
        "throttled": unresolved[Outcome.THROTTLED],
    }


def progress(message: str, *, stream: IO[str] = sys.stderr) -> None:
    """Progress for long runs goes to stderr so that stdout stays machine-readable with --json."""
    if stream.isatty():
        print(f"\r\033[K{message}", end="", file=stream, flush=True)


def end_progress(*, stream: IO[str] = sys.stderr) -> None:
    if stream.isatty():
        print("\r\033[K", end="", file=stream, flush=True)
