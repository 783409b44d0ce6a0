"""Property tests: random histories of stock, offer (and operator) events, delivered shuffled and duplicated.

The world (policy_sim.World) stores facts "latest event time wins", applies decisions the way the
executor does, and replays dwell-time re-evaluations; these tests check the invariants over whole runs.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stockguard.domain.ads import AdProduct, EntityState
from stockguard.domain.decisions import Action, Reason
from stockguard.domain.ledger import LedgerStatus
from stockguard.policy import ProductRules, StockGuardConfig, decide
from tests.unit.policy.policy_sim import MARKETPLACE, T0, OfferEvent, OperatorEvent, StockEvent, World, make_entity

SKUS = {"A1": ("A1-a", "A1-b"), "A2": ("A2-a",), "A3": ("A3-a",)}
ENTITY_ASINS = {
    "sp1": (AdProduct.SP, ("A1",)),
    "sp2": (AdProduct.SP, ("A2",)),
    "sd3": (AdProduct.SD, ("A3",)),
    "sb12": (AdProduct.SB, ("A1", "A2")),
    "sb23": (AdProduct.SB, ("A2", "A3")),
}

# Quantities around every threshold the configs draw (pause 0..3, resume up to 7), both sides of each.
QUANTITIES = st.sampled_from([0, 0, 1, 2, 3, 4, 5, 6, 8, 12])
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def configs(draw, mode=None):
    pause = draw(st.integers(0, 3))
    rules = {
        p.value: ProductRules(stock=draw(st.booleans() | st.just(True)), featured_offer=draw(st.booleans() | st.just(True)))
        for p in AdProduct
    }
    return StockGuardConfig(
        mode=mode or draw(st.sampled_from(["monitor", "pause_only", "pause_and_resume"])),
        pause_threshold=pause,
        resume_threshold=pause + draw(st.integers(1, 4)),
        include_inbound=draw(st.booleans()),
        dwell_minutes=draw(st.sampled_from([0, 5, 10, 30])),
        rules=rules,
        sb_multi_asin=draw(st.sampled_from(["all", "any"])),
    )


@st.composite
def initial_entities(draw, all_enabled=False):
    return [
        make_entity(
            entity_id,
            asins,
            state=EntityState.ENABLED if all_enabled else draw(st.sampled_from([EntityState.ENABLED, EntityState.PAUSED])),
            ad_product=product,
        )
        for entity_id, (product, asins) in ENTITY_ASINS.items()
    ]


@st.composite
def histories(draw, operators=False):
    """Distinct events (unique notification ids), then a delivery order: shuffled, with duplicates."""
    events: list = []
    kinds = ["stock", "offer"] + (["operator"] if operators else [])
    for i in range(draw(st.integers(2, 24))):
        kind = draw(st.sampled_from(kinds))
        minute = draw(st.integers(0, 120))
        if kind == "stock":
            asin = draw(st.sampled_from(sorted(SKUS)))
            events.append(
                StockEvent(asin, draw(st.sampled_from(SKUS[asin])), draw(QUANTITIES), draw(st.integers(0, 3)), minute, f"n{i:03d}")
            )
        elif kind == "offer":
            asin = draw(st.sampled_from(sorted(SKUS)))
            events.append(OfferEvent(asin, draw(st.sampled_from([True, False, None])), minute, f"n{i:03d}"))
        else:
            events.append(
                OperatorEvent(
                    draw(st.sampled_from(sorted(ENTITY_ASINS))), draw(st.sampled_from([EntityState.ENABLED, EntityState.PAUSED])), minute
                )
            )
    delivery = list(draw(st.permutations(events)))
    for index, position in draw(st.lists(st.tuples(st.integers(0, len(events) - 1), st.integers(0, len(events))), max_size=8)):
        delivery.insert(position, events[index])  # at-least-once delivery: duplicates anywhere
    return events, delivery


def run(config: StockGuardConfig, entities, delivery) -> World:
    world = World.create(config, entities)
    for event in delivery:
        world.deliver(event)
    world.settle()
    # A final re-evaluation past the dwell time, as a later notification or the scheduled retry would do.
    world.reevaluate_all(timedelta(minutes=config.dwell_minutes + 1))
    return world


# -- an independent oracle of the final desired state -----------------------------------------------
def _latest_inputs(events, include_inbound: bool) -> tuple[dict[str, int], dict[str, bool]]:
    per_sku: dict[tuple[str, str], StockEvent] = {}
    offers: dict[str, OfferEvent] = {}
    for e in sorted(events, key=lambda e: (e.minute, e.nid)):
        if isinstance(e, StockEvent):
            per_sku[(e.asin, e.sku)] = e
        elif isinstance(e, OfferEvent) and e.featured is not None:
            offers[e.asin] = e
    available: dict[str, int] = {}
    for (asin, _), e in per_sku.items():
        available[asin] = available.get(asin, 0) + e.fulfillable + (e.inbound if include_inbound else 0)
    return available, {asin: e.featured for asin, e in offers.items()}


def expected_state(config: StockGuardConfig, entity_id: str, events) -> EntityState | None:
    """PAUSED / ENABLED when the latest inputs decide it; None inside the hysteresis band or when unknown."""
    product, asins = ENTITY_ASINS[entity_id]
    rules = config.rules_for(product)
    available, featured = _latest_inputs(events, config.include_inbound)
    status = {}
    for asin in asins:
        stock, offer = available.get(asin), featured.get(asin)
        if not (rules.stock or rules.featured_offer):
            status[asin] = "back"  # nothing can hold it out
        elif stock is None and offer is None:
            continue  # unknown
        elif (rules.stock and stock is not None and stock <= config.pause_threshold) or (rules.featured_offer and offer is False):
            status[asin] = "out"
        elif not rules.stock or stock is None or stock >= config.resume_at:
            status[asin] = "back"
        else:
            status[asin] = "between"
    values = list(status.values())
    if not values:
        return None
    if config.sb_multi_asin == "all":
        if len(values) == len(asins) and all(v == "out" for v in values):  # an unknown ASIN is not out
            return EntityState.PAUSED
        return EntityState.ENABLED if "back" in values else None
    if "out" in values:
        return EntityState.PAUSED
    return EntityState.ENABLED if all(v == "back" for v in values) else None


# -- properties -------------------------------------------------------------------------------------
@PROPERTY_SETTINGS
@given(config=configs(mode="pause_and_resume"), entities=initial_entities(), history=histories())
def test_final_state_depends_only_on_the_latest_state_of_each_input(config, entities, history):
    # Given any delivery order of the same events (shuffled, duplicated)
    events, delivery = history
    # When every event and every scheduled re-evaluation has been processed
    world = run(config, entities, delivery)
    # Then each entity StockGuard manages ends where the latest inputs say, whatever the order
    assert world.violations == []
    for entity in entities:
        entity_id = entity.ref.entity_id
        if entity.state is EntityState.PAUSED:
            assert world.state_of(entity_id) is EntityState.PAUSED  # the operator's pause is never undone
            continue
        expected = expected_state(config, entity_id, events)
        if expected is not None:
            assert world.state_of(entity_id) is expected, entity_id


@PROPERTY_SETTINGS
@given(config=configs(mode="pause_and_resume"), entities=initial_entities(), history=histories(operators=True))
def test_never_resumes_an_entity_it_did_not_pause(config, entities, history):
    _, delivery = history
    world = run(config, entities, delivery)
    # The world flags any resume of an entity whose current pause StockGuard did not make.
    assert world.violations == []
    for step in world.steps:
        for d in step.decisions:
            if d.action is Action.RESUME:
                entry = step.ledger.get(d.entity.ref.id)
                assert entry is not None and entry.status in (LedgerStatus.PAUSED, LedgerStatus.RESUME_PENDING)
                assert d.entity.state is EntityState.PAUSED


@PROPERTY_SETTINGS
@given(config=configs(mode="pause_and_resume"), entities=initial_entities(), history=histories(operators=True))
def test_an_operator_override_holds_until_the_episode_ends(config, entities, history):
    _, delivery = history
    world = run(config, entities, delivery)
    assert world.violations == []
    for step in world.steps:
        for d in step.decisions:
            entry = step.ledger.get(d.entity.ref.id)
            if entry is not None and entry.status is LedgerStatus.OVERRIDDEN:
                # Hands off: no pause, no resume; the ledger is released only once every condition cleared.
                assert d.action is Action.KEEP
                assert d.reason in (Reason.OPERATOR_OVERRIDE, Reason.CONDITIONS_CLEARED)


@PROPERTY_SETTINGS
@given(config=configs(mode="monitor"), entities=initial_entities(), history=histories())
def test_monitor_mode_never_changes_anything(config, entities, history):
    _, delivery = history
    world = run(config, entities, delivery)
    for step in world.steps:
        for d in step.decisions:
            assert d.action is Action.KEEP or d.monitor_only
    assert {e.ref.id: e.state for e in entities} == {r: e.state for r, e in world.entities.items()}
    assert world.ledger == {}


@PROPERTY_SETTINGS
@given(config=configs(mode="pause_only"), entities=initial_entities(), history=histories(operators=True))
def test_pause_only_mode_never_resumes(config, entities, history):
    _, delivery = history
    world = run(config, entities, delivery)
    assert all(d.action is not Action.RESUME for step in world.steps for d in step.decisions)


@PROPERTY_SETTINGS
@given(config=configs(mode="pause_and_resume"), entities=initial_entities(), history=histories(operators=True))
def test_nothing_changes_state_twice_within_the_dwell_time(config, entities, history):
    _, delivery = history
    world = run(config, entities, delivery)
    dwell = timedelta(minutes=config.dwell_minutes)
    for times in world.changes.values():
        for earlier, later in pairwise(times):
            assert later - earlier >= dwell


@PROPERTY_SETTINGS
@given(config=configs(mode="pause_and_resume"), entities=initial_entities(), history=histories(operators=True))
def test_hysteresis_pauses_and_resumes_only_beyond_the_thresholds(config, entities, history):
    _, delivery = history
    world = run(config, entities, delivery)
    for step in world.steps:
        for d in step.decisions:
            rules = config.rules_for(d.entity.ref.ad_product)
            state = step.products[d.asin]
            if d.action is Action.PAUSE and d.reason is Reason.OUT_OF_STOCK:
                assert rules.stock and state.available is not None and state.available <= config.pause_threshold
            elif d.action is Action.PAUSE:
                assert d.reason is Reason.FEATURED_OFFER_LOST and rules.featured_offer and state.featured is False
            elif d.action is Action.RESUME:
                if rules.stock:
                    assert state.available is None or state.available >= config.resume_at
                assert not (rules.featured_offer and state.featured is False)
            # A single-ASIN entity never pauses above the pause threshold unless its Featured Offer is lost.
            if d.action is Action.PAUSE and len(d.entity.asins) == 1 and state.featured is not False:
                assert state.available is not None and state.available <= config.pause_threshold


@PROPERTY_SETTINGS
@given(config=configs(), entities=initial_entities(), history=histories(operators=True), data=st.data())
def test_decide_is_deterministic_and_per_entity(config, entities, history, data):
    _, delivery = history
    world = run(config, entities, delivery)
    for step in world.steps[-5:]:
        current = list(world.entities.values())
        first = decide(
            now=step.now, config=config, products=step.products, entities=current, ledger=step.ledger, marketplace_id=MARKETPLACE
        )
        again = decide(
            now=step.now, config=config, products=step.products, entities=current, ledger=step.ledger, marketplace_id=MARKETPLACE
        )
        assert first == again
        assert [d.entity for d in first] == current
        # Entity order changes nothing but the order of the output.
        shuffled = data.draw(st.permutations(current))
        reordered = decide(
            now=step.now, config=config, products=step.products, entities=shuffled, ledger=step.ledger, marketplace_id=MARKETPLACE
        )
        assert {d.entity.ref.id: d for d in reordered} == {d.entity.ref.id: d for d in first}


def test_the_simulation_reaches_pause_and_resume():
    """Guard against a vacuous harness: a plain out-of-stock then restock history pauses and resumes."""
    config = StockGuardConfig(dwell_minutes=10)
    entity = make_entity("sp1", ("A1",))
    world = World.create(config, [entity])
    world.deliver(StockEvent("A1", "A1-a", 0, 0, 0, "n1"))
    assert world.state_of("sp1") is EntityState.PAUSED
    world.deliver(StockEvent("A1", "A1-a", 5, 0, 3, "n2"))  # within the dwell time: held back
    assert world.state_of("sp1") is EntityState.PAUSED
    world.settle()  # the re-evaluation at minute 10 resumes it
    assert world.state_of("sp1") is EntityState.ENABLED
    assert world.changes[entity.ref.id] == [T0, T0 + timedelta(minutes=10)]
