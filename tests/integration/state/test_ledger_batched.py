"""The ledger's batched transitions (intend_many / confirm_many / cancel_many, TransactWriteItems) against
moto: each entry ends exactly as its single-entity transition would leave it, the result names the
entries whose condition held, a failed condition does not cancel the others, conflicts are resent, and
sustained cancellation fails loudly with nothing applied."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from stockguard.domain.ads import AdProduct, EntityRef, EntityType
from stockguard.domain.decisions import Action
from stockguard.domain.ledger import LedgerStatus
from stockguard.state import ledger as ledger_module
from stockguard.state.ledger import Intent, LedgerRepository, TransactionIncomplete
from tests.support.ddb_faults import DynamoFaults

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
ASIN = "B00001ABCD"


def ref(entity_id: str) -> EntityRef:
    return EntityRef(profile_id="1001", ad_product=AdProduct.SP, entity_type=EntityType.AD, entity_id=entity_id)


def intent(entity_id: str, nid: str = "n1", minutes: int = 0) -> Intent:
    return Intent(ref=ref(entity_id), asin=ASIN, reason="out_of_stock", notification_id=nid, now=T0 + timedelta(minutes=minutes))


@pytest.fixture
def ledger(aws_stack) -> LedgerRepository:
    return LedgerRepository(aws_stack.tables["LedgerTable"])


def _comparable(entry) -> dict:
    return entry.model_dump(exclude={"ref"})


def test_batched_transitions_leave_entries_exactly_as_the_single_ones(ledger):
    # Given entity "single" driven by the per-entity methods and "batched" by the batched ones
    now = T0 + timedelta(minutes=5)
    steps = [
        (
            lambda: ledger.intend_pause(ref("single"), asin=ASIN, reason="out_of_stock", notification_id="n1", now=T0),
            lambda: ledger.intend_many(Action.PAUSE, [intent("batched")]),
        ),
        (lambda: ledger.confirm_pause(ref("single"), now=T0), lambda: ledger.confirm_many(Action.PAUSE, [(ref("batched"), T0)])),
        (
            lambda: ledger.intend_resume(ref("single"), asin=ASIN, reason="back_in_stock", notification_id="n2", now=now),
            lambda: ledger.intend_many(
                Action.RESUME, [Intent(ref=ref("batched"), asin=ASIN, reason="back_in_stock", notification_id="n2", now=now)]
            ),
        ),
        (lambda: ledger.cancel_resume(ref("single")), lambda: ledger.cancel_many(Action.RESUME, [ref("batched")])),
        (
            lambda: ledger.intend_resume(ref("single"), asin=ASIN, reason="back_in_stock", notification_id="n3", now=now),
            lambda: ledger.intend_many(
                Action.RESUME, [Intent(ref=ref("batched"), asin=ASIN, reason="back_in_stock", notification_id="n3", now=now)]
            ),
        ),
        (lambda: ledger.confirm_resume(ref("single"), now=now), lambda: ledger.confirm_many(Action.RESUME, [(ref("batched"), now)])),
        (lambda: ledger.cancel_pause(ref("single")), lambda: ledger.cancel_many(Action.PAUSE, [ref("batched")])),  # not pending: refused
    ]
    for single, batched in steps:
        # When each transition is applied both ways
        held = single()
        took = batched()
        # Then both agree on whether the condition held, and on the entry it leaves
        assert took == ({ref("batched").id} if held else set())
        entries = ledger.get_many([ref("single"), ref("batched")])
        assert _comparable(entries[ref("single").id]) == _comparable(entries[ref("batched").id])
    assert entries[ref("batched").id].status is LedgerStatus.RELEASED


def test_a_failed_condition_does_not_cancel_the_others(ledger):
    # Given "held" already paused by another invocation
    ledger.intend_pause(ref("held"), asin=ASIN, reason="out_of_stock", notification_id="other", now=T0)
    ledger.confirm_pause(ref("held"), now=T0)
    with DynamoFaults() as probe:
        # When one transaction takes pause intents for it and two fresh entities
        took = ledger.intend_many(Action.PAUSE, [intent("a"), intent("held"), intent("b")])
    # Then the transaction is cancelled once, resent without "held", and the other two hold their intent
    assert took == {ref("a").id, ref("b").id}
    assert [c.operation for c in probe.calls] == ["TransactWriteItems", "TransactWriteItems"]
    entries = ledger.get_many([ref("a"), ref("held"), ref("b")])
    assert [entries[ref(i).id].status for i in ("a", "held", "b")] == [
        LedgerStatus.PAUSE_PENDING,
        LedgerStatus.PAUSED,
        LedgerStatus.PAUSE_PENDING,
    ]
    assert entries[ref("held").id].notification_id == "other"


def test_up_to_100_per_transaction(ledger):
    intents = [intent(f"e-{i:03d}") for i in range(250)]
    with DynamoFaults() as probe:
        took = ledger.intend_many(Action.PAUSE, intents)
    assert len(took) == 250
    assert [c.operation for c in probe.calls] == ["TransactWriteItems"] * 3
    with DynamoFaults() as probe:
        assert len(ledger.confirm_many(Action.PAUSE, [(i.ref, T0) for i in intents])) == 250
    assert len(probe.calls) == 3


def test_a_conflict_is_resent_and_sustained_cancellation_fails_loudly(ledger, monkeypatch):
    monkeypatch.setattr(ledger_module, "backoff_seconds", lambda attempt: 0)
    # Given the first transaction is cancelled by a conflicting write on one item
    with DynamoFaults() as faults:
        faults.cancel_write(1, ["None", "TransactionConflict"])
        took = ledger.intend_many(Action.PAUSE, [intent("a"), intent("b")])
    # Then it is resent and both take their intent
    assert took == {ref("a").id, ref("b").id}
    assert len(faults.writes) == 2
    # And when every resend is cancelled, it raises, naming what did not apply, and nothing applied
    with DynamoFaults() as faults:
        for nth in range(1, ledger_module.TRANSACT_RETRIES + 2):
            faults.cancel_write(nth, ["ThrottlingError", "None"])
        with pytest.raises(TransactionIncomplete) as raised:
            ledger.confirm_many(Action.PAUSE, [(ref("a"), T0), (ref("b"), T0)])
    assert raised.value.ref_ids == sorted([ref("a").id, ref("b").id])
    assert {e.status for e in ledger.get_many([ref("a"), ref("b")]).values()} == {LedgerStatus.PAUSE_PENDING}


def test_nothing_to_do_is_no_call_and_keep_has_no_transition(ledger):
    with DynamoFaults() as probe:
        assert ledger.intend_many(Action.PAUSE, []) == set()
    assert probe.calls == []
    with pytest.raises(ValueError):
        ledger.cancel_many(Action.KEEP, [ref("a")])
