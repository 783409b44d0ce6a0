"""LedgerStore contract: every transition allowed and refused (single and `*_many`), entry contents,
release reasons and all_held.

The expected lifecycle is written out here (stockguard.domain.ledger), not derived from the transition
definitions both adapters share, so a change to those definitions fails this suite.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from stockguard.domain.ads import AdProduct, EntityRef, EntityType
from stockguard.domain.decisions import Action
from stockguard.domain.ledger import LedgerStatus
from stockguard.state.ledger import Intent
from stockguard.state.ports import LedgerStore

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
T1 = T0 + timedelta(minutes=30)
ASIN = "B00001ABCD"
PP, PA, RP, RE, OV = (
    LedgerStatus.PAUSE_PENDING,
    LedgerStatus.PAUSED,
    LedgerStatus.RESUME_PENDING,
    LedgerStatus.RELEASED,
    LedgerStatus.OVERRIDDEN,
)
STARTS: tuple[LedgerStatus | None, ...] = (None, PP, PA, RP, RE, OV)


def ref(n: int | str = 1) -> EntityRef:
    return EntityRef(profile_id="1001", ad_product=AdProduct.SP, entity_type=EntityType.AD, entity_id=f"ad-{n}")


def intend_pause(ledger: LedgerStore, r: EntityRef, nid: str = "n-pause") -> bool:
    return ledger.intend_pause(r, asin=ASIN, reason="out_of_stock", notification_id=nid, now=T0)


def intend_resume(ledger: LedgerStore, r: EntityRef, nid: str = "n-resume") -> bool:
    return ledger.intend_resume(r, asin=ASIN, reason="conditions_cleared", notification_id=nid, now=T1)


# Each transition: how to call it, and the lifecycle (status before -> status after) where it is allowed.
TRANSITIONS: dict[str, tuple[Callable[[LedgerStore, EntityRef], bool], dict[LedgerStatus | None, LedgerStatus]]] = {
    "intend_pause": (intend_pause, {None: PP, RE: PP, PP: PP}),
    "confirm_pause": (lambda lg, r: lg.confirm_pause(r, now=T0), {PP: PA}),
    "cancel_pause": (lambda lg, r: lg.cancel_pause(r), {PP: RE}),
    "intend_resume": (intend_resume, {PA: RP, RP: RP}),
    "confirm_resume": (lambda lg, r: lg.confirm_resume(r, now=T1), {RP: RE}),
    "cancel_resume": (lambda lg, r: lg.cancel_resume(r), {RP: PA}),
    "mark_overridden": (lambda lg, r: lg.mark_overridden(r, now=T1), {PA: OV}),
    "release": (lambda lg, r: lg.release(r, now=T1), {OV: RE}),
}


def bring_to(ledger: LedgerStore, r: EntityRef, status: LedgerStatus | None) -> None:
    """Walk an entry through allowed transitions to `status` (None: no entry)."""
    bring_all_to(ledger, [r], status)


def bring_all_to(ledger: LedgerStore, refs: list[EntityRef], status: LedgerStatus | None) -> None:
    """Walk entries to `status` through allowed transitions, many per call where a batched form exists."""
    if status is None or not refs:
        return
    ids = {r.id for r in refs}
    assert call_many(ledger, "intend", Action.PAUSE, refs) == ids
    if status is PP:
        return
    if status is RE:
        assert call_many(ledger, "cancel", Action.PAUSE, refs) == ids
        return
    assert call_many(ledger, "confirm", Action.PAUSE, refs) == ids
    if status is RP:
        assert call_many(ledger, "intend", Action.RESUME, refs) == ids
    elif status is OV:
        assert all(ledger.mark_overridden(r, now=T1) for r in refs)


def status_of(ledger: LedgerStore, r: EntityRef) -> LedgerStatus | None:
    entry = ledger.get(r)
    return entry.status if entry else None


@pytest.mark.parametrize("name", sorted(TRANSITIONS))
def test_each_transition_is_allowed_exactly_from_its_lifecycle_statuses(ledger: LedgerStore, name: str):
    call, allowed = TRANSITIONS[name]
    for n, start in enumerate(STARTS):
        # Given an entry in `start` (or none)
        r = ref(f"{name}-{n}")
        bring_to(ledger, r, start)
        # When the transition is attempted
        held = call(ledger, r)
        # Then it holds exactly where the lifecycle allows it, and otherwise changes nothing
        assert held is (start in allowed), f"{name} from {start}"
        assert status_of(ledger, r) == (allowed[start] if held else start), f"{name} from {start}"


MANY = [
    ("intend", Action.PAUSE, {None: PP, RE: PP, PP: PP}),
    ("confirm", Action.PAUSE, {PP: PA}),
    ("cancel", Action.PAUSE, {PP: RE}),
    ("intend", Action.RESUME, {PA: RP, RP: RP}),
    ("confirm", Action.RESUME, {RP: RE}),
    ("cancel", Action.RESUME, {RP: PA}),
]


def call_many(ledger: LedgerStore, kind: str, action: Action, refs: list[EntityRef]) -> set[str]:
    if kind == "intend":
        reason = "out_of_stock" if action is Action.PAUSE else "conditions_cleared"
        return ledger.intend_many(action, [Intent(ref=r, asin=ASIN, reason=reason, notification_id="n-many", now=T0) for r in refs])
    if kind == "confirm":
        return ledger.confirm_many(action, [(r, T1) for r in refs])
    return ledger.cancel_many(action, refs)


@pytest.mark.parametrize(("kind", "action", "allowed"), MANY, ids=[f"{k}_{a.value.lower()}" for k, a, _ in MANY])
def test_many_form_applies_each_entry_as_its_single_transition(ledger: LedgerStore, kind, action, allowed):
    # Given 105 entries (more than one 100-item transaction) spread over every status
    refs = [ref(f"m-{i}") for i in range(105)]
    starts = {r.id: STARTS[i % len(STARTS)] for i, r in enumerate(refs)}
    for status in STARTS:
        bring_all_to(ledger, [r for r in refs if starts[r.id] == status], status)
    # When the batched form runs over all of them
    held = call_many(ledger, kind, action, refs)
    # Then it returns exactly the ids whose condition held, and each entry ends as the single form would leave it
    assert held == {r.id for r in refs if starts[r.id] in allowed}
    ends = {r.id: status_of(ledger, r) for r in refs}
    assert ends == {r.id: (allowed[starts[r.id]] if starts[r.id] in allowed else starts[r.id]) for r in refs}


def test_many_forms_of_nothing_and_of_keep(ledger: LedgerStore):
    # When a batched transition gets no entries, Then nothing holds
    assert ledger.intend_many(Action.PAUSE, []) == set()
    assert ledger.cancel_many(Action.RESUME, []) == set()
    # And KEEP has no ledger transition at all
    with pytest.raises(ValueError):
        ledger.confirm_many(Action.KEEP, [(ref(), T0)])


def test_a_pause_episode_records_what_a_redelivery_needs(ledger: LedgerStore):
    r = ref()
    # Given a pause intent and its confirmation
    assert ledger.intend_pause(r, asin=ASIN, reason="out_of_stock", notification_id="n1", now=T0)
    pending = ledger.get(r)
    assert pending is not None and pending.holds_pause
    assert (pending.intent_at, pending.intent_asin, pending.intent_reason, pending.intent_notification_id) == (
        T0,
        ASIN,
        "out_of_stock",
        "n1",
    )
    assert ledger.confirm_pause(r, now=T0)
    # When a resume intent follows
    assert ledger.intend_resume(r, asin=ASIN, reason="conditions_cleared", notification_id="n2", now=T1)
    # Then the entry keeps the pause (reason, asin, times) and carries the resume as its pending intent
    entry = ledger.get(r)
    assert entry is not None
    assert (entry.status, entry.reason, entry.asin, entry.notification_id) == (RP, "out_of_stock", ASIN, "n1")
    assert entry.paused_at == T0 and entry.last_change_at == T0
    assert (entry.intent_at, entry.intent_reason, entry.intent_notification_id) == (T1, "conditions_cleared", "n2")
    assert entry.version == 3
    # And confirming it moves the dwell clock to the resume's event time
    assert ledger.confirm_resume(r, now=T1)
    released = ledger.get(r)
    assert released is not None and released.last_change_at == T1 and released.version == 4 and not released.holds_pause


def test_a_refused_transition_changes_nothing(ledger: LedgerStore):
    # Given a paused entry
    r = ref()
    bring_to(ledger, r, PA)
    before = ledger.get(r)
    # When transitions that are not allowed from PAUSED are attempted
    assert not ledger.confirm_pause(r, now=T1)
    assert not ledger.release(r, now=T1, reason="sku_removed")
    assert not intend_pause(ledger, r, nid="n-other")
    # Then the entry is exactly as it was (version included)
    assert ledger.get(r) == before


def test_release_reasons(ledger: LedgerStore):
    # Given two overridden entries
    default, custom = ref("default"), ref("custom")
    for r in (default, custom):
        bring_to(ledger, r, OV)
    # When one is released without a reason and one with a reason
    assert ledger.release(default, now=T1)
    assert ledger.release(custom, now=T1, reason="sku_removed")
    # Then the reason says why (an operator's override by default), and a second release is refused
    reasons = {r.id: e.reason for r in (default, custom) if (e := ledger.get(r))}
    assert reasons == {default.id: "operator_override", custom.id: "sku_removed"}
    assert not ledger.release(default, now=T1)


def test_all_held_lists_only_paused_entries_and_get_many_only_existing_ones(ledger: LedgerStore):
    # Given an entry in every status
    refs = {status: ref(f"held-{status}") for status in STARTS}
    for status, r in refs.items():
        bring_to(ledger, r, status)
    # When the held entries are listed, Then only the PAUSED one is (pending ones and overridden are not)
    assert [e.ref for e in ledger.all_held()] == [refs[PA]]
    # And get_many returns every existing entry by id, leaving out the ref without one
    found = ledger.get_many([*refs.values(), refs[PA]])
    assert set(found) == {r.id for s, r in refs.items() if s is not None}
    assert {e.status for e in found.values()} == {PP, PA, RP, RE, OV}
    assert ledger.get(refs[None]) is None
