"""`stockguard replay` in monitor mode (issue 10, part 4): a seller watches what StockGuard would have
done before trusting it, so every would-be change is printed (result "monitor") and counted, and none
reaches the Ads API. Before the fix the summary had no `monitor` count."""

from __future__ import annotations

import json
import re
from pathlib import Path

from stockguard_dev.cli.main import main
from tests.support.notifications import fba

ACTION_KEYS = ["adProduct", "entityType", "entityId", "profileId", "asin", "from", "to", "reason", "result"]
WIDGET = "B00001ABCD"
# The demo catalog's enabled US ads for the widget: SP ad, SB video ad, SD ad
WIDGET_ADS = {("SP", "200000000000001"), ("SB", "500000000000002"), ("SD", "800000000000001")}


def monitor_inputs(tmp_path: Path) -> list[str]:
    """The widget in stock, out of stock an hour later, restocked an hour after that, in monitor mode."""
    day = tmp_path / "day.jsonl"
    day.write_text(
        "".join(
            json.dumps(n) + "\n"
            for n in (
                fba(WIDGET, "SELLERSKU-1", 40, minutes=0, nid="m-in"),
                fba(WIDGET, "SELLERSKU-1", 0, minutes=60, nid="m-out"),
                fba(WIDGET, "SELLERSKU-1", 30, minutes=120, nid="m-back"),
            )
        )
    )
    config = tmp_path / "config.json"
    config.write_text(json.dumps({"mode": "monitor"}))
    return [str(day), "--config", str(config)]


def test_monitor_replay_prints_and_counts_would_be_changes(tmp_path, capsys):
    # Given a stock-out in monitor mode
    # When it is replayed with --json
    code = main(["replay", *monitor_inputs(tmp_path), "--json"])

    # Then each would-be pause is a line with exactly the nine keys and result "monitor"
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    actions, summary = lines[:-1], lines[-1]["summary"]
    assert actions and all(list(a) == ACTION_KEYS for a in actions)
    assert {(a["adProduct"], a["entityId"]) for a in actions} == WIDGET_ADS
    assert all(a["result"] == "monitor" and a["to"] in ("PAUSED", "paused") and a["reason"] == "out_of_stock" for a in actions)
    # and the summary counts them, as neither applied nor failed; the run succeeds
    assert summary["monitor"] == len(actions) == 3
    assert (summary["paused"], summary["resumed"], summary["failed"], summary["throttled"]) == (0, 0, 0, 0)
    assert code == 0


def test_monitor_replay_timeline_shows_would_be_changes(tmp_path, capsys):
    # Given the same day in monitor mode, When it is replayed with the text timeline
    code = main(["replay", *monitor_inputs(tmp_path)])

    # Then the timeline shows each would-be pause at 09:00 and the summary says nothing was applied
    out = capsys.readouterr().out
    monitored = [line for line in out.splitlines() if "monitor (would pause" in line]
    assert len(monitored) == 3
    assert all(line.startswith("2026-11-02 09:00") and "ENABLED -> PAUSED (out_of_stock)" in line for line in monitored)
    assert re.search(r"summary: 0 paused, 0 resumed, 3 would change \(monitor\)", out)
    assert code == 0
