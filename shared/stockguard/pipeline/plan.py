"""Phase 2 of a batch: from the products a batch touched to one decision per ad entity.

For each (account, marketplace) the batch touched: resolve the Ads profile, take the facts of the
products from their writes (recording a fact returns every fact of its product; products the batch
touched without a write, and the other ASINs the entities feature (SB), are batch-read), find the
entities that advertise them in the index (by ASIN and by every SKU known for the ASIN), read the
ledger, and run the pure policy. An entity is decided once per batch.

The policy clock is per product, not per batch: a product is decided at the newest event time of its
own facts and of the notifications that touched it (never earlier than a fact already stored for it);
an entity featuring several ASINs (SB) at the newest of its ASINs' clocks. So a product's decision, and
the last_change_at its dwell time runs from, never takes another ASIN's later time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from stockguard.domain.ads import AdEntity
from stockguard.domain.decisions import Decision
from stockguard.domain.facts import ProductKey
from stockguard.domain.ledger import LedgerEntry
from stockguard.pipeline.execute import reconcile_pending
from stockguard.pipeline.services import Services
from stockguard.policy import ProductState, available_stock, decide
from stockguard.state.stock import ProductFacts

logger = logging.getLogger(__name__)


@dataclass
class ProductTrigger:
    """A product the batch touched, the notifications that touched it, and their latest event time."""

    product: ProductKey
    event_time: datetime
    notification_ids: set[str] = field(default_factory=set)
    # Every fact of the product as its last write in this batch returned it; None: read it (no write).
    facts: ProductFacts | None = None


@dataclass
class GroupPlan:
    """Decisions for one (account, marketplace) and what the executor needs to carry them out."""

    account_id: str
    marketplace_id: str
    profile_id: str | None
    now: datetime  # the newest clock of the group (profile resolution; entities without a clock of their own)
    decisions: list[Decision] = field(default_factory=list)
    # entity ref id -> its policy clock (see the module docstring); the Job of its decision runs at it
    clocks: dict[str, datetime] = field(default_factory=dict)
    ledger: dict[str, LedgerEntry] = field(default_factory=dict)
    # entity ref id -> the notification ids whose products the entity advertises
    sources: dict[str, set[str]] = field(default_factory=dict)
    skus_by_asin: dict[str, tuple[str, ...]] = field(default_factory=dict)


def is_vendor(account_id: str, services: Services) -> bool:
    return any(account_id.startswith(prefix) for prefix in services.config.vendor_account_prefixes)


def product_state(facts: ProductFacts, *, vendor: bool, include_inbound: bool) -> ProductState:
    stock_times = [f.event_time for f in facts.stock]
    return ProductState(
        asin=facts.product.asin,
        available=available_stock(facts.stock, account_is_vendor=vendor, include_inbound=include_inbound),
        featured=facts.offer.featured if facts.offer else None,
        stock_event_time=max(stock_times) if stock_times else None,
        offer_event_time=facts.offer.event_time if facts.offer else None,
    )


def _with_asins(entity: AdEntity, asin_by_sku: dict[str, str]) -> AdEntity:
    """Sellers' SP ads name only a SKU: attach the ASIN learned from FBA facts (ASIN is the join key)."""
    extra = tuple(asin_by_sku[s] for s in entity.skus if s in asin_by_sku and asin_by_sku[s] not in entity.asins)
    return entity.model_copy(update={"asins": entity.asins + tuple(dict.fromkeys(extra))}) if extra else entity


