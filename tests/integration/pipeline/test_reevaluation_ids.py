"""A delayed re-evaluation is named after the notifications whose decision it carries, so one that was
processed before newer facts arrived can never swallow (by deduplication) the re-evaluation those facts
ask for. Found by the soak: the policy clock of a batch is the newest event time of its group, so an
entity can be stamped later than its own ASIN's facts, and the next notification for that ASIN waits
for that time (a re-evaluation) even with dwell time 0."""

from __future__ import annotations

import json

from stockguard.cli.embedded import VirtualReevaluations
from stockguard.domain.ads import EntityState
from stockguard.pipeline.batch import process_batch
from stockguard.policy import StockGuardConfig
from tests.integration.pipeline.conftest import ASIN, build_world
from tests.support.notifications import fba, sqs_event

P, E = EntityState.PAUSED, EntityState.ENABLED
UNADVERTISED = "B0NOADS001"  # an ASIN of the same seller that no ad advertises


def _deliver(world, *bodies) -> None:
    result = process_batch(sqs_event(*bodies)["Records"], world.services)
    assert result.failed_message_ids == []


def _run_reevaluations(world, reevaluations: VirtualReevaluations) -> list[str]:
    bodies = reevaluations.due(None)
    for body in bodies:
        _deliver(world, body)
    return [json.loads(b)["notificationId"] for b in bodies]


def test_a_second_wait_for_the_same_time_is_not_swallowed_by_the_first(aws_stack):
    world = build_world(aws_stack, StockGuardConfig(dwell_minutes=0))
    reevaluations = VirtualReevaluations()
    world.services.reevaluate = reevaluations
    # Given sp-1 paused at 20 min: its ASIN ran out at 10, but the batch's clock was another ASIN's 20 min
    _deliver(world, fba(ASIN, "SELLERSKU-1", 0, minutes=10, nid="a-out"), fba(UNADVERTISED, "SKU-UNADVERTISED", 5, minutes=20, nid="u-20"))
    assert world.state("sp-1") is P
    # When the ASIN is back at 12 min: the decision waits for 20 min, and the re-evaluation resumes it
    _deliver(world, fba(ASIN, "SELLERSKU-1", 9, minutes=12, nid="a-back"))
    assert world.state("sp-1") is P
    first = _run_reevaluations(world, reevaluations)
    assert world.state("sp-1") is E
    # And out again at 15 min: a new wait for the same 20 min, from another notification
    _deliver(world, fba(ASIN, "SELLERSKU-1", 0, minutes=15, nid="a-out-again"))
    second = _run_reevaluations(world, reevaluations)
    # Then the ad is paused: that wait got its own re-evaluation, not a duplicate of the first one
    assert world.state("sp-1") is P
    assert len(first) == len(second) == 1 and first != second, "one re-evaluation per product, time and source"
