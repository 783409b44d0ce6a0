"""The one ledger transition table: the policy, the DynamoDB ledger's conditions and the in-memory ledger
agree with it (the contract suite proves the two ledgers equal; this ties them to the table)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from stockguard.domain.ads import AdProduct, EntityRef, EntityType
from stockguard.domain.ledger import TRANSITIONS, LedgerStatus, Transition
from stockguard.state import ledger as dynamo_ledger
from stockguard_dev.memory import MemoryLedger

pytestmark = pytest.mark.unit

NOW = datetime(2026, 12, 1, tzinfo=UTC)
REF = EntityRef(profile_id="1", ad_product=AdProduct.SP, entity_type=EntityType.AD, entity_id="42")

# How to bring an entry to each status through the ledger's own transitions, starting from no entry.
PATHS: dict[LedgerStatus | None, list[Transition]] = {
    None: [],
    LedgerStatus.PAUSE_PENDING: [Transition.INTEND_PAUSE],
    LedgerStatus.PAUSED: [Transition.INTEND_PAUSE, Transition.CONFIRM_PAUSE],
    LedgerStatus.RESUME_PENDING: [Transition.INTEND_PAUSE, Transition.CONFIRM_PAUSE, Transition.INTEND_RESUME],
    LedgerStatus.RELEASED: [Transition.INTEND_PAUSE, Transition.CANCEL_PAUSE],
    LedgerStatus.OVERRIDDEN: [Transition.INTEND_PAUSE, Transition.CONFIRM_PAUSE, Transition.MARK_OVERRIDDEN],
}


def apply(ledger: MemoryLedger, transition: Transition) -> bool:
    calls = {
        Transition.INTEND_PAUSE: lambda: ledger.intend_pause(REF, asin="B0", reason="out_of_stock", notification_id="n", now=NOW),
        Transition.CONFIRM_PAUSE: lambda: ledger.confirm_pause(REF, now=NOW),
        Transition.CANCEL_PAUSE: lambda: ledger.cancel_pause(REF),
        Transition.INTEND_RESUME: lambda: ledger.intend_resume(REF, asin="B0", reason="back_in_stock", notification_id="n", now=NOW),
        Transition.CONFIRM_RESUME: lambda: ledger.confirm_resume(REF, now=NOW),
        Transition.CANCEL_RESUME: lambda: ledger.cancel_resume(REF),
        Transition.MARK_OVERRIDDEN: lambda: ledger.mark_overridden(REF, now=NOW),
        Transition.RELEASE: lambda: ledger.release(REF, now=NOW),
    }
    return calls[transition]()


@pytest.mark.parametrize("status", list(PATHS), ids=lambda s: str(s))
@pytest.mark.parametrize("transition", list(Transition))
def test_a_ledger_accepts_a_transition_exactly_when_the_table_allows_it(status, transition):
    # Given an entry in `status`, reached through the ledger's own transitions
    ledger = MemoryLedger()
    for step in PATHS[status]:
        assert apply(ledger, step)
    current = ledger.get(REF)
    assert (current.status if current else None) is status
    # When the transition is attempted / Then it succeeds iff the table allows it, and ends where the table says
    rule = TRANSITIONS[transition]
    assert apply(ledger, transition) is rule.allows(status)
    if rule.allows(status):
        assert ledger.get(REF).status is rule.to  # type: ignore[union-attr]


def test_the_dynamodb_conditions_are_built_from_the_table():
    # Every definition the DynamoDB ledger turns into a conditional UpdateItem names the table's statuses.
    specs = {
        Transition.INTEND_PAUSE: dynamo_ledger.pause_intent("B0", "r", "n", NOW),
        Transition.CONFIRM_PAUSE: dynamo_ledger.pause_confirmation(NOW),
        Transition.CANCEL_PAUSE: dynamo_ledger.pause_cancellation(),
        Transition.INTEND_RESUME: dynamo_ledger.resume_intent("B0", "r", "n", NOW),
        Transition.CONFIRM_RESUME: dynamo_ledger.resume_confirmation(NOW),
        Transition.CANCEL_RESUME: dynamo_ledger.resume_cancellation(),
        Transition.MARK_OVERRIDDEN: dynamo_ledger.override(NOW),
        Transition.RELEASE: dynamo_ledger.release_of_override(NOW, "operator_override"),
    }
    for transition, spec in specs.items():
        rule = TRANSITIONS[transition]
        assert (set(spec["allowed_from"]), spec["to"], spec.get("allow_missing", False)) == (
            set(rule.statuses),
            rule.to,
            rule.allows_missing,
        ), transition
