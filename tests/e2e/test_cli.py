"""The stockguard command: demo, replay (embedded and external Ads API), status, sync-index; the
contracts of --json output and error messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stockguard.ads import clear_token_cache
from stockguard_dev.cli.main import main
from stockguard_dev.simulator import DEMO_CATALOG_PATH, AdsSimulator
from tests.support.notifications import fba

ROOT = Path(__file__).resolve().parents[2]
ACTION_KEYS = {"adProduct", "entityType", "entityId", "profileId", "asin", "from", "to", "reason", "result"}


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_demo_runs_the_whole_story(capsys):
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "all expected outcomes reached" in out
    assert "featured_offer_lost" in out and "back_in_stock" in out and "dwell_time" in out


def test_demo_json(capsys):
    assert main(["demo", "--json"]) == 0
    lines = json_lines(capsys.readouterr().out)
    assert all(set(line) == ACTION_KEYS for line in lines[:-1])
    summary = lines[-1]["summary"]
    assert summary["ok"] and summary["paused"] == summary["resumed"] > 0 and summary["deadLettered"] == 1


def test_replay_events_dir_json_contract(capsys):
    code = main(["replay", str(ROOT / "events"), "--json"])
    captured = capsys.readouterr()
    lines = json_lines(captured.out)
    actions, summary = lines[:-1], lines[-1]["summary"]
    assert actions and all(set(a) == ACTION_KEYS for a in actions)
    assert {a["adProduct"] for a in actions} >= {"SP", "SB", "SD"}
    assert all(a["entityType"] in ("ad", "campaign") and a["result"] in ("applied", "failed", "throttled") for a in actions)
    assert summary["rejected"] >= 2 and summary["deadLettered"] == summary["rejected"]
    assert "malformed" in captured.err and "rejected" in captured.err
    assert code == 1, "dead-lettered messages make the run fail"


def test_replay_jsonl_in_order_one_batch_per_line(tmp_path, capsys):
    lines = [
        fba("B00001ABCD", "SELLERSKU-1", 40, minutes=0, nid="r1"),
        fba("B00002EFGH", "SELLERSKU-2", 40, minutes=0, nid="r2"),
        fba("B00003IJKL", "SELLERSKU-3", 40, minutes=0, nid="r3"),
        fba("B00001ABCD", "SELLERSKU-1", 0, minutes=60, nid="r4"),
        fba("B00001ABCD", "SELLERSKU-1", 30, minutes=120, nid="r5"),
    ]
    path = tmp_path / "day.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    assert main(["replay", str(path), "--json"]) == 0
    out = json_lines(capsys.readouterr().out)
    assert [a["to"] for a in out[:-1]] == ["PAUSED"] * 3 + ["ENABLED"] * 3
    assert out[-1]["summary"]["batches"] == 5


def test_replay_against_an_external_ads_api(tmp_path, capsys):
    # Given an Ads API that is not the embedded one (here: another simulator process-local server)
    clear_token_cache()
    catalog = json.loads(Path(DEMO_CATALOG_PATH).read_text())
    catalog["credentials"] = {"client_id": "ext-id", "client_secret": "ext-secret", "refresh_token": "Atzr|ext"}
    creds = tmp_path / "creds.json"
    creds.write_text(json.dumps(catalog["credentials"]))
    notification = tmp_path / "out.json"
    notification.write_text(json.dumps(fba("B00001ABCD", "SELLERSKU-1", 0, minutes=0, nid="ext-1")))
    with AdsSimulator(catalog) as external:
        code = main(
            [
                "replay",
                str(notification),
                "--ads-endpoint",
                external.base_url,
                "--lwa-endpoint",
                external.token_url,
                "--credentials",
                str(creds),
                "--json",
            ]
        )
        assert code == 0
        assert external.state_of("1111111111111111", "SP", "ad", "200000000000001") == "PAUSED"
    out = capsys.readouterr().out
    assert "ext-secret" not in out


@pytest.mark.parametrize(
    "content, problem",
    [("{not json", "not valid JSON"), ("[1, 2]", "expected a JSON object"), ('{"Records": []}', "non-empty list"), ("", "empty")],
)
def test_replay_bad_file_names_the_file_and_the_problem(tmp_path, capsys, content, problem):
    path = tmp_path / "bad.json"
    path.write_text(content)
    assert main(["replay", str(path)]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and problem in err


def test_replay_missing_file(capsys):
    assert main(["replay", "/nonexistent/notifications.json"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_replay_bad_config(tmp_path, capsys):
    config = tmp_path / "config.json"
    config.write_text('{"pause_treshold": 3}')
    assert main(["replay", str(ROOT / "events" / "inventory_fba_stock_out.json"), "--config", str(config)]) == 2
    assert "pause_treshold" in capsys.readouterr().err


def test_status_after_a_demo_run(capsys):
    assert main(["status", "--asin", "B00001ABCD", "--demo", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert {p["marketplaceId"] for p in report["products"]} == {"ATVPDKIKX0DER", "A1PA6795UKMFR9"}
    ledger = {e["entityId"]: e["ledger"] for e in report["entities"]}
    assert ledger["200000000000001"]["status"] == "RELEASED"
    assert ledger["200000000000004"] is None, "the operator's pause was never StockGuard's"
    assert report["audit"] and report["audit"][0]["result"] == "applied"


def test_sync_index_demo(capsys):
    assert main(["sync-index", "--demo", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["profiles"] == 3 and report["entities"] > 0
