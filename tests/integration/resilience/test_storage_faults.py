"""Storage faults as readable scenarios: a throttled write, a ledger intent someone else holds, a crash
between the Ads API call and the ledger write, a timeout mid-batch, a failed dedup lookup. Each time the
batch reports what did not finish and a redelivery converges. The exhaustive matrix (every write, every
crash point, ledger and audit checked against the Ads API) is tests/integration/faults/."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from stockguard.domain.ads import EntityState
from stockguard.domain.ledger import LedgerStatus
from stockguard.pipeline.batch import process_batch
from tests.integration.pipeline.conftest import ASIN
from tests.support.notifications import fba, sqs_event

P, E = EntityState.PAUSED, EntityState.ENABLED
OURS = ("sp-1", "sb-video", "c-legacy", "sd-1")


def throttling(operation: str) -> ClientError:
    return ClientError({"Error": {"Code": "ProvisionedThroughputExceededException", "Message": "slow down"}}, operation)


class FailOnce:
    """Wrap one repository method: raise on the first `times` calls, then behave."""

    def __init__(self, target, name: str, error: Exception, times: int = 1) -> None:
        self.original = getattr(target, name)
        self.error, self.left = error, times
        setattr(target, name, self)

    def __call__(self, *args, **kwargs):
        if self.left:
            self.left -= 1
            raise self.error
        return self.original(*args, **kwargs)


def deliver_until_done(world, records, *, max_rounds: int = 6) -> int:
    """Redeliver failed records the way SQS would, until none fail. Returns the number of rounds."""
    pending = records
    for round_number in range(1, max_rounds + 1):
        result = process_batch(pending, world.services)
        failed = set(result.failed_message_ids)
        pending = [r for r in pending if r["messageId"] in failed]
        if not pending:
            return round_number
    raise AssertionError(f"still failing after {max_rounds} deliveries: {[r['messageId'] for r in pending]}")


WRITES = [
    ("stock", "record"),
    ("ledger", "intend_pause"),
    ("ledger", "confirm_pause"),
    ("index", "update_states"),
    ("dedup", "mark"),
]


@pytest.mark.parametrize("repository, method", WRITES, ids=[f"{r}.{m}" for r, m in WRITES])
def test_throttled_write_converges_on_redelivery(world, repository, method):
    FailOnce(getattr(world.services, repository), method, throttling(method))
    records = sqs_event(fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="n-out"))["Records"]
    deliver_until_done(world, records)
    assert [world.state(i) for i in OURS] == [P] * 4
    held = world.services.ledger.get_many(e.ref for e in world.ads.entities.values())
    assert {k.split("#")[-1] for k, v in held.items() if v.status is LedgerStatus.PAUSED} == set(OURS)
    # each entity was paused by exactly one applied PUT
    put_ids = [i for call in world.ads.set_calls for i, _ in call[3]]
    assert sorted(put_ids) == sorted(set(put_ids))


def test_conditional_check_failure_on_the_ledger_means_someone_else_holds_it(world):
    # Given another invocation already took the pause intent for sp-1
    sp = next(e for e in world.ads.entities.values() if e.ref.entity_id == "sp-1")
    from tests.support.notifications import T0

    world.services.ledger.intend_pause(sp.ref, asin=ASIN, reason="out_of_stock", notification_id="other", now=T0)
    world.services.ledger.confirm_pause(sp.ref, now=T0)
    result = process_batch(sqs_event(fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="n-out"))["Records"], world.services)
    assert result.failed_message_ids == []
    assert "sp-1" not in [i for call in world.ads.set_calls for i, _ in call[3]], "never paused twice"


def test_crash_after_the_ads_call_before_the_ledger_write(world):
    # The four pauses of the batch are confirmed in one batched ledger write (confirm_many): it dies once.
    FailOnce(world.services.ledger, "confirm_many", RuntimeError("Lambda died here"))
    records = sqs_event(fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="n-out"))["Records"]
    rounds = deliver_until_done(world, records)
    assert rounds == 2
    ledger = world.services.ledger.get_many(e.ref for e in world.ads.entities.values())
    assert all(ledger[e.ref.id].status is LedgerStatus.PAUSED for e in world.ads.entities.values() if e.ref.entity_id in OURS)
    # and the restock resumes exactly ours
    deliver_until_done(world, sqs_event(fba(ASIN, "SELLERSKU-1", 30, minutes=60, nid="n-back"))["Records"])
    assert [world.state(i) for i in OURS] == [E] * 4 and world.state("sp-operator") is P


def test_timeout_mid_batch_converges(world):
    # The Ads API call of the second group never returns (the Lambda times out there)
    calls = {"n": 0}
    original = world.ads.set_states

    def dying(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise TimeoutError("Task timed out")
        return original(*args, **kwargs)

    world.ads.set_states = dying
    deliver_until_done(world, sqs_event(fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="n-out"))["Records"])
    assert [world.state(i) for i in OURS] == [P] * 4


def test_dedup_lookup_failure_fails_the_batch_not_silently(world):
    FailOnce(world.services.dedup, "seen", throttling("BatchGetItem"))
    records = sqs_event(fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="n-out"))["Records"]
    first = process_batch(records, world.services)
    assert first.failed_message_ids == [records[0]["messageId"]]
    assert deliver_until_done(world, records) == 1
    assert world.state("sp-1") is P
