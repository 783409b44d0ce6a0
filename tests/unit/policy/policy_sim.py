"""Builders and a tiny in-memory world for policy tests.

The world stands in for the pipeline around the pure policy: facts are stored "latest event time wins"
(as the stock table does), the clock is the triggering event time (never earlier than what is stored,
as plan.py does), decisions are applied to entity states and the ledger the way the executor applies
them, and a dwell-time KEEP schedules a re-evaluation at retry_at. It records what happened so that
property tests can check invariants over whole histories.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from stockguard.domain.ads import AdEntity, AdProduct, EntityRef, EntityState, EntityType
from stockguard.domain.decisions import Action, Decision, Effect, Reason
from stockguard.domain.facts import NotificationType, OfferFact, ProductKey, StockFact
from stockguard.domain.ledger import LedgerEntry, LedgerStatus
from stockguard.policy import ProductState, StockGuardConfig, available_stock, decide

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
MARKETPLACE = "ATVPDKIKX0DER"
ACCOUNT = "A2SELLER"


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


# -- builders -------------------------------------------------------------------------------------
def make_entity(
    entity_id: str = "e1",
    asins: tuple[str, ...] = ("A1",),
    state: EntityState = EntityState.ENABLED,
    ad_product: AdProduct = AdProduct.SP,
    entity_type: EntityType = EntityType.AD,
) -> AdEntity:
    ref = EntityRef(profile_id="P1", ad_product=ad_product, entity_type=entity_type, entity_id=entity_id)
    return AdEntity(ref=ref, state=state, campaign_id="c1", asins=asins)


def make_product(asin: str = "A1", available: int | None = None, featured: bool | None = None) -> ProductState:
    return ProductState(asin=asin, available=available, featured=featured)


def make_entry(
    entity: AdEntity,
    status: LedgerStatus,
    *,
    reason: Reason = Reason.OUT_OF_STOCK,
    asin: str = "A1",
    last_change_at: datetime | None = None,
) -> LedgerEntry:
    return LedgerEntry(ref=entity.ref, status=status, reason=reason.value, asin=asin, last_change_at=last_change_at)


def stock_fact(
    asin: str,
    *,
    at_minute: float,
    nid: str,
    sku: str | None = None,
    fulfillable: int | None = None,
    inbound: int = 0,
    highly_available: int | None = None,
    source: NotificationType | None = None,
    account: str = ACCOUNT,
) -> StockFact:
    if source is None:
        source = NotificationType.FBA_INVENTORY_AVAILABILITY_CHANGES if sku else NotificationType.ITEM_INVENTORY_EVENT_CHANGE
    return StockFact(
        product=ProductKey(account_id=account, marketplace_id=MARKETPLACE, asin=asin),
        sku=sku,
        source=source,
        fulfillable=fulfillable,
        inbound=inbound,
        highly_available=highly_available,
        event_time=at(at_minute),
        notification_id=nid,
    )


# -- events ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class StockEvent:
    asin: str
    sku: str
    fulfillable: int
    inbound: int
    minute: int
    nid: str


@dataclass(frozen=True)
class OfferEvent:
    asin: str
    featured: bool | None
    minute: int
    nid: str


@dataclass(frozen=True)
class OperatorEvent:
    """The operator changes an entity in the Ads console; the index sees the new state."""

    entity_id: str
    state: EntityState
    minute: int


@dataclass(frozen=True)
class Step:
    now: datetime
    decisions: tuple[Decision, ...]
    products: dict[str, ProductState]
    ledger: dict[str, LedgerEntry]


# -- the world ------------------------------------------------------------------------------------
@dataclass
class World:
    config: StockGuardConfig
    entities: dict[str, AdEntity]
    ledger: dict[str, LedgerEntry] = field(default_factory=dict)
    stock: dict[tuple[str, str], StockFact] = field(default_factory=dict)
    offers: dict[str, OfferFact] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)
    # entity ref id -> event times at which StockGuard changed its state
    changes: dict[str, list[datetime]] = field(default_factory=dict)
    # entity ref id -> who put it in its current PAUSED state ("stockguard" | "operator")
    paused_by: dict[str, str] = field(default_factory=dict)
    pending: set[tuple[datetime, str]] = field(default_factory=set)
    violations: list[str] = field(default_factory=list)
    clock: datetime | None = None

    @classmethod
    def create(cls, config: StockGuardConfig, entities: list[AdEntity]) -> World:
        world = cls(config=config, entities={e.ref.id: e for e in entities})
        for e in entities:
            if e.state is EntityState.PAUSED:
                world.paused_by[e.ref.id] = "operator"
        return world

    # -- inputs -------------------------------------------------------------------------------
    def deliver(self, event: StockEvent | OfferEvent | OperatorEvent) -> None:
        if isinstance(event, OperatorEvent):
            self._operator(event)
            return
        product = ProductKey(account_id=ACCOUNT, marketplace_id=MARKETPLACE, asin=event.asin)
        if isinstance(event, StockEvent):
            fact = StockFact(
                product=product,
                sku=event.sku,
                source=NotificationType.FBA_INVENTORY_AVAILABILITY_CHANGES,
                fulfillable=event.fulfillable,
                inbound=event.inbound,
                event_time=at(event.minute),
                notification_id=event.nid,
            )
            current = self.stock.get((event.asin, event.sku))
            if current is None or (fact.event_time, fact.notification_id) > (current.event_time, current.notification_id):
                self.stock[(event.asin, event.sku)] = fact
        else:
            offer = OfferFact(
                product=product,
                featured=event.featured,
                source=NotificationType.ANY_OFFER_CHANGED,
                event_time=at(event.minute),
                notification_id=event.nid,
            )
            current = self.offers.get(event.asin)
            newer = current is None or (offer.event_time, offer.notification_id) > (current.event_time, current.notification_id)
            if offer.featured is not None and newer:  # unknown never replaces known (stock table rule)
                self.offers[event.asin] = offer
        self._decide_for(event.asin, at(event.minute))

    def settle(self, max_rounds: int = 200) -> None:
        """Deliver the scheduled re-evaluations, earliest first, until none is left."""
        for _ in range(max_rounds):
            if not self.pending:
                return
            retry_at, asin = min(self.pending)
            self.pending.discard((retry_at, asin))
            self._decide_for(asin, retry_at)
        self.violations.append("re-evaluations did not settle")

    def reevaluate_all(self, after: timedelta) -> None:
        """A final re-evaluation of every product, `after` past the latest clock (e.g. past the dwell time)."""
        at_time = (self.clock or T0) + after
        for asin in sorted({a for e in self.entities.values() for a in e.asins}):
            self._decide_for(asin, at_time)

    # -- policy -------------------------------------------------------------------------------
    def product_states(self) -> dict[str, ProductState]:
        asins = {a for e in self.entities.values() for a in e.asins}
        states = {}
        for asin in sorted(asins):
            facts = [f for (a, _), f in self.stock.items() if a == asin]
            offer = self.offers.get(asin)
            states[asin] = ProductState(
                asin=asin,
                available=available_stock(facts, account_is_vendor=False, include_inbound=self.config.include_inbound),
                featured=offer.featured if offer else None,
                stock_event_time=max((f.event_time for f in facts), default=None),
                offer_event_time=offer.event_time if offer else None,
            )
        return states

    def _stored_max(self) -> datetime | None:
        times = [f.event_time for f in self.stock.values()] + [o.event_time for o in self.offers.values()]
        return max(times, default=None)

    def _decide_for(self, asin: str, trigger: datetime) -> None:
        now = max(t for t in (trigger, self._stored_max(), self.clock) if t is not None)
        self.clock = now
        entities = [e for e in self.entities.values() if asin in e.asins]
        products = self.product_states()
        ledger_before = dict(self.ledger)
        decisions = decide(
            now=now,
            config=self.config,
            products=products,
            entities=entities,
            ledger=ledger_before,
            marketplace_id=MARKETPLACE,
        )
        self.steps.append(Step(now=now, decisions=tuple(decisions), products=products, ledger=ledger_before))
        for decision in decisions:
            self._apply(decision, now)

    def _apply(self, d: Decision, now: datetime) -> None:
        ref = d.entity.ref.id
        entity = self.entities[ref]
        entry = self.ledger.get(ref)
        # The decision's effect, as the executor applies it (stockguard.pipeline.execute), minus the Ads API.
        if d.what is Effect.MARK_OVERRIDDEN and entry and entry.status is LedgerStatus.PAUSED:
            self.ledger[ref] = entry.model_copy(update={"status": LedgerStatus.OVERRIDDEN})
        elif d.what is Effect.RELEASE and entry and entry.status is LedgerStatus.OVERRIDDEN:
            self.ledger[ref] = entry.model_copy(update={"status": LedgerStatus.RELEASED})
        elif d.what is Effect.WAIT:
            assert d.retry_at is not None
            self.pending.add((d.retry_at, d.asin))
        if d.what not in (Effect.PAUSE, Effect.RESUME):
            return
        self.changes.setdefault(ref, []).append(now)
        if d.action is Action.PAUSE:
            if entity.state is not EntityState.ENABLED:
                self.violations.append(f"paused {ref} in state {entity.state}")
            self.entities[ref] = entity.model_copy(update={"state": EntityState.PAUSED})
            self.paused_by[ref] = "stockguard"
            self.ledger[ref] = LedgerEntry(
                ref=entity.ref,
                status=LedgerStatus.PAUSED,
                reason=d.reason.value,
                asin=d.asin,
                last_change_at=now,
                paused_at=now,
            )
        else:
            if self.paused_by.get(ref) != "stockguard" or entity.state is not EntityState.PAUSED:
                self.violations.append(f"resumed {ref}, paused by {self.paused_by.get(ref)}, state {entity.state}")
            self.entities[ref] = entity.model_copy(update={"state": EntityState.ENABLED})
            self.paused_by.pop(ref, None)
            assert entry is not None
            self.ledger[ref] = entry.model_copy(update={"status": LedgerStatus.RELEASED, "last_change_at": now})

    def _operator(self, event: OperatorEvent) -> None:
        ref = next(r for r, e in self.entities.items() if e.ref.entity_id == event.entity_id)
        entity = self.entities[ref]
        entry = self.ledger.get(ref)
        if entity.state is event.state:
            return
        if event.state is EntityState.PAUSED and entry is not None and entry.status is LedgerStatus.PAUSED:
            # Re-paused before StockGuard saw the re-enable: indistinguishable from our own pause; not modelled.
            return
        self.entities[ref] = entity.model_copy(update={"state": event.state})
        if event.state is EntityState.PAUSED:
            self.paused_by[ref] = "operator"
        else:
            self.paused_by.pop(ref, None)

    # -- views --------------------------------------------------------------------------------
    def state_of(self, entity_id: str) -> EntityState:
        return next(e.state for e in self.entities.values() if e.ref.entity_id == entity_id)
