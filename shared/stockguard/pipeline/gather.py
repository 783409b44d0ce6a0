"""Phase "gather": everything one (account, marketplace) group needs to be decided, read in few round trips.

Resolve the Ads profile (its cache may be filled: the only write of this phase), take the facts of the
products from their writes (recording a fact returns every fact of its product; products the batch touched
without a write, and the other ASINs the entities feature (SB), are batch-read), find the entities that
advertise them in the index (by ASIN and by every SKU known for the ASIN: two BatchGets), read the ledger
(BatchGet), and compute each entity's policy clock.

The policy clock is per product, not per batch: a product is decided at the newest event time of its own
facts and of the notifications that touched it (never earlier than a fact already stored for it); an entity
featuring several ASINs (SB) at the newest of its ASINs' clocks. So a product's decision, and the
last_change_at its dwell time runs from, never takes another ASIN's later time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from stockguard.ads.port import Region
from stockguard.domain.ads import AdEntity
from stockguard.domain.facts import ProductKey
from stockguard.domain.ledger import LedgerEntry
from stockguard.observability import MetricNames
from stockguard.pipeline.services import Services
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
class GroupContext:
    """What the settle and plan phases work from for one (account, marketplace)."""

    account_id: str
    marketplace_id: str
    region: Region
    profile_id: str | None
    now: datetime  # the newest clock of the group (profile resolution; entities without a clock of their own)
    triggers: list[ProductTrigger]
    facts: dict[str, ProductFacts] = field(default_factory=dict)  # by ASIN
    entities: list[AdEntity] = field(default_factory=list)
    ledger: dict[str, LedgerEntry] = field(default_factory=dict)  # by entity ref id
    clocks: dict[str, datetime] = field(default_factory=dict)  # entity ref id -> its policy clock
    sources: dict[str, set[str]] = field(default_factory=dict)  # entity ref id -> notifications behind it
    skus_by_asin: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def notification_ids(self) -> set[str]:
        return set().union(*(t.notification_ids for t in self.triggers))


def gather_group(services: Services, account_id: str, marketplace_id: str, triggers: list[ProductTrigger]) -> GroupContext:
    batch_now = max(t.event_time for t in triggers)
    ctx = GroupContext(
        account_id=account_id,
        marketplace_id=marketplace_id,
        region=services.region_for(marketplace_id),
        profile_id=services.profiles.resolve(account_id, marketplace_id, now=batch_now),
        now=batch_now,
        triggers=triggers,
    )
    if ctx.profile_id is None:
        logger.warning(
            "no Ads profile for account in marketplace; facts stored, nothing to decide",
            extra={"account_id": account_id, "marketplace_id": marketplace_id},
        )
        services.metrics.count_by(MetricNames.DECISIONS_SKIPPED, "reason", "no_profile", len(triggers))
        return ctx
    _gather_entities(services, ctx)
    by_asin = _product_clocks(triggers, ctx.facts)
    # Never earlier than what is stored, so that a late, stale notification cannot travel back in time.
    ctx.now = max([batch_now, *by_asin.values()])
    ctx.clocks = {e.ref.id: _entity_clock(e, by_asin, ctx.now) for e in ctx.entities}
    ctx.skus_by_asin = {asin: f.skus for asin, f in ctx.facts.items()}
    ctx.ledger = services.ledger.get_many(e.ref for e in ctx.entities)
    ctx.sources = _sources(ctx)
    return ctx


def _gather_entities(services: Services, ctx: GroupContext) -> None:
    """The facts of the touched products, the entities advertising them, and the facts of their other ASINs."""
    assert ctx.profile_id is not None
    ctx.facts = {t.product.asin: t.facts for t in ctx.triggers if t.facts is not None}
    ctx.facts.update(_load(services, [t.product for t in ctx.triggers if t.facts is None]))
    asin_by_sku = {sku: asin for asin, f in ctx.facts.items() for sku in f.skus}
    found = services.index.entities_for(ctx.profile_id, asins=ctx.facts.keys(), skus=asin_by_sku.keys())
    ctx.entities = [_with_asins(e, asin_by_sku) for e in found]
    # Other ASINs featured by the same entities (SB): their state matters for "all out" / "any out".
    others = sorted({a for e in ctx.entities for a in e.asins} - ctx.facts.keys())
    keys = [ProductKey(account_id=ctx.account_id, marketplace_id=ctx.marketplace_id, asin=a) for a in others]
    ctx.facts.update(_load(services, keys))


def _with_asins(entity: AdEntity, asin_by_sku: dict[str, str]) -> AdEntity:
    """Sellers' SP ads name only a SKU: attach the ASIN learned from FBA facts (ASIN is the join key)."""
    extra = tuple(asin_by_sku[s] for s in entity.skus if s in asin_by_sku and asin_by_sku[s] not in entity.asins)
    return entity.model_copy(update={"asins": entity.asins + tuple(dict.fromkeys(extra))}) if extra else entity


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


def _sources(ctx: GroupContext) -> dict[str, set[str]]:
    """Entity ref id -> the notifications whose products it advertises (all of the group's, if none)."""
    notifications = {t.product.asin: t.notification_ids for t in ctx.triggers}
    every = ctx.notification_ids
    return {e.ref.id: set().union(*(notifications.get(a, set()) for a in e.asins)) or set(every) for e in ctx.entities}
