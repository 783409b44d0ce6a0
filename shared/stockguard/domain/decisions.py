"""The policy's output: for each entity keep, pause or resume, with a machine-readable reason."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from stockguard.domain.ads import AdEntity


class Action(StrEnum):
    KEEP = "keep"
    PAUSE = "pause"
    RESUME = "resume"


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
    # When action is KEEP because of the dwell time: the event time at which to decide again.
    retry_at: datetime | None = None
    # Monitor mode: the action the policy would take (audited, never sent).
    monitor_only: bool = False
