"""Phase 2 of a batch: from the products a batch touched to one decision per ad entity.

For each (account, marketplace) the batch touched: resolve the Ads profile, read the stored facts of
the products, find the entities that advertise them in the index (by ASIN and by every SKU known for
the ASIN), read the facts of the other ASINs those entities feature (SB), read the ledger, and run the
pure policy once at the triggering event time. An entity is decided once per batch.
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


@dataclass
class GroupPlan:
    """Decisions for one (account, marketplace) and what the executor needs to carry them out."""

    account_id: str
    marketplace_id: str
    profile_id: str | None
    now: datetime
    decisions: list[Decision] = field(default_factory=list)
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


def plan_group(
    services: Services, account_id: str, marketplace_id: str, triggers: list[ProductTrigger]
) -> GroupPlan:
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

    facts: dict[str, ProductFacts] = {t.product.asin: services.stock.load(t.product) for t in triggers}
    asin_by_sku = {sku: asin for asin, f in facts.items() for sku in f.skus}
    entities = [
        _with_asins(e, asin_by_sku)
        for e in services.index.entities_for(profile_id, asins=facts.keys(), skus=asin_by_sku.keys())
    ]
    # Other ASINs featured by the same entities (SB): their state matters for "all out" / "any out".
    for asin in sorted({a for e in entities for a in e.asins} - facts.keys()):
        facts[asin] = services.stock.load(ProductKey(account_id=account_id, marketplace_id=marketplace_id, asin=asin))

    latest_stored = [f.latest_event_time for f in facts.values() if f.latest_event_time]
    # The policy clock: the triggering event time, never the wall clock; never earlier than what is stored,
    # so that a late, stale notification cannot travel back in time.
    plan.now = max([batch_now, *latest_stored])
    vendor = is_vendor(account_id, services)
    states = {
        asin: product_state(f, vendor=vendor, include_inbound=services.config.include_inbound) for asin, f in facts.items()
    }
    plan.skus_by_asin = {asin: f.skus for asin, f in facts.items()}
    plan.ledger = services.ledger.get_many(e.ref for e in entities)
    entities, plan.ledger = reconcile_pending(
        services,
        services.region_for(marketplace_id),
        entities,
        plan.ledger,
        now=plan.now,
        account_id=account_id,
        marketplace_id=marketplace_id,
        skus_by_asin=plan.skus_by_asin,
    )
    plan.decisions = decide(
        now=plan.now,
        config=services.config,
        products=states,
        entities=entities,
        ledger=plan.ledger,
        marketplace_id=marketplace_id,
    )
    by_asin = {t.product.asin: t.notification_ids for t in triggers}
    for entity in entities:
        plan.sources[entity.ref.id] = set().union(*(by_asin.get(a, set()) for a in entity.asins)) or set().union(
            *by_asin.values()
        )
    return plan
