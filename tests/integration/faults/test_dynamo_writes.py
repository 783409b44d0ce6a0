"""DynamoDB throttling at every write, and ConditionalCheckFailed at every conditional write.

Each write of a stock-out + restock episode fails in turn (ProvisionedThroughputExceededException, as
DynamoDB answers once boto3's own retries are spent). Then, separately, a concurrent invocation of the
same batch (SQS delivers at least once, possibly to two Lambdas at the same time) runs to completion just
before each conditional write, which then meets a real ConditionalCheckFailed. Every time: redelivery
converges, nothing is lost, each ad changes state exactly once per transition, the ledger holds what
StockGuard paused and the audit log says what the Ads API really did. Both again for a restock after the
operator re-enabled one of our ads: that one is never PUT nor audited as resumed, and its pause is released.
"""

from __future__ import annotations

from functools import partial

from stockguard.pipeline.batch import process_batch
from tests.integration.faults.conftest import BACK, OUT, records
from tests.support.ddb_faults import DynamoFaults
from tests.support.fault_world import Problems, assert_consistent, deliver_until_done


def clean_episode_writes(fresh_world) -> tuple[list, int]:
    """The writes of a clean episode, and how many of them belong to the stock-out batch."""
    world = fresh_world()
    with DynamoFaults() as probe:
        assert deliver_until_done(world.services, records(OUT)).rounds == 1
        out_writes = len(probe.writes)
        assert deliver_until_done(world.services, records(BACK)).rounds == 1
        writes = probe.writes
    assert not world.problems_after_episode(), "the clean run is consistent"
    return writes, out_writes


def test_throttling_at_every_write_converges(fresh_world):
    writes, _ = clean_episode_writes(fresh_world)
    assert {w.operation for w in writes} >= {"PutItem", "UpdateItem", "BatchWriteItem"}
    cases: dict[str, Problems] = {}
    for nth, write in enumerate(writes, start=1):
        # Given the Nth write of the episode is throttled
        world = fresh_world()
        with DynamoFaults() as faults:
            faults.fail_write(nth)
            # When SQS delivers the stock-out, then the restock, redelivering what failed
            out = deliver_until_done(world.services, records(OUT))
            back = deliver_until_done(world.services, records(BACK))
        # Then nothing ends in the DLQ and the Ads API, the ledger and the audit log agree
        cases[f"write {nth}: {write.operation} {write.tables}"] = world.problems_after_episode(out, back)
    assert_consistent(cases)


def test_conditional_check_failed_at_every_conditional_write(fresh_world):
    writes, out_writes = clean_episode_writes(fresh_world)
    conditional = [n for n, w in enumerate(writes, start=1) if w.conditional]
    # stock facts (2 batches) and the ledger intents and confirmations of each batch (one transaction each)
    assert len(conditional) >= 6, "stock facts and every ledger transition are conditional writes"
    cases: dict[str, Problems] = {}
    for nth in conditional:
        world = fresh_world()
        batch = records(OUT) if nth <= out_writes else records(BACK)
        with DynamoFaults() as faults:
            # Given the same message, delivered twice, runs in a second Lambda just before this write
            faults.before_write(nth, partial(process_batch, batch, world.services))
            out = deliver_until_done(world.services, records(OUT))
            back = deliver_until_done(world.services, records(BACK))
        cases[f"write {nth}: {writes[nth - 1].operation} {writes[nth - 1].tables}"] = world.problems_after_episode(out, back)
    assert_consistent(cases)


def test_throttling_at_every_write_of_a_restock_with_an_operator_override(fresh_world):
    # Given our ads paused, then sp-1 re-enabled by the operator; the restock's writes counted
    world = fresh_world()
    assert deliver_until_done(world.services, records(OUT)).rounds == 1
    world.operator_reenables("sp-1")
    with DynamoFaults() as probe:
        assert deliver_until_done(world.services, records(BACK)).rounds == 1
        writes = probe.writes
    assert not world.problems_after_override("sp-1"), "the clean run is consistent"
    cases: dict[str, Problems] = {}
    for nth, write in enumerate(writes, start=1):
        world = fresh_world()
        deliver_until_done(world.services, records(OUT))
        world.operator_reenables("sp-1")
        # When the Nth write of the restock is throttled, and SQS redelivers what failed
        with DynamoFaults() as faults:
            faults.fail_write(nth)
            back = deliver_until_done(world.services, records(BACK))
        # Then sp-1 was never PUT nor audited as resumed, the others were resumed once, every pause is released
        cases[f"write {nth}: {write.operation} {write.tables}"] = world.problems_after_override("sp-1", back)
    assert_consistent(cases)


def test_conditional_check_failed_at_every_conditional_write_of_a_restock_with_an_operator_override(fresh_world):
    # Given our ads paused, then sp-1 re-enabled by the operator; the restock's conditional writes counted
    world = fresh_world()
    deliver_until_done(world.services, records(OUT))
    world.operator_reenables("sp-1")
    with DynamoFaults() as probe:
        deliver_until_done(world.services, records(BACK))
        writes = probe.writes
    conditional = [n for n, w in enumerate(writes, start=1) if w.conditional]
    assert conditional, "the ledger transitions of the restock are conditional writes"
    cases: dict[str, Problems] = {}
    for nth in conditional:
        world = fresh_world()
        deliver_until_done(world.services, records(OUT))
        world.operator_reenables("sp-1")
        # When the same restock, delivered twice, runs in a second Lambda just before this write
        with DynamoFaults() as faults:
            faults.before_write(nth, partial(process_batch, records(BACK), world.services))
            back = deliver_until_done(world.services, records(BACK))
        # Then neither invocation PUT sp-1 or audited it as resumed, and every pause is released
        cases[f"write {nth}: {writes[nth - 1].operation} {writes[nth - 1].tables}"] = world.problems_after_override("sp-1", back)
    assert_consistent(cases)
