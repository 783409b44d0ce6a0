"""The batch pipeline against moto and a fake Ads API: decisions, ledger, audit, dedup, failures."""

from __future__ import annotations

import json

from stockguard.ads.port import Outcome
from stockguard.domain.ads import EntityState
from stockguard.domain.ledger import LedgerStatus
from stockguard.pipeline.batch import process_batch
from stockguard.policy import StockGuardConfig
from tests.integration.pipeline.conftest import ASIN, OTHER_ASIN, build_world
from tests.support.notifications import any_offer_changed, fba, sqs_event

P, E = EntityState.PAUSED, EntityState.ENABLED


def run(world, *bodies):
    return process_batch(sqs_event(*bodies)["Records"], world.services)


def states(world, *ids):
    return [world.state(i) for i in ids]


def test_stock_out_pauses_sp_sb_sd_and_restock_resumes_only_ours(world):
    # Given every ad enabled except one the operator paused
    # When the only SKU of the ASIN runs out
    result = run(world, fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="n-out"))
    # Then SP, SB (single-ASIN, legacy campaign) and SD are paused; the multi-ASIN SB ad is not (rule "all")
    assert result.failed_message_ids == []
    assert states(world, "sp-1", "sb-video", "c-legacy", "sd-1") == [P, P, P, P]
    assert world.state("sb-collection") is E
    assert world.state("sp-operator") is P
    held = world.services.ledger.get_many(e.ref for e in world.ads.entities.values())
    assert {k.split("#")[-1] for k, v in held.items() if v.status is LedgerStatus.PAUSED} == {"sp-1", "sb-video", "c-legacy", "sd-1"}
    audit = world.services.audit.for_asin("ATVPDKIKX0DER", ASIN)
    assert {(a.entity_id, a.reason, a.result) for a in audit} == {
        (i, "out_of_stock", "applied") for i in ("sp-1", "sb-video", "c-legacy", "sd-1")
    }
    assert world.services.metrics.counts["AdsPaused"] == 4

    # When stock comes back an hour later
    result = run(world, fba(ASIN, "SELLERSKU-1", 25, minutes=60, nid="n-back"))
    # Then what StockGuard paused is resumed, and the operator's pause is left alone
    assert result.failed_message_ids == []
    assert states(world, "sp-1", "sb-video", "c-legacy", "sd-1") == [E, E, E, E]
    assert world.state("sp-operator") is P
    assert world.services.metrics.counts["AdsResumed"] == 4


def test_calls_are_coalesced_and_nothing_is_called_when_nothing_changes(world):
    run(world, fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="n1"))
    # one re-read and one PUT per (profile, ad product, entity type)
    assert world.ads.calls["set_states:SP"] == 1 and world.ads.calls["set_states:SD"] == 1
    assert world.ads.calls["set_states:SB"] == 2  # ads and the legacy campaign
    world.ads.calls.clear()
    # unchanged stock (still out, a later event) => no Ads API call at all
    run(world, fba(ASIN, "SELLERSKU-1", 0, minutes=30, nid="n2"))
    assert sum(world.ads.calls.values()) == 0


def test_duplicate_and_out_of_order_change_nothing(world):
    run(world, fba(ASIN, "SELLERSKU-1", 0, minutes=10, nid="n-out"))
    world.ads.calls.clear()
    # the same notification again (a new SQS message) and an older in-stock event
    result = run(world, fba(ASIN, "SELLERSKU-1", 0, minutes=10, nid="n-out"), fba(ASIN, "SELLERSKU-1", 40, minutes=5, nid="n-old"))
    assert result.failed_message_ids == []
    assert result.duplicates == 1
    assert sum(world.ads.calls.values()) == 0
    assert world.state("sp-1") is P


def test_malformed_record_fails_alone(world):
    result = run(world, "{not json", fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="n-good"))
    assert len(result.failed_message_ids) == 1 and result.failed_message_ids[0].startswith("msg-0")
    assert "not json" not in json.dumps(result.rejected) or result.rejected
    assert world.state("sp-1") is P
    assert world.services.metrics.counts["NotificationsRejected"] == 1


def test_throttled_put_is_retried_by_sqs_and_applied_once(world):
    world.ads.fail_next_set = [Outcome.THROTTLED]  # the first PUT of the batch is throttled
    body = fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="n-out")
    first = run(world, body)
    assert len(first.failed_message_ids) == 1, "the source message returns to the queue"
    throttled = [entity_id for entity_id, _ in world.ads.set_calls[0][3]]
    applied = [i for i in ("sp-1", "sb-video", "c-legacy", "sd-1") if i not in throttled]
    assert states(world, *throttled) == [E] * len(throttled)
    assert states(world, *applied) == [P] * len(applied)
    # the redelivery pauses what is left, and does not redo what was applied
    world.ads.set_calls.clear()
    second = run(world, body)
    assert second.failed_message_ids == []
    assert states(world, "sp-1", "sb-video", "c-legacy", "sd-1") == [P] * 4
    assert [c[3] for c in world.ads.set_calls] == [[(i, "PAUSED") for i in throttled]]


