"""Example tests of the decision policy: one scenario per rule, and every Reason at least once."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest

from stockguard.domain.ads import AdEntity, AdProduct, EntityState
from stockguard.domain.decisions import Action, Reason
from stockguard.domain.ledger import LedgerStatus
from stockguard.policy import ProductState, StockGuardConfig, decide
from tests.unit.policy.policy_sim import MARKETPLACE, T0, at, make_entity, make_entry, make_product

ENABLED, PAUSED = EntityState.ENABLED, EntityState.PAUSED
NOW = at(60)
AN_HOUR_AGO = at(0)


@dataclass
class Scenario:
    entity: AdEntity
    products: list[ProductState]
    expect: tuple[Action, Reason, str]  # action, reason, driving ASIN
    ledger: LedgerStatus | None = None
    ledger_reason: Reason = Reason.OUT_OF_STOCK
    ledger_asin: str = "A1"
    last_change_at: datetime | None = AN_HOUR_AGO
    config: dict = field(default_factory=dict)
    marketplace: str = MARKETPLACE
    retry_at: datetime | None = None
    monitor_only: bool = False


def sp(state=ENABLED, asins=("A1",)) -> AdEntity:
    return make_entity("sp1", asins, state=state)


def sb(state=ENABLED, asins=("A1", "A2")) -> AdEntity:
    return make_entity("sb1", asins, state=state, ad_product=AdProduct.SB)


def p(asin="A1", available=None, featured=None) -> ProductState:
    return make_product(asin, available, featured)


KEEP, PAUSE, RESUME = Action.KEEP, Action.PAUSE, Action.RESUME
R = Reason

SCENARIOS = {
    # -- pause ---------------------------------------------------------------------------------
    "pause when stock at the pause threshold": Scenario(sp(), [p(available=0)], (PAUSE, R.OUT_OF_STOCK, "A1")),
    "pause threshold is inclusive": Scenario(sp(), [p(available=2)], (PAUSE, R.OUT_OF_STOCK, "A1"), config={"pause_threshold": 2}),
    "no pause above the pause threshold": Scenario(sp(), [p(available=3)], (KEEP, R.NO_CHANGE, "A1"), config={"pause_threshold": 2}),
    "pause when the Featured Offer is lost": Scenario(sp(), [p(available=9, featured=False)], (PAUSE, R.FEATURED_OFFER_LOST, "A1")),
    "stock wins when both conditions hold": Scenario(sp(), [p(available=0, featured=False)], (PAUSE, R.OUT_OF_STOCK, "A1")),
    "unknown Featured Offer is never lost": Scenario(sp(), [p(available=9, featured=None)], (KEEP, R.NO_CHANGE, "A1")),
    "pause again after the episode was released": Scenario(
        sp(), [p(available=0)], (PAUSE, R.OUT_OF_STOCK, "A1"), ledger=LedgerStatus.RELEASED
    ),
    "stock rule off: stock-out ignored": Scenario(
        sp(), [p(available=0, featured=True)], (KEEP, R.NO_CHANGE, "A1"), config={"rules": {"SP": {"stock": False}}}
    ),
    "featured offer rule off: lost offer ignored": Scenario(
        sp(), [p(available=9, featured=False)], (KEEP, R.NO_CHANGE, "A1"), config={"rules": {"SP": {"featured_offer": False}}}
    ),
    "rules of another ad product do not apply": Scenario(
        sp(), [p(available=0)], (PAUSE, R.OUT_OF_STOCK, "A1"), config={"rules": {"SB": {"stock": False}}}
    ),
    # -- resume --------------------------------------------------------------------------------
    "resume what we paused when back in stock": Scenario(
        sp(PAUSED), [p(available=5)], (RESUME, R.BACK_IN_STOCK, "A1"), ledger=LedgerStatus.PAUSED
    ),
    "resume when the Featured Offer is regained": Scenario(
        sp(PAUSED),
        [p(available=5, featured=True)],
        (RESUME, R.FEATURED_OFFER_REGAINED, "A1"),
        ledger=LedgerStatus.PAUSED,
        ledger_reason=Reason.FEATURED_OFFER_LOST,
    ),
    "resume with conditions_cleared when the pause reason's rule is now off": Scenario(
        sp(PAUSED),
        [p(available=0, featured=True)],
        (RESUME, R.CONDITIONS_CLEARED, "A1"),
        ledger=LedgerStatus.PAUSED,
        config={"rules": {"SP": {"stock": False}}},
    ),
    "no resume while the Featured Offer is still lost": Scenario(
        sp(PAUSED), [p(available=5, featured=False)], (KEEP, R.ALREADY_PAUSED, "A1"), ledger=LedgerStatus.PAUSED
    ),
    "already paused while still out": Scenario(sp(PAUSED), [p(available=0)], (KEEP, R.ALREADY_PAUSED, "A1"), ledger=LedgerStatus.PAUSED),
    "hysteresis: between the thresholds nothing changes": Scenario(
        sp(PAUSED),
        [p(available=3)],
        (KEEP, R.HYSTERESIS, "A1"),
        ledger=LedgerStatus.PAUSED,
        config={"pause_threshold": 1, "resume_threshold": 4},
    ),
    "resume threshold is inclusive": Scenario(
        sp(PAUSED),
        [p(available=4)],
        (RESUME, R.BACK_IN_STOCK, "A1"),
        ledger=LedgerStatus.PAUSED,
        config={"pause_threshold": 1, "resume_threshold": 4},
    ),
    "an enabled entity between the thresholds stays enabled (hysteresis)": Scenario(
        sp(), [p(available=3)], (KEEP, R.HYSTERESIS, "A1"), config={"pause_threshold": 1, "resume_threshold": 4}
    ),
    "all: an enabled multi-ASIN entity in the band names the ASIN in the band": Scenario(
        sb(),
        [p("A1", 9), p("A2", 3)],
        (KEEP, R.HYSTERESIS, "A2"),
        config={"sb_multi_asin": "any", "pause_threshold": 1, "resume_threshold": 4},
    ),
    # -- ownership -----------------------------------------------------------------------------
    "paused by the operator: never paused by us": Scenario(sp(PAUSED), [p(available=0)], (KEEP, R.NOT_PAUSED_BY_STOCKGUARD, "A1")),
    "paused by the operator: never resumed": Scenario(sp(PAUSED), [p(available=9)], (KEEP, R.NO_CHANGE, "A1")),
    "paused by the operator after our episode ended: never resumed": Scenario(
        sp(PAUSED), [p(available=9)], (KEEP, R.NO_CHANGE, "A1"), ledger=LedgerStatus.RELEASED
    ),
    "operator re-enabled our pause while still out": Scenario(
        sp(), [p(available=0)], (KEEP, R.OPERATOR_OVERRIDE, "A1"), ledger=LedgerStatus.PAUSED
    ),
    "operator re-enabled our pause, conditions cleared: still an override (the caller marks it)": Scenario(
        sp(), [p(available=9)], (KEEP, R.OPERATOR_OVERRIDE, "A1"), ledger=LedgerStatus.PAUSED
    ),
    "operator re-enabled our pause, nothing known: still an override": Scenario(
        sp(), [], (KEEP, R.OPERATOR_OVERRIDE, "A1"), ledger=LedgerStatus.PAUSED
    ),
    "enabled with our resume in flight: never paused before reconciliation": Scenario(
        sp(), [p(available=0)], (KEEP, R.NO_CHANGE, "A1"), ledger=LedgerStatus.RESUME_PENDING
    ),
    "overridden: never paused again while out": Scenario(
        sp(), [p(available=0)], (KEEP, R.OPERATOR_OVERRIDE, "A1"), ledger=LedgerStatus.OVERRIDDEN
    ),
    "overridden: between thresholds the episode goes on": Scenario(
        sp(),
        [p(available=3)],
        (KEEP, R.OPERATOR_OVERRIDE, "A1"),
        ledger=LedgerStatus.OVERRIDDEN,
        config={"pause_threshold": 1, "resume_threshold": 4},
    ),
    "overridden: conditions cleared ends the episode (release, no call)": Scenario(
        sp(), [p(available=9)], (KEEP, R.CONDITIONS_CLEARED, "A1"), ledger=LedgerStatus.OVERRIDDEN
    ),
    "overridden and paused again by the operator: never resumed": Scenario(
        sp(PAUSED), [p(available=9)], (KEEP, R.CONDITIONS_CLEARED, "A1"), ledger=LedgerStatus.OVERRIDDEN
    ),
    "archived entity": Scenario(sp(EntityState.ARCHIVED), [p(available=0)], (KEEP, R.ENTITY_NOT_ACTIVE, "A1")),
    "entity pending review": Scenario(
        sp(EntityState.OTHER), [p(available=9)], (KEEP, R.ENTITY_NOT_ACTIVE, "A1"), ledger=LedgerStatus.PAUSED
    ),
    # -- dwell time ----------------------------------------------------------------------------
    "dwell time holds back a pause": Scenario(
        sp(),
        [p(available=0)],
        (KEEP, R.DWELL_TIME, "A1"),
        ledger=LedgerStatus.RELEASED,
        last_change_at=NOW - timedelta(minutes=4),
        retry_at=NOW + timedelta(minutes=6),
    ),
    "dwell time holds back a resume": Scenario(
        sp(PAUSED),
        [p(available=9)],
        (KEEP, R.DWELL_TIME, "A1"),
        ledger=LedgerStatus.PAUSED,
        last_change_at=NOW - timedelta(minutes=1),
        retry_at=NOW + timedelta(minutes=29),
        config={"dwell_minutes": 30},
    ),
    "dwell time over exactly: act": Scenario(
        sp(PAUSED),
        [p(available=9)],
        (RESUME, R.BACK_IN_STOCK, "A1"),
        ledger=LedgerStatus.PAUSED,
        last_change_at=NOW - timedelta(minutes=10),
    ),
    "dwell time zero": Scenario(
        sp(PAUSED),
        [p(available=9)],
        (RESUME, R.BACK_IN_STOCK, "A1"),
        ledger=LedgerStatus.PAUSED,
        last_change_at=NOW,
        config={"dwell_minutes": 0},
    ),
    "pause pending (crash recovery) is exempt from the dwell time": Scenario(
        sp(),
        [p(available=0)],
        (PAUSE, R.OUT_OF_STOCK, "A1"),
        ledger=LedgerStatus.PAUSE_PENDING,
        last_change_at=NOW,
    ),
    "resume pending (crash recovery) is exempt from the dwell time": Scenario(
        sp(PAUSED),
        [p(available=9)],
        (RESUME, R.BACK_IN_STOCK, "A1"),
        ledger=LedgerStatus.RESUME_PENDING,
        last_change_at=NOW,
    ),
    "pause pending on a paused entity is never resumed before reconciliation": Scenario(
        sp(PAUSED), [p(available=9)], (KEEP, R.NO_CHANGE, "A1"), ledger=LedgerStatus.PAUSE_PENDING
    ),
    # -- unknown -------------------------------------------------------------------------------
    "nothing known about the product": Scenario(sp(), [], (KEEP, R.STOCK_UNKNOWN, "A1")),
    "nothing known about what we paused": Scenario(sp(PAUSED), [p()], (KEEP, R.STOCK_UNKNOWN, "A1"), ledger=LedgerStatus.PAUSED),
    "an entity without ASINs": Scenario(sp(asins=()), [], (KEEP, R.STOCK_UNKNOWN, "")),
    "only what a disabled rule looks at is known: nothing holds it out": Scenario(
        sp(), [p(available=0)], (KEEP, R.NO_CHANGE, "A1"), config={"rules": {"SP": {"stock": False}}}
    ),
    "stock unknown, Featured Offer held: back": Scenario(
        sp(PAUSED),
        [p(available=None, featured=True)],
        (RESUME, R.FEATURED_OFFER_REGAINED, "A1"),
        ledger=LedgerStatus.PAUSED,
        ledger_reason=Reason.FEATURED_OFFER_LOST,
    ),
    "all: every known ASIN unknown": Scenario(sb(), [p("A1"), p("A2")], (KEEP, R.STOCK_UNKNOWN, "A1")),
    # -- several ASINs (SB) --------------------------------------------------------------------
    "all: one ASIN out, another available": Scenario(sb(), [p("A1", 0), p("A2", 9)], (KEEP, R.OTHER_ASINS_AVAILABLE, "A1")),
    "all: every ASIN out": Scenario(sb(), [p("A1", 5, False), p("A2", 0)], (PAUSE, R.OUT_OF_STOCK, "A2")),
    "all: every ASIN lost the Featured Offer": Scenario(sb(), [p("A1", 5, False), p("A2", 9, False)], (PAUSE, R.FEATURED_OFFER_LOST, "A1")),
    "all: an unknown ASIN is not out, so the ad stays": Scenario(sb(), [p("A1", 0)], (KEEP, R.OTHER_ASINS_AVAILABLE, "A1")),
    "all: one ASIN back is enough to resume": Scenario(
        sb(PAUSED), [p("A1", 0), p("A2", 9)], (RESUME, R.BACK_IN_STOCK, "A2"), ledger=LedgerStatus.PAUSED
    ),
    "all: the paused-for ASIN is preferred when back": Scenario(
        sb(PAUSED), [p("A1", 9), p("A2", 9)], (RESUME, R.BACK_IN_STOCK, "A2"), ledger=LedgerStatus.PAUSED, ledger_asin="A2"
    ),
    "all: not all out any more but nothing back yet": Scenario(
        sb(PAUSED),
        [p("A1", 0), p("A2", 3)],
        (KEEP, R.HYSTERESIS, "A2"),
        ledger=LedgerStatus.PAUSED,
        config={"pause_threshold": 1, "resume_threshold": 4},
    ),
    "any: one ASIN out": Scenario(
        sb(), [p("A1", 9), p("A2", 9, False)], (PAUSE, R.FEATURED_OFFER_LOST, "A2"), config={"sb_multi_asin": "any"}
    ),
    "any: stock wins over the Featured Offer across ASINs": Scenario(
        sb(), [p("A1", 9, False), p("A2", 0)], (PAUSE, R.OUT_OF_STOCK, "A2"), config={"sb_multi_asin": "any"}
    ),
    "any: resume needs every ASIN back": Scenario(
        sb(PAUSED),
        [p("A1", 9), p("A2", 3)],
        (KEEP, R.HYSTERESIS, "A2"),
        ledger=LedgerStatus.PAUSED,
        config={"sb_multi_asin": "any", "pause_threshold": 1, "resume_threshold": 4},
    ),
    "any: every ASIN back": Scenario(
        sb(PAUSED),
        [p("A1", 9), p("A2", 4)],
        (RESUME, R.BACK_IN_STOCK, "A1"),
        ledger=LedgerStatus.PAUSED,
        config={"sb_multi_asin": "any", "pause_threshold": 1, "resume_threshold": 4},
    ),
    "any: unknown ASINs do not block the resume": Scenario(
        sb(PAUSED), [p("A1", 9)], (RESUME, R.BACK_IN_STOCK, "A1"), ledger=LedgerStatus.PAUSED, config={"sb_multi_asin": "any"}
    ),
    # -- modes ---------------------------------------------------------------------------------
    "pause_only: pauses": Scenario(sp(), [p(available=0)], (PAUSE, R.OUT_OF_STOCK, "A1"), config={"mode": "pause_only"}),
    "pause_only: never resumes": Scenario(
        sp(PAUSED), [p(available=9)], (KEEP, R.PAUSE_ONLY_MODE, "A1"), ledger=LedgerStatus.PAUSED, config={"mode": "pause_only"}
    ),
    "monitor: the pause is monitor-only": Scenario(
        sp(), [p(available=0)], (PAUSE, R.OUT_OF_STOCK, "A1"), config={"mode": "monitor"}, monitor_only=True
    ),
    "monitor: the resume is monitor-only": Scenario(
        sp(PAUSED),
        [p(available=9)],
        (RESUME, R.BACK_IN_STOCK, "A1"),
        ledger=LedgerStatus.PAUSED,
        config={"mode": "monitor"},
        monitor_only=True,
    ),
    "monitor: the dwell time still applies": Scenario(
        sp(),
        [p(available=0)],
        (KEEP, R.DWELL_TIME, "A1"),
        ledger=LedgerStatus.RELEASED,
        last_change_at=NOW,
        retry_at=NOW + timedelta(minutes=10),
        config={"mode": "monitor"},
    ),
    # -- scope ---------------------------------------------------------------------------------
    "marketplace not allowed": Scenario(
        sp(), [p(available=0)], (KEEP, R.MARKETPLACE_NOT_ALLOWED, "A1"), config={"allowed_marketplaces": ["A1F83G8C2ARO7P"]}
    ),
    "marketplace allowed": Scenario(
        sp(), [p(available=0)], (PAUSE, R.OUT_OF_STOCK, "A1"), config={"allowed_marketplaces": ["A1F83G8C2ARO7P", MARKETPLACE]}
    ),
    "excluded ASIN": Scenario(sp(), [p(available=0)], (KEEP, R.ASIN_EXCLUDED, "A1"), config={"excluded_asins": ["A1"]}),
    "excluded ASIN of a paused entity": Scenario(
        sp(PAUSED), [p(available=9)], (KEEP, R.ASIN_EXCLUDED, "A1"), ledger=LedgerStatus.PAUSED, config={"excluded_asins": ["A1"]}
    ),
    "multi-ASIN: every ASIN excluded": Scenario(
        sb(), [p("A1", 0), p("A2", 0)], (KEEP, R.ASIN_EXCLUDED, "A1"), config={"excluded_asins": ["A1", "A2"]}
    ),
    "multi-ASIN: an excluded ASIN is ignored (out)": Scenario(
        sb(), [p("A1", 0), p("A2", 9)], (KEEP, R.NO_CHANGE, "A2"), config={"excluded_asins": ["A1"]}
    ),
    "multi-ASIN: an excluded ASIN is ignored (available)": Scenario(
        sb(), [p("A1", 9), p("A2", 0)], (PAUSE, R.OUT_OF_STOCK, "A2"), config={"excluded_asins": ["A1"]}
    ),
    "every rule off for the ad product": Scenario(
        sb(),
        [p("A1", 0), p("A2", 0)],
        (KEEP, R.RULE_DISABLED, "A1"),
        config={"rules": {"SB": {"stock": False, "featured_offer": False}}},
    ),
    "every rule off: a pause we hold is released (resumed)": Scenario(
        sb(PAUSED),
        [],
        (RESUME, R.CONDITIONS_CLEARED, "A1"),
        ledger=LedgerStatus.PAUSED,
        config={"rules": {"SB": {"stock": False, "featured_offer": False}}},
    ),
    "every rule off: an overridden episode ends": Scenario(
        sb(),
        [p("A1", 0)],
        (KEEP, R.CONDITIONS_CLEARED, "A1"),
        ledger=LedgerStatus.OVERRIDDEN,
        config={"rules": {"SB": {"stock": False, "featured_offer": False}}},
    ),
    "every rule off: an operator's pause stays": Scenario(
        sb(PAUSED),
        [p("A1", 9)],
        (KEEP, R.NO_CHANGE, "A1"),
        config={"rules": {"SB": {"stock": False, "featured_offer": False}}},
    ),
    "marketplace not allowed wins over a held pause": Scenario(
        sp(PAUSED),
        [p(available=9)],
        (KEEP, R.MARKETPLACE_NOT_ALLOWED, "A1"),
        ledger=LedgerStatus.PAUSED,
        config={"allowed_marketplaces": []},
    ),
    "an entity without ASINs while we hold its pause": Scenario(
        sp(PAUSED, asins=()), [], (KEEP, R.STOCK_UNKNOWN, ""), ledger=LedgerStatus.PAUSED
    ),
    "no dwell time without a last change": Scenario(
        sp(), [p(available=0)], (PAUSE, R.OUT_OF_STOCK, "A1"), ledger=LedgerStatus.RELEASED, last_change_at=None
    ),
    "pause_only: the dwell time does not delay a resume that will not happen": Scenario(
        sp(PAUSED),
        [p(available=9)],
        (KEEP, R.PAUSE_ONLY_MODE, "A1"),
        ledger=LedgerStatus.PAUSED,
        last_change_at=NOW,
        config={"mode": "pause_only"},
    ),
}


def _decide(s: Scenario):
    config = StockGuardConfig.model_validate(s.config)
    ledger = {}
    if s.ledger is not None:
        entry = make_entry(s.entity, s.ledger, reason=s.ledger_reason, asin=s.ledger_asin, last_change_at=s.last_change_at)
        ledger[s.entity.ref.id] = entry
    return decide(
        now=NOW,
        config=config,
        products={prod.asin: prod for prod in s.products},
        entities=[s.entity],
        ledger=ledger,
        marketplace_id=s.marketplace,
    )


@pytest.mark.parametrize("scenario", SCENARIOS.values(), ids=SCENARIOS.keys())
def test_scenario(scenario: Scenario):
    [decision] = _decide(scenario)
    assert (decision.action, decision.reason, decision.asin) == scenario.expect
    assert decision.entity == scenario.entity
    assert decision.retry_at == scenario.retry_at
    assert decision.monitor_only is scenario.monitor_only


def test_every_reason_has_a_scenario():
    covered = {s.expect[1] for s in SCENARIOS.values()}
    assert covered == set(Reason)


def test_one_decision_per_entity_in_input_order():
    # Given three entities, one of which advertises an ASIN nobody knows about
    entities = [make_entity("e3", ("A3",)), make_entity("e1", ("A1",)), make_entity("e2", ("A2",), state=PAUSED)]
    products = {"A1": p("A1", 0), "A2": p("A2", 0)}
    # When deciding
    decisions = decide(now=NOW, config=StockGuardConfig(), products=products, entities=entities, ledger={}, marketplace_id=MARKETPLACE)
    # Then one decision each, in the same order
    assert [d.entity.ref.entity_id for d in decisions] == ["e3", "e1", "e2"]
    assert [d.reason for d in decisions] == [Reason.STOCK_UNKNOWN, Reason.OUT_OF_STOCK, Reason.NOT_PAUSED_BY_STOCKGUARD]


def test_the_ledger_of_another_entity_does_not_count():
    # Given a ledger entry for another entity (same ASIN)
    mine, other = make_entity("e1", ("A1",), state=PAUSED), make_entity("e2", ("A1",), state=PAUSED)
    ledger = {other.ref.id: make_entry(other, LedgerStatus.PAUSED, last_change_at=T0)}
    decisions = decide(
        now=NOW,
        config=StockGuardConfig(),
        products={"A1": p("A1", 9)},
        entities=[mine, other],
        ledger=ledger,
        marketplace_id=MARKETPLACE,
    )
    # Then only the entity StockGuard paused is resumed
    assert [(d.action, d.reason) for d in decisions] == [(KEEP, Reason.NO_CHANGE), (RESUME, Reason.BACK_IN_STOCK)]


def test_the_clock_is_the_event_time_passed_in():
    # Given a pause 5 minutes before the event time (and however long ago on the wall clock)
    entity = sp(PAUSED)
    entry = make_entry(entity, LedgerStatus.PAUSED, last_change_at=datetime(2020, 1, 1, 12, 0, tzinfo=T0.tzinfo))
    decide_at = lambda now: decide(  # noqa: E731
        now=now,
        config=StockGuardConfig(),
        products={"A1": p(available=9)},
        entities=[entity],
        ledger={entity.ref.id: entry},
        marketplace_id=MARKETPLACE,
    )[0]
    # Then the dwell time is measured against the event time, not the wall clock
    assert decide_at(datetime(2020, 1, 1, 12, 5, tzinfo=T0.tzinfo)).reason is Reason.DWELL_TIME
    assert decide_at(datetime(2020, 1, 1, 12, 10, tzinfo=T0.tzinfo)).action is RESUME
