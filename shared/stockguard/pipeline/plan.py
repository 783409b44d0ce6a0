"""Phase "plan": from a gathered (and settled) group to one decision per ad entity, and the jobs to run.

Reads nothing and writes nothing: product states from the gathered facts, then the pure policy at each
entity's own clock (stockguard.pipeline.gather). An entity is decided once per batch.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from stockguard.ads.port import Region
from stockguard.domain.decisions import Decision
from stockguard.domain.ledger import LedgerEntry
from stockguard.pipeline.gather import GroupContext
from stockguard.policy import ProductState, StockGuardConfig, available_stock, decide
from stockguard.state.stock import ProductFacts


@dataclass
class GroupPlan:
    """Decisions for one (account, marketplace) and what the executor needs to carry them out."""

    account_id: str
    marketplace_id: str
    profile_id: str | None
    now: datetime
    region: Region | None = None
    decisions: list[Decision] = field(default_factory=list)
    clocks: dict[str, datetime] = field(default_factory=dict)  # entity ref id -> its policy clock
    ledger: dict[str, LedgerEntry] = field(default_factory=dict)
    sources: dict[str, set[str]] = field(default_factory=dict)  # entity ref id -> notifications behind it
    skus_by_asin: dict[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class Job:
    """One decision with its context: what the executor needs, and nothing it must look up."""

    decision: Decision
    account_id: str
    marketplace_id: str
    region: Region
    now: datetime
    notification_id: str
    skus: tuple[str, ...] = ()
    ledger: LedgerEntry | None = None
    sources: tuple[str, ...] = ()  # every notification of the batch behind this decision (notification_id: the first)


def product_state(facts: ProductFacts, *, vendor: bool, include_inbound: bool) -> ProductState:
    stock_times = [f.event_time for f in facts.stock]
    return ProductState(
        asin=facts.product.asin,
        available=available_stock(facts.stock, account_is_vendor=vendor, include_inbound=include_inbound),
        featured=facts.offer.featured if facts.offer else None,
        stock_event_time=max(stock_times) if stock_times else None,
        offer_event_time=facts.offer.event_time if facts.offer else None,
    )


def plan_group(config: StockGuardConfig, ctx: GroupContext) -> GroupPlan:
    plan = GroupPlan(
        account_id=ctx.account_id,
        marketplace_id=ctx.marketplace_id,
        profile_id=ctx.profile_id,
        now=ctx.now,
        region=ctx.region,
        clocks=ctx.clocks,
        ledger=ctx.ledger,
        sources=ctx.sources,
        skus_by_asin=ctx.skus_by_asin,
    )
    if ctx.profile_id is None:
        return plan
    vendor = config.is_vendor(ctx.account_id)
    states = {asin: product_state(f, vendor=vendor, include_inbound=config.include_inbound) for asin, f in ctx.facts.items()}
    plan.decisions = decide(
        now=ctx.now,
        clocks=ctx.clocks,
        config=config,
        products=states,
        entities=ctx.entities,
        ledger=ctx.ledger,
        marketplace_id=ctx.marketplace_id,
    )
    return plan


def jobs_of(plan: GroupPlan, group_ids: set[str]) -> list[Job]:
    """One Job per decision, at its entity's own clock."""
    assert plan.region is not None
    jobs = []
    for decision in plan.decisions:
        ref_id = decision.entity.ref.id
        sources = plan.sources.get(ref_id) or group_ids
        jobs.append(
            Job(
                decision=decision,
                account_id=plan.account_id,
                marketplace_id=plan.marketplace_id,
                region=plan.region,
                now=plan.clocks.get(ref_id, plan.now),
                notification_id=sorted(sources)[0],
                sources=tuple(sorted(sources)),
                skus=plan.skus_by_asin.get(decision.asin, ()),
                ledger=plan.ledger.get(ref_id),
            )
        )
    return jobs
