"""The policy's output: for each entity keep, pause or resume, a machine-readable reason, and the effect.

`action` and `reason` are what the audit, the metrics and the CLI say; `effect` is what the executor does.
The effect is explicit so that no caller decodes reasons into work (a KEEP can still mean a ledger write).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, model_validator

from stockguard.domain.ads import AdEntity


class Action(StrEnum):
    KEEP = "keep"
    PAUSE = "pause"
    RESUME = "resume"


class Effect(StrEnum):
    """What carrying out a decision means (stockguard.pipeline.execute applies each)."""

    PAUSE = "pause"  # re-read, ledger intent, PUT PAUSED, audit, index, ledger result
    RESUME = "resume"  # re-read, ledger intent, PUT ENABLED (an operator's ENABLED: release), audit, index, ledger
    REPORT = "report"  # monitor mode: audit and report the would-be change, send nothing
    MARK_OVERRIDDEN = "mark_overridden"  # we hold a pause yet the index says ENABLED: re-read, then OVERRIDDEN
    RELEASE = "release"  # an overridden episode is over: OVERRIDDEN -> RELEASED, no Ads API call
    WAIT = "wait"  # held back by the dwell time: decide again at retry_at
    NONE = "none"  # nothing to do


class Reason(StrEnum):
    # pause
    OUT_OF_STOCK = "out_of_stock"  # available <= pause_threshold
    FEATURED_OFFER_LOST = "featured_offer_lost"
    # resume
    BACK_IN_STOCK = "back_in_stock"  # available >= resume_threshold and offer not lost
    FEATURED_OFFER_REGAINED = "featured_offer_regained"
    CONDITIONS_CLEARED = "conditions_cleared"  # every pause reason cleared
    # keep
    NO_CHANGE = "no_change"
    HYSTERESIS = "hysteresis"  # between thresholds: no state change
    DWELL_TIME = "dwell_time"  # last change too recent; re-evaluated later
    NOT_PAUSED_BY_STOCKGUARD = "not_paused_by_stockguard"
    OPERATOR_OVERRIDE = "operator_override"  # operator re-enabled what we paused: leave it this episode
    ALREADY_PAUSED = "already_paused"
    ENTITY_NOT_ACTIVE = "entity_not_active"  # archived, pending review, …
    OTHER_ASINS_AVAILABLE = "other_asins_available"  # SB multi-ASIN ad, rule "all"
    STOCK_UNKNOWN = "stock_unknown"
    PAUSE_ONLY_MODE = "pause_only_mode"
    MARKETPLACE_NOT_ALLOWED = "marketplace_not_allowed"
    ASIN_EXCLUDED = "asin_excluded"
    RULE_DISABLED = "rule_disabled"


class Decision(BaseModel):
    model_config = ConfigDict(frozen=True)

    entity: AdEntity
    action: Action
    reason: Reason
    asin: str
    # What the executor does; omitted, it follows from the action (pause/resume, monitor: report, keep: none).
    effect: Effect | None = None
    # When the effect is WAIT (dwell time): the event time at which to decide again.
    retry_at: datetime | None = None
    # Monitor mode: the action the policy would take (audited, never sent).
    monitor_only: bool = False

    @model_validator(mode="after")
    def _effect_matches_action(self) -> Decision:
        """A change's effect is its action (REPORT in monitor mode); a keep's is never a state change."""
        if self.action is Action.KEEP:
            allowed = {Effect.NONE, Effect.MARK_OVERRIDDEN, Effect.RELEASE, Effect.WAIT}
            default = Effect.WAIT if self.retry_at is not None else Effect.NONE
        else:
            default = Effect.REPORT if self.monitor_only else Effect(self.action.value)
            allowed = {default}
        effect = self.effect or default
        if effect not in allowed:
            raise ValueError(f"effect {effect.value} does not go with action {self.action.value}")
        if (effect is Effect.WAIT) != (self.retry_at is not None):
            raise ValueError("a WAIT effect needs retry_at, and only it has one")
        object.__setattr__(self, "effect", effect)
        return self

    @property
    def what(self) -> Effect:
        """The effect (always set once validated)."""
        assert self.effect is not None
        return self.effect
