"""Plan and execute against the in-memory adapters: one test per effect a decision can carry (no sockets).

The world is the integration pipeline's (a seller with SP, SB and SD ads for one ASIN), with every store
in memory (stockguard_dev.memory) and the fake Ads API; the DynamoDB adapters are proven equal to these by
tests/contract.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from stockguard.ads.port import Profile, Region
from stockguard.domain.ads import EntityState
from stockguard.domain.decisions import Action, Effect, Reason
from stockguard.domain.facts import ProductKey
from stockguard.domain.ledger import LedgerStatus
from stockguard.domain.outcomes import Outcome
from stockguard.index.sync import sync_index
from stockguard.pipeline.batch import process_batch
from stockguard.pipeline.gather import gather_group
from stockguard.pipeline.plan import plan_group
from stockguard.pipeline.record import record_facts
from stockguard.policy import StockGuardConfig
from stockguard_dev.memory.services import memory_services
from tests.integration.pipeline.conftest import ASIN, ENTITIES, PROFILE, World
from tests.support.fake_ads import FakeAdsApi
from tests.support.notifications import SELLER, T0, US, fba, sqs_event

pytestmark = pytest.mark.unit

P, E = EntityState.PAUSED, EntityState.ENABLED


def world(config: StockGuardConfig | None = None) -> World:
    profile = Profile(profile_id=PROFILE, country_code="US", marketplace_id=US, account_id=SELLER, account_type="seller", region=Region.NA)
    ads = FakeAdsApi([profile], ENTITIES)
    services = memory_services(ads, config)
    sync_index(ads=ads, index=services.index, ledger=services.ledger, profiles=[profile], now=T0)
    ads.calls.clear()
    return World(services=services, ads=ads)


def run(w: World, *bodies):
    return process_batch(sqs_event(*bodies)["Records"], w.services)


def plan_for(w: World, *bodies):
    """The plan phase's decisions for the bodies' single group (facts recorded first, as the pipeline does)."""
    from stockguard.domain.facts import ParsedNotification
    from stockguard.notifications import parse_notification

    fresh: dict[str, ParsedNotification] = {}
    for body in bodies:
        parsed = parse_notification(body if isinstance(body, str) else json.dumps(body))
        fresh[parsed.notification_id] = parsed
    recorded = record_facts(w.services, fresh)
    assert not recorded.broken
    ((account, marketplace), by_asin), *_ = recorded.triggers.items()
    return plan_group(w.services.config, gather_group(w.services, account, marketplace, list(by_asin.values())))


def reevaluation(minutes: float, source: str) -> str:
    """A re-evaluation of the product at T0 + minutes: always decided (it carries no facts)."""
    from stockguard.notifications import build_reevaluate_message, reevaluation_id

    product = ProductKey(account_id=SELLER, marketplace_id=US, asin=ASIN)
    at = T0 + timedelta(minutes=minutes)
    return build_reevaluate_message([product], at=at, notification_id=reevaluation_id([product], at, source=source))


def decision(plan, entity_id: str):
    (found,) = [d for d in plan.decisions if d.entity.ref.entity_id == entity_id]
    return found


def ledger_status(w: World, entity_id: str) -> LedgerStatus | None:
    (entity,) = [e for e in w.ads.entities.values() if e.ref.entity_id == entity_id]
    entry = w.services.ledger.get(entity.ref)
    return entry.status if entry else None


def test_pause_effect_pauses_the_ad_and_the_ledger_holds_it():
    # Given every ad enabled
    w = world()
    # When the ASIN's only SKU runs out: the plan says PAUSE
    assert decision(plan_for(w, fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="n-plan")), "sp-1").what is Effect.PAUSE
    result = run(w, fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="n-out"))
    # Then the executor paused it at Amazon, the ledger holds the pause and the audit says applied
    assert w.state("sp-1") is P and ledger_status(w, "sp-1") is LedgerStatus.PAUSED
    ref = next(e.ref for e in w.ads.entities.values() if e.ref.entity_id == "sp-1")
    assert result.outcomes[ref.id] is Outcome.APPLIED
    assert ("sp-1", "applied") in {(a.entity_id, a.result) for a in w.services.audit.for_asin(US, ASIN)}


def test_resume_effect_resumes_only_what_stockguard_paused():
    # Given StockGuard paused the ads of a stock-out (the operator's own paused ad is not ours)
    w = world(StockGuardConfig(dwell_minutes=0))
    run(w, fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="n-out"))
    # When stock is back: the plan says RESUME for ours, nothing for the operator's
    plan = plan_for(w, fba(ASIN, "SELLERSKU-1", 20, minutes=10, nid="n-plan"))
    assert decision(plan, "sp-1").what is Effect.RESUME and decision(plan, "sp-operator").what is Effect.NONE
    run(w, fba(ASIN, "SELLERSKU-1", 20, minutes=10, nid="n-back"))
    # Then ours run again, the operator's stays paused, and the ledger released ours
    assert (w.state("sp-1"), w.state("sp-operator")) == (E, P)
    assert ledger_status(w, "sp-1") is LedgerStatus.RELEASED


def test_report_effect_in_monitor_mode_sends_nothing():
    # Given monitor mode
    w = world(StockGuardConfig(mode="monitor"))
    # When the ASIN runs out: the plan's pause carries REPORT
    assert decision(plan_for(w, fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="n-plan")), "sp-1").what is Effect.REPORT
    result = run(w, fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="n-out"))
    # Then no state change was sent, no ledger entry exists, and the audit records the would-be change
    assert w.ads.set_calls == [] and w.state("sp-1") is E and ledger_status(w, "sp-1") is None
    assert set(result.outcomes.values()) == {Outcome.MONITOR}
    assert {a.result for a in w.services.audit.for_asin(US, ASIN)} == {"monitor"}


def test_mark_overridden_effect_rereads_and_marks_the_operator_override():
    # Given StockGuard paused sp-1, then an operator re-enabled it and the index learned it
    w = world()
    run(w, fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="n-out"))
    sp1 = next(e for e in w.ads.entities.values() if e.ref.entity_id == "sp-1")
    w.ads.set_state(sp1, E)
    w.services.index.update_state(sp1, E)
    # When the product is decided again while still out (a re-evaluation: a notification that leaves the
    # condition as it was is not decided again): the plan says MARK_OVERRIDDEN (a keep)
    plan = plan_for(w, reevaluation(5, "n-plan"))
    assert (decision(plan, "sp-1").action, decision(plan, "sp-1").what) == (Action.KEEP, Effect.MARK_OVERRIDDEN)
    w.ads.set_calls.clear()
    run(w, reevaluation(5, "n-still-out"))
    # Then the executor re-read it, sent no change, and the ledger says OVERRIDDEN
    assert w.ads.set_calls == [] and w.state("sp-1") is E
    assert ledger_status(w, "sp-1") is LedgerStatus.OVERRIDDEN


def test_release_effect_ends_an_overridden_episode_without_an_ads_call():
    # Given an overridden pause (the operator re-enabled sp-1 during the stock-out)
    w = world()
    run(w, fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="n-out"))
    sp1 = next(e for e in w.ads.entities.values() if e.ref.entity_id == "sp-1")
    w.ads.set_state(sp1, E)
    w.services.index.update_state(sp1, E)
    run(w, reevaluation(5, "n-still-out"))
    # When stock is back: the plan says RELEASE
    plan = plan_for(w, fba(ASIN, "SELLERSKU-1", 20, minutes=30, nid="n-plan"))
    assert (decision(plan, "sp-1").reason, decision(plan, "sp-1").what) == (Reason.CONDITIONS_CLEARED, Effect.RELEASE)
    w.ads.set_calls.clear()
    run(w, fba(ASIN, "SELLERSKU-1", 20, minutes=30, nid="n-back"))
    # Then the ledger is RELEASED (StockGuard may pause it again later) and nothing was sent for sp-1
    assert ledger_status(w, "sp-1") is LedgerStatus.RELEASED
    assert not any("sp-1" in [i for i, _ in changes] for *_, changes in w.ads.set_calls)


def test_wait_effect_schedules_one_reevaluation_at_the_end_of_the_dwell_time():
    # Given a pause at T0 and a dwell time of 30 minutes
    w = world(StockGuardConfig(dwell_minutes=30))
    run(w, fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="n-out"))
    # When stock is back 10 minutes later: the plan says WAIT until T0 + 30 min
    plan = plan_for(w, fba(ASIN, "SELLERSKU-1", 20, minutes=10, nid="n-plan"))
    wait = decision(plan, "sp-1")
    assert (wait.what, wait.retry_at) == (Effect.WAIT, T0 + timedelta(minutes=30))
    run(w, fba(ASIN, "SELLERSKU-1", 20, minutes=10, nid="n-back"))
    # Then nothing resumed yet, and exactly one re-evaluation is queued for the product (however many ads wait)
    assert w.state("sp-1") is P
    messages = w.services.reevaluate.messages  # type: ignore[union-attr]
    # (20 minutes away; SQS delays at most 900 s, so the re-evaluation chains: first hop 900 s, at T0 + 25 min)
    assert len(messages) == 1 and messages[0].delay_seconds == 900
    assert json.loads(messages[0].body)["eventTime"].startswith((T0 + timedelta(minutes=25)).strftime("%Y-%m-%dT%H:%M:%S"))


def test_none_effect_changes_nothing_anywhere():
    # Given every ad enabled
    w = world()
    # When stock stays high: every decision is a keep with no effect
    plan = plan_for(w, fba(ASIN, "SELLERSKU-1", 50, minutes=0, nid="n-plan"))
    assert {d.what for d in plan.decisions} == {Effect.NONE}
    run(w, fba(ASIN, "SELLERSKU-1", 50, minutes=0, nid="n-ok"))
    # Then no Ads API call, no ledger entry, no audit entry
    assert w.ads.set_calls == [] and w.ads.get_calls == []
    assert all(ledger_status(w, e.ref.entity_id) is None for e in w.ads.entities.values())
    assert w.services.audit.for_asin(US, ASIN) == []


def test_a_notification_that_leaves_the_condition_as_it_was_is_not_decided_again():
    # Given stock well above both thresholds, decided once
    w = world()
    run(w, fba(ASIN, "SELLERSKU-1", 40, minutes=0, nid="n-40"))
    index_reads = w.services.index.calls["entities_for"]  # type: ignore[attr-defined]
    # When a newer notification says 39 (still above both thresholds: the same condition)
    result = run(w, fba(ASIN, "SELLERSKU-1", 39, minutes=5, nid="n-39"))
    # Then its fact is stored, nothing is read or decided, it is not marked in the dedup table, and it is counted
    assert result.failed_message_ids == [] and result.processed == 1 and result.plans == []
    product = ProductKey(account_id=SELLER, marketplace_id=US, asin=ASIN)
    assert {f.fulfillable for f in w.services.stock.load(product).stock} == {39}
    assert w.services.index.calls["entities_for"] == index_reads  # type: ignore[attr-defined]
    assert w.services.dedup.seen(["n-39"]) == set() and w.services.dedup.seen(["n-40"]) == {"n-40"}
    assert w.services.metrics.by_label[("DecisionsSkipped", "condition_unchanged")] == 1  # type: ignore[attr-defined]
    # And a redelivery of it (its fact is no longer newer) is decided in full, and changes nothing
    again = run(w, fba(ASIN, "SELLERSKU-1", 39, minutes=5, nid="n-39"))
    assert len(again.plans) == 1 and w.ads.set_calls == []


def test_a_change_of_condition_is_decided():
    # Given stock above both thresholds
    w = world()
    run(w, fba(ASIN, "SELLERSKU-1", 40, minutes=0, nid="n-40"))
    # When it drops to the pause threshold: the condition changes (back -> out), so it is decided and paused
    run(w, fba(ASIN, "SELLERSKU-1", 0, minutes=5, nid="n-0"))
    assert w.state("sp-1") is P


def test_plan_reads_only():
    # Given a world with a pending stock-out fact recorded
    w = world()
    before = {name: sum(getattr(w.services, name).calls.values()) for name in ("ledger", "audit", "stock", "dedup")}
    # When the plan phase alone runs (after record facts and gather)
    plan_for(w, fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="n-plan"))
    # Then no ledger transition, no audit write and no Ads API state change happened
    assert w.ads.set_calls == []
    assert all(ledger_status(w, e.ref.entity_id) is None for e in w.ads.entities.values())
    assert w.services.audit.for_asin(US, ASIN) == []
    calls = w.services.ledger.calls  # type: ignore[attr-defined]
    assert not any(name.startswith(("intend", "confirm", "cancel", "mark", "release")) for name in calls), calls
    assert before["audit"] == sum(w.services.audit.calls.values()) - sum(  # type: ignore[attr-defined]
        n
        for k, n in w.services.audit.calls.items()
        if k.startswith("for_")  # type: ignore[attr-defined]
    )


def test_a_redelivered_notification_is_decided_even_beside_a_newer_one_of_the_same_condition():
    # Regression (the soak found it): a stock-out whose PUT was throttled left its pause intents pending and was
    # redelivered in the same batch as a newer notification of another SKU that kept the product out of stock.
    w = world()
    w.ads.fail_next_set = [Outcome.THROTTLED] * 4  # every PUT group (SP, SB ad, SB campaign, SD) of the first attempt
    first = run(w, fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="n-out"))
    assert first.failed_message_ids and w.state("sp-1") is E
    # When the redelivery arrives with the newer, same-condition notification (its fact is stored: "unchanged")
    again = run(w, fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="n-out"), fba(ASIN, "SELLERSKU-1", 0, minutes=5, nid="n-still-out"))
    # Then the redelivered one is still decided: its pauses apply and nothing is left pending
    assert again.failed_message_ids == []
    assert w.state("sp-1") is P and ledger_status(w, "sp-1") is LedgerStatus.PAUSED
