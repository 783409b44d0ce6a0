"""`stockguard replay` of captured Lambda SQS events (issue 10, part 2): one event file is one handler
invocation per function, exactly as written, whatever its size. Before the fix an event of 11 or more
records was split into invocations of 10, so a stock-out and a restock of one product in the same event
paused and resumed ads live processing never touched, and coalescing was lost."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from stockguard_dev.cli.embedded import EmbeddedStack
from stockguard_dev.cli.main import main
from tests.support.notifications import SELLER, US, any_offer_changed, fba, sqs_event

PROFILE = "1111111111111111"
WIDGET, GADGET, GIZMO = "B00001ABCD", "B00002EFGH", "B00003IJKL"  # the demo catalog's US products


def json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def many_asin_catalog(asins: list[str]) -> dict:
    """One US seller profile with an enabled SP ad and an enabled SD ad for every ASIN."""
    sp = [
        {
            "adId": str(200000000000001 + i),
            "adGroupId": "300000000000001",
            "campaignId": "100000000000001",
            "state": "ENABLED",
            "asin": a,
            "sku": f"SKU-{a}",
        }
        for i, a in enumerate(asins)
    ]
    sd = [
        {
            "adId": 800000000000001 + i,
            "adGroupId": 900000000000001,
            "campaignId": 700000000000001,
            "state": "enabled",
            "asin": a,
            "sku": f"SKU-{a}",
        }
        for i, a in enumerate(asins)
    ]
    profile = {
        "profileId": int(PROFILE),
        "countryCode": "US",
        "currencyCode": "USD",
        "timezone": "America/Los_Angeles",
        "accountInfo": {"marketplaceStringId": US, "id": SELLER, "type": "seller"},
    }
    return {
        "profiles": [profile],
        "entities": {
            PROFILE: {
                "sp_campaigns": [{"campaignId": "100000000000001", "name": "sp", "state": "ENABLED", "targetingType": "AUTO"}],
                "sp_product_ads": sp,
                "sd_campaigns": [{"campaignId": 700000000000001, "name": "sd", "state": "enabled", "tactic": "T00020"}],
                "sd_product_ads": sd,
            }
        },
    }


def test_a_stock_out_and_a_restock_in_one_big_event_change_nothing(tmp_path: Path, capsys):
    # Given one captured SQS event of 13 records: the widget runs out (0 min), ten in-stock notifications of
    # other products, the widget restocked (30 min), and one Featured Offer notification we still hold
    inventory = [fba(WIDGET, "SELLERSKU-1", 0, minutes=0, nid="big-out")]
    inventory += [
        fba((GADGET, GIZMO)[i % 2], ("SELLERSKU-2", "SELLERSKU-3")[i % 2], 40, minutes=1 + i, nid=f"big-fill-{i}") for i in range(10)
    ]
    inventory.append(fba(WIDGET, "SELLERSKU-1", 30, minutes=30, nid="big-back"))
    event = sqs_event(*inventory, any_offer_changed(GADGET, we_win=True, minutes=31, nid="big-offer"))
    path = tmp_path / "captured.json"
    path.write_text(json.dumps(event))

    # When it is replayed
    code = main(["replay", str(path), "--json"])

    # Then, as live processing of that one batch, no ad changes (the widget's newest fact is in stock)
    lines = json_lines(capsys.readouterr().out)
    assert code == 0
    assert lines[:-1] == [], "no Ads API state change at all"
    summary = lines[-1]["summary"]
    # and the handlers were invoked once each: the 12 inventory records together, the offer record alone
    assert summary["batches"] == 2
    assert summary["notifications"] == 13 and summary["attempts"] == 0


def test_a_big_stock_out_event_coalesces_into_one_put_per_ad_product(tmp_path: Path, capsys, monkeypatch):
    # Given 12 ASINs, each with an SP and an SD ad in one profile, and one SQS event in which all run out
    asins = [f"B0COAL{i:04d}" for i in range(12)]
    catalog = tmp_path / "catalog.json"
    catalog.write_text(json.dumps(many_asin_catalog(asins)))
    event = tmp_path / "stock-outs.json"
    event.write_text(json.dumps(sqs_event(*(fba(a, f"SKU-{a}", 0, minutes=i, nid=f"coal-{a}") for i, a in enumerate(asins)))))

    # When it is replayed against the embedded simulator (its request log is read through the stack)
    requests: list = []
    code = _replay_recording_requests(monkeypatch, [str(event), "--catalog", str(catalog), "--json"], requests)

    # Then all 24 ads are paused with one PUT per (profile, ad product, entity type), in one invocation
    lines = json_lines(capsys.readouterr().out)
    assert code == 0
    assert Counter(a["adProduct"] for a in lines[:-1] if a["to"] == "PAUSED" and a["result"] == "applied") == {"SP": 12, "SD": 12}
    puts = Counter((r.profile_id, r.path) for r in requests if r.method == "PUT")
    assert puts == {(PROFILE, "/sp/productAds"): 1, (PROFILE, "/sd/productAds"): 1}
    assert lines[-1]["summary"]["batches"] == 1


def _replay_recording_requests(monkeypatch, args: list[str], sink: list) -> int:
    """Run `stockguard replay` in-process and keep the embedded simulator's request log before it stops."""
    original_exit = EmbeddedStack.__exit__

    def keep_requests(self, *exc):
        if self.simulator is not None:
            sink.extend(self.simulator.requests)
        return original_exit(self, *exc)

    monkeypatch.setattr(EmbeddedStack, "__exit__", keep_requests)
    return main(["replay", *args])