def plan_group(services: Services, account_id: str, marketplace_id: str, triggers: list[ProductTrigger]) -> GroupPlan:
    batch_now = max(t.event_time for t in triggers)
    profile_id = services.profiles.resolve(account_id, marketplace_id, now=batch_now)
    plan = GroupPlan(account_id=account_id, marketplace_id=marketplace_id, profile_id=profile_id, now=batch_now)
    if profile_id is None:
        logger.warning(
            "no Ads profile for account in marketplace; facts stored, nothing to decide",
            extra={"account_id": account_id, "marketplace_id": marketplace_id},
        )
        services.metrics.count_by("DecisionsSkipped", "reason", "no_profile", len(triggers))
        return plan

    facts: dict[str, ProductFacts] = {t.product.asin: t.facts for t in triggers if t.facts is not None}
    facts.update(_load(services, [t.product for t in triggers if t.facts is None]))
    asin_by_sku = {sku: asin for asin, f in facts.items() for sku in f.skus}
    entities = [_with_asins(e, asin_by_sku) for e in services.index.entities_for(profile_id, asins=facts.keys(), skus=asin_by_sku.keys())]
    # Other ASINs featured by the same entities (SB): their state matters for "all out" / "any out".
    others = sorted({a for e in entities for a in e.asins} - facts.keys())
    facts.update(_load(services, [ProductKey(account_id=account_id, marketplace_id=marketplace_id, asin=a) for a in others]))

    by_asin = _product_clocks(triggers, facts)
    # Never earlier than what is stored, so that a late, stale notification cannot travel back in time.
    plan.now = max([batch_now, *by_asin.values()])
    plan.clocks = {e.ref.id: _entity_clock(e, by_asin, plan.now) for e in entities}
    vendor = is_vendor(account_id, services)
    states = {asin: product_state(f, vendor=vendor, include_inbound=services.config.include_inbound) for asin, f in facts.items()}
    plan.skus_by_asin = {asin: f.skus for asin, f in facts.items()}
    plan.ledger = services.ledger.get_many(e.ref for e in entities)
    entities, plan.ledger = _settle_pending(services, plan, entities)
    plan.decisions = decide(
        now=plan.now,
        clocks=plan.clocks,
        config=services.config,
        products=states,
        entities=entities,
        ledger=plan.ledger,
        marketplace_id=marketplace_id,
    )
    notifications = {t.product.asin: t.notification_ids for t in triggers}
    for entity in entities:
        plan.sources[entity.ref.id] = set().union(*(notifications.get(a, set()) for a in entity.asins)) or set().union(
            *notifications.values()
        )
    return plan


def _load(services: Services, products: list[ProductKey]) -> dict[str, ProductFacts]:
    """Facts by ASIN of products no write of this batch returned: one BatchGetItem per 100."""
    if not products:
        return {}
    loaded = services.stock.load_many(products)
    return {p.asin: loaded[p.id] for p in products}


def _product_clocks(triggers: list[ProductTrigger], facts: dict[str, ProductFacts]) -> dict[str, datetime]:
    """ASIN -> the newest event time of its stored facts and of the notifications that touched it."""
    clocks = {asin: f.latest_event_time for asin, f in facts.items() if f.latest_event_time is not None}
    for t in triggers:
        asin = t.product.asin
        clocks[asin] = max(t.event_time, clocks.get(asin, t.event_time))
    return clocks


def _entity_clock(entity: AdEntity, by_asin: dict[str, datetime], default: datetime) -> datetime:
    """The newest clock among the entity's ASINs (SB features several); `default` when none has one."""
    times = [by_asin[a] for a in entity.asins if a in by_asin]
    return max(times) if times else default


def _settle_pending(services: Services, plan: GroupPlan, entities: list[AdEntity]) -> tuple[list[AdEntity], dict[str, LedgerEntry]]:
    """reconcile_pending once per distinct entity clock, so that each settled intent is stamped with the
    clock of its own entity (it takes one `now`); a no-op without pending intents."""
    by_clock: dict[datetime, list[AdEntity]] = {}
    for entity in entities:
        by_clock.setdefault(plan.clocks[entity.ref.id], []).append(entity)
    ledger = plan.ledger
    settled: dict[str, AdEntity] = {}
    for now, members in sorted(by_clock.items()):
        members, ledger = reconcile_pending(
            services,
            services.region_for(plan.marketplace_id),
            members,
            ledger,
            now=now,
            account_id=plan.account_id,
            marketplace_id=plan.marketplace_id,
            skus_by_asin=plan.skus_by_asin,
        )
        settled.update((e.ref.id, e) for e in members)
    return [settled[e.ref.id] for e in entities], ledger
