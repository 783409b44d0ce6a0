"""DynamoDB throttling at every read of a stock-out + restock episode.

Recording a fact returns every fact of its product, so the reads a batch still makes (dedup and ledger
BatchGetItem, index lookups, the facts of products no write returned, the one-off Query of the stock
table's layout upgrade) are each a place where DynamoDB can answer ProvisionedThroughputExceeded once
boto3's retries are spent. Each read fails in turn: redelivery converges, each ad changes state exactly
once per transition, the ledger and the audit log agree with the Ads API.
"""

from __future__ import annotations

from tests.integration.faults.conftest import BACK, OUT, records
from tests.support.ddb_faults import DynamoFaults
from tests.support.fault_world import Problems, assert_consistent, deliver_until_done


def test_throttling_at_every_read_converges(fresh_world):
    world = fresh_world()
    with DynamoFaults() as probe:
        assert deliver_until_done(world.services, records(OUT)).rounds == 1
        assert deliver_until_done(world.services, records(BACK)).rounds == 1
        reads = probe.reads
    assert not world.problems_after_episode(), "the clean run is consistent"
    assert {r.operation for r in reads} >= {"BatchGetItem", "Query"}
    cases: dict[str, Problems] = {}
    for nth, read in enumerate(reads, start=1):
        # Given the Nth read of the episode is throttled
        world = fresh_world()
        with DynamoFaults() as faults:
            faults.fail_read(nth)
            # When SQS delivers the stock-out, then the restock, redelivering what failed
            out = deliver_until_done(world.services, records(OUT))
            back = deliver_until_done(world.services, records(BACK))
        # Then nothing ends in the DLQ and the Ads API, the ledger and the audit log agree
        cases[f"read {nth}: {read.operation} {read.tables}"] = world.problems_after_episode(out, back)
    assert_consistent(cases)
