"""The policy clock is per product: an ad is decided (and its ledger stamped) at the newest event time of
its own ASINs' facts, never at another ASIN's later time in the same batch. Before, the clock was the
newest event time of the whole (seller, marketplace) group, so an ad paused for ASIN A at 0 min was
stamped with ASIN B's 20 min, and A's restock at 35 min waited for the dwell time counted from 20
(a re-evaluation the soak sent by the thousand)."""

from __future__ import annotations

import json
from datetime import timedelta

from stockguard.domain.ads import EntityState
from stockguard.pipeline.batch import BatchResult, process_batch
from stockguard.policy import StockGuardConfig
from stockguard_dev.cli.embedded import VirtualReevaluations
from tests.integration.pipeline.conftest import ASIN, OTHER_ASIN, build_world
from tests.support.notifications import T0, US, fba, sqs_event

P, E = EntityState.PAUSED, EntityState.ENABLED
UNADVERTISED = "B0NOADS001"  # an ASIN of the same seller that no ad advertises


def _deliver(world, *bodies) -> BatchResult:
    result = process_batch(sqs_event(*bodies)["Records"], world.services)
    assert result.failed_message_ids == []
    return result


def _ref(world, entity_id: str):
    return next(e.ref for e in world.ads.entities.values() if e.ref.entity_id == entity_id)


def _run_reevaluations(world, reevaluations: VirtualReevaluations) -> list[str]:
    bodies = reevaluations.due(None)
    for body in bodies:
        _deliver(world, body)
    return [json.loads(b)["notificationId"] for b in bodies]


def test_a_later_asin_in_the_batch_does_not_age_another_products_decision(aws_stack):
    world = build_world(aws_stack, StockGuardConfig(dwell_minutes=30))
    reevaluations = VirtualReevaluations()
    world.services.reevaluate = reevaluations
    # Given one batch: the ASIN runs out at 0 min, another ASIN of the seller changes at 20 min
    _deliver(world, fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="a-out"), fba(UNADVERTISED, "SKU-UNADVERTISED", 5, minutes=20, nid="u-20"))
    # Then sp-1 is paused, and the pause is stamped with its own product's time (ledger and audit)
    assert world.state("sp-1") is P
    sp = _ref(world, "sp-1")
    assert world.services.ledger.get_many([sp])[sp.id].last_change_at == T0
    assert {e.at for e in world.services.audit.for_asin(US, ASIN) if e.entity_id == "sp-1"} == {T0}
    # When the ASIN is back at 35 min: 30 min after its own pause, the dwell time is over
    _deliver(world, fba(ASIN, "SELLERSKU-1", 9, minutes=35, nid="a-back"))
    # Then it resumes at once, and no re-evaluation is scheduled (the group clock made it wait until 50 min)
    assert world.state("sp-1") is E
    assert reevaluations.pending == []


def test_an_entity_featuring_several_asins_uses_the_newest_of_their_clocks(aws_stack):
    world = build_world(aws_stack)
    # Given one batch with the ASIN at 5 min and the collection's other ASIN at 25 min
    result = _deliver(world, fba(ASIN, "SELLERSKU-1", 40, minutes=5, nid="a-5"), fba(OTHER_ASIN, "SKU-OTHER", 40, minutes=25, nid="o-25"))
    # Then the ads of the ASIN alone run at 5 min, the collection (both ASINs) at 25 min
    clocks = result.plans[0].clocks
    assert clocks[_ref(world, "sp-1").id] == T0 + timedelta(minutes=5)
    assert clocks[_ref(world, "sd-1").id] == T0 + timedelta(minutes=5)
    assert clocks[_ref(world, "sb-collection").id] == T0 + timedelta(minutes=25)


def test_a_stale_notification_is_decided_at_the_newest_stored_time_of_its_product(aws_stack):
    world = build_world(aws_stack)
    # Given the ASIN's facts stored up to 30 min
    _deliver(world, fba(ASIN, "SELLERSKU-1", 40, minutes=30, nid="a-30"))
    # When a late notification of 10 min arrives
    result = _deliver(world, fba(ASIN, "SELLERSKU-1", 0, minutes=10, nid="a-10"))
    # Then its product is decided at 30 min (never back in time), and the stale fact changed nothing
    assert result.plans[0].clocks[_ref(world, "sp-1").id] == T0 + timedelta(minutes=30)
    assert world.state("sp-1") is E


def test_a_second_wait_for_the_same_time_gets_its_own_reevaluation(aws_stack):
    """Replaces test_reevaluation_ids' scenario, which needed the group clock to make an ad wait with dwell
    time 0: a re-evaluation already processed must not swallow (by deduplication) a later wait for the
    same time from another notification."""
    world = build_world(aws_stack, StockGuardConfig(dwell_minutes=10))
    reevaluations = VirtualReevaluations()
    world.services.reevaluate = reevaluations
    # Given sp-1 paused at 10 min, back at 12 (waits for 20), out again at 14 before that wait is due
    _deliver(world, fba(ASIN, "SELLERSKU-1", 0, minutes=10, nid="a-out"))
    _deliver(world, fba(ASIN, "SELLERSKU-1", 9, minutes=12, nid="a-back"))
    _deliver(world, fba(ASIN, "SELLERSKU-1", 0, minutes=14, nid="a-out-again"))
    # When the first wait is re-evaluated at 20 min: still out, so it stays paused (no state change)
    first = _run_reevaluations(world, reevaluations)
    assert world.state("sp-1") is P
    # And the ASIN is back at 16 min: a new wait for the same 20 min, from another notification
    _deliver(world, fba(ASIN, "SELLERSKU-1", 9, minutes=16, nid="a-back-again"))
    second = _run_reevaluations(world, reevaluations)
    # Then that wait got its own re-evaluation (not a duplicate of the first) and the ad resumed
    assert len(first) == len(second) == 1 and first != second, "one re-evaluation per product, time and source"
    assert world.state("sp-1") is E
