"""The pure decision policy: one Decision per ad entity, from product states, entity states and the ledger.

No I/O and no wall clock: `now` is the event time of the triggering notification, so a replay decides
exactly as live processing did. Same inputs, same outputs, in input entity order. `clocks` (entity ref id
-> time) decides an entity at its own products' time instead (stockguard.pipeline.plan: the newest event
time of the facts of the entity's ASINs), so that one product's later event never ages another's
decision; an entity missing from `clocks` is decided at `now`.

Every decision carries its effect (stockguard.domain.decisions.Effect); a KEEP may still have one, and no
caller decodes reasons into work:
    MARK_OVERRIDDEN  keep operator_override on a PAUSED ledger entry (the operator re-enabled our pause)
    RELEASE          keep conditions_cleared on an OVERRIDDEN entry: the episode is over, and StockGuard
                     may pause the entity again later
    WAIT             keep dwell_time: decide again at `retry_at`
    REPORT           a pause or resume in monitor mode: audited, never sent
Which ledger statuses allow a pause or a resume comes from the one transition table
(stockguard.domain.ledger.TRANSITIONS), the same the ledger adapters enforce.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from stockguard.domain.ads import AdEntity, EntityState
from stockguard.domain.decisions import Action, Decision, Effect, Reason
from stockguard.domain.ledger import PENDING, TRANSITIONS, LedgerEntry, LedgerStatus, Transition
from stockguard.policy.assess import Verdict, assess_entity
from stockguard.policy.config import Mode, ProductRules, StockGuardConfig
from stockguard.policy.product import ProductState

_PAUSABLE = TRANSITIONS[Transition.INTEND_PAUSE]  # the statuses the ledger takes a pause intent from
_RESUMABLE = TRANSITIONS[Transition.INTEND_RESUME]  # ... and a resume intent (StockGuard holds the pause)


@dataclass(frozen=True)
class _Context:
    now: datetime
    config: StockGuardConfig
    products: Mapping[str, ProductState]
    ledger: Mapping[str, LedgerEntry]
    marketplace_allowed: bool
    excluded: frozenset[str]


@dataclass(frozen=True)
class _Subject:
    """One entity being decided: its ledger entry, its rules and the condition of its (kept) ASINs."""

    entity: AdEntity
    entry: LedgerEntry | None
    rules: ProductRules
    asins: tuple[str, ...]
    verdict: Verdict
    now: datetime  # the policy clock of this entity

    @property
    def status(self) -> LedgerStatus | None:
        return self.entry.status if self.entry else None

    def keep(self, reason: Reason, asin: str | None = None, *, effect: Effect = Effect.NONE, retry_at: datetime | None = None) -> Decision:
        return Decision(entity=self.entity, action=Action.KEEP, reason=reason, asin=asin or self.asins[0], effect=effect, retry_at=retry_at)


def decide(
    *,
    now: datetime,
    config: StockGuardConfig,
    products: Mapping[str, ProductState],
    entities: Sequence[AdEntity],
    ledger: Mapping[str, LedgerEntry],
    marketplace_id: str,
    clocks: Mapping[str, datetime] | None = None,
) -> list[Decision]:
    ctx = _Context(
        now=now,
        config=config,
        products=products,
        ledger=ledger,
        marketplace_allowed=config.marketplace_allowed(marketplace_id),
        excluded=frozenset(config.excluded_asins),
    )
    clocks = clocks or {}
    return [_decide_one(ctx, entity, clocks.get(entity.ref.id, now)) for entity in entities]


def _decide_one(ctx: _Context, entity: AdEntity, now: datetime) -> Decision:
    first = entity.asins[0] if entity.asins else ""

    def keep(reason: Reason) -> Decision:
        return Decision(entity=entity, action=Action.KEEP, reason=reason, asin=first)

    # Scope: what the configuration or the entity takes out of StockGuard's hands (pauses it holds included).
    if not ctx.marketplace_allowed:
        return keep(Reason.MARKETPLACE_NOT_ALLOWED)
    if entity.state not in (EntityState.ENABLED, EntityState.PAUSED):
        return keep(Reason.ENTITY_NOT_ACTIVE)
    if not entity.asins:
        return keep(Reason.STOCK_UNKNOWN)
    asins = tuple(a for a in entity.asins if a not in ctx.excluded)
    if not asins:
        return keep(Reason.ASIN_EXCLUDED)

    rules = ctx.config.rules_for(entity.ref.ad_product)
    verdict = assess_entity(
        asins,
        ctx.products,
        rules,
        pause_threshold=ctx.config.pause_threshold,
        resume_threshold=ctx.config.resume_at,
        multi_asin=ctx.config.sb_multi_asin,
    )
    s = _Subject(entity=entity, entry=ctx.ledger.get(entity.ref.id), rules=rules, asins=asins, verdict=verdict, now=now)
    if s.status is LedgerStatus.OVERRIDDEN:
        # The operator took over this episode: hands off until every pause condition has cleared.
        if verdict.back:
            return s.keep(Reason.CONDITIONS_CLEARED, _back_driver(s), effect=Effect.RELEASE)
        return s.keep(Reason.OPERATOR_OVERRIDE, _out_driver(s))
    if entity.state is EntityState.ENABLED:
        return _decide_enabled(ctx, s)
    return _decide_paused(ctx, s)


def _decide_enabled(ctx: _Context, s: _Subject) -> Decision:
    v = s.verdict
    if s.status is LedgerStatus.PAUSED:
        # We paused it, yet it is enabled: the operator re-enabled it (seen by the index or a re-read).
        return s.keep(Reason.OPERATOR_OVERRIDE, _out_driver(s), effect=Effect.MARK_OVERRIDDEN)
    if not _PAUSABLE.allows(s.status):
        return s.keep(Reason.NO_CHANGE)  # RESUME_PENDING: our resume is in flight; the caller reconciles
    if v.out:
        assert v.pause_reason is not None
        return _change(ctx, s, Action.PAUSE, v.pause_reason, _out_driver(s))
    if not v.known:
        return s.keep(Reason.STOCK_UNKNOWN)
    if not s.rules.any_enabled:
        return s.keep(Reason.RULE_DISABLED)
    if v.out_asins:
        return s.keep(Reason.OTHER_ASINS_AVAILABLE, v.out_asins[0])
    if not v.back:
        return s.keep(Reason.HYSTERESIS, v.between_asins[0])
    return s.keep(Reason.NO_CHANGE)


def _decide_paused(ctx: _Context, s: _Subject) -> Decision:
    v = s.verdict
    if s.entry is None or not s.entry.holds_pause:
        # Paused by someone else (or left paused after our episode ended): never ours to resume.
        return s.keep(Reason.NOT_PAUSED_BY_STOCKGUARD if v.out else Reason.NO_CHANGE, _out_driver(s) if v.out else None)
    if v.out:
        return s.keep(Reason.ALREADY_PAUSED, _out_driver(s))
    if not v.known:
        return s.keep(Reason.STOCK_UNKNOWN)
    if not v.back:
        return s.keep(Reason.HYSTERESIS, (v.between_asins or v.out_asins)[0])
    if not _RESUMABLE.allows(s.status):
        return s.keep(Reason.NO_CHANGE, _back_driver(s))  # PAUSE_PENDING: the caller reconciles first
    if ctx.config.mode is Mode.PAUSE_ONLY:
        return s.keep(Reason.PAUSE_ONLY_MODE, _back_driver(s))
    return _change(ctx, s, Action.RESUME, _resume_reason(s), _back_driver(s))


def _out_driver(s: _Subject) -> str:
    """The ASIN behind a pause: the first stock-out one (stock wins), else the first out one."""
    v = s.verdict
    return (v.stock_out_asins or v.out_asins or s.asins)[0]


def _back_driver(s: _Subject) -> str:
    """The ASIN behind a resume: the one the pause was recorded for when it is back, else the first back."""
    v = s.verdict
    if s.entry is not None and s.entry.asin in v.back_asins:
        return s.entry.asin
    return (v.back_asins or s.asins)[0]


def _resume_reason(s: _Subject) -> Reason:
    """What cleared: the condition the pause was recorded for, while its rule still applies."""
    reason = s.entry.reason if s.entry else ""
    if reason == Reason.OUT_OF_STOCK and s.rules.stock:
        return Reason.BACK_IN_STOCK
    if reason == Reason.FEATURED_OFFER_LOST and s.rules.featured_offer:
        return Reason.FEATURED_OFFER_REGAINED
    return Reason.CONDITIONS_CLEARED


def _change(ctx: _Context, s: _Subject, action: Action, reason: Reason, asin: str) -> Decision:
    """A pause or resume, unless the entity changed state less than dwell_minutes ago."""
    entry = s.entry
    if entry is not None and entry.status not in PENDING and entry.last_change_at is not None:
        retry_at = entry.last_change_at + timedelta(minutes=ctx.config.dwell_minutes)
        if s.now < retry_at:
            return s.keep(Reason.DWELL_TIME, asin, effect=Effect.WAIT, retry_at=retry_at)
    return Decision(entity=s.entity, action=action, reason=reason, asin=asin, monitor_only=ctx.config.mode is Mode.MONITOR)