def test_crash_between_ads_call_and_ledger_write_converges(world):
    # Given a pause applied at Amazon whose ledger confirmation never happened (Lambda died)
    ledger = world.services.ledger
    sp = next(e for e in world.ads.entities.values() if e.ref.entity_id == "sp-1")
    from tests.support.notifications import T0

    assert ledger.intend_pause(sp.ref, asin=ASIN, reason="out_of_stock", notification_id="n-out", now=T0)
    world.ads.set_state(sp, P)
    # When the notification is redelivered
    result = run(world, fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="n-out"))
    # Then the ledger converges to PAUSED (ours) and a later restock resumes it
    assert result.failed_message_ids == []
    assert ledger.get(sp.ref).status is LedgerStatus.PAUSED
    run(world, fba(ASIN, "SELLERSKU-1", 9, minutes=90, nid="n-back"))
    assert world.state("sp-1") is E


def test_operator_reenable_is_respected_for_the_episode(world):
    run(world, fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="n-out"))
    sp = next(e for e in world.ads.entities.values() if e.ref.entity_id == "sp-1")
    world.ads.set_state(sp, E)  # the operator turns it back on
    from stockguard.index.sync import sync_index
    from tests.support.notifications import T0

    profile = world.ads.profiles[0]
    report = sync_index(ads=world.ads, index=world.services.index, ledger=world.services.ledger, profiles=[profile], now=T0)
    assert report.overrides == 1
    run(world, fba(ASIN, "SELLERSKU-1", 0, minutes=30, nid="n-still-out"))
    assert world.state("sp-1") is E, "not paused again in the same episode"


def test_featured_offer_lost_pauses_and_regained_resumes(world):
    run(world, fba(ASIN, "SELLERSKU-1", 30, minutes=0, nid="n-stock"))
    result = process_batch(
        sqs_event(any_offer_changed(ASIN, we_win=False, minutes=5, nid="aoc-lost"), queue="OfferNotificationsQueue")["Records"],
        world.services,
    )
    assert result.failed_message_ids == []
    assert states(world, "sp-1", "sb-video", "sd-1") == [P, P, P]
    process_batch(sqs_event(any_offer_changed(ASIN, we_win=True, minutes=60, nid="aoc-won"))["Records"], world.services)
    assert states(world, "sp-1", "sb-video", "sd-1") == [E, E, E]


def test_unknown_winner_is_not_lost(world):
    run(world, fba(ASIN, "SELLERSKU-1", 30, minutes=0, nid="n-stock"))
    run(world, any_offer_changed(ASIN, we_win=None, minutes=5, nid="aoc-unknown"))
    assert world.state("sp-1") is E


def test_multi_asin_sb_ad_pauses_when_all_out(world):
    run(world, fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="a"), fba(OTHER_ASIN, "SELLERSKU-2", 0, minutes=0, nid="b"))
    assert world.state("sb-collection") is P


def test_monitor_mode_never_calls_the_ads_api(aws_stack):
    world = build_world(aws_stack, StockGuardConfig(mode="monitor"))
    result = run(world, fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="n-out"))
    assert result.failed_message_ids == []
    assert not any(k.startswith(("set_states", "get_states")) for k in world.ads.calls)
    assert {a.result for a in world.services.audit.for_asin("ATVPDKIKX0DER", ASIN)} == {"monitor"}


def test_marketplaces_the_ads_api_does_not_serve(world):
    # Ireland is an Amazon marketplace without an Ads API host; "XX-NOT-A-MARKETPLACE" is no marketplace at all
    result = run(
        world,
        fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="n-ie", marketplace="A28R8C7NBKEWEA"),
        fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="n-bad", marketplace="XX-NOT-A-MARKETPLACE"),
        fba(ASIN, "SELLERSKU-1", 0, minutes=1, nid="n-us"),
    )
    # the unknown id is rejected with its reason, Ireland is accepted with nothing to decide, the US one applies
    assert [m[:5] for m in result.failed_message_ids] == ["msg-1"]
    assert list(result.rejected.values()) == ["MarketplaceId: no Ads API region serves 'XX-NOT-A-MARKETPLACE'; nothing to decide"]
    assert world.services.metrics.counts["NotificationsRejected"] == 1
    assert world.services.metrics.by_label[("DecisionsSkipped", "marketplace_not_served")] == 1
    assert result.processed == 2
    assert world.state("sp-1") is P
