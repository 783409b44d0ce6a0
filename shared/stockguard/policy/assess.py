"""Whether an entity's ASINs are out, back, or in between: the conditions, before any ledger or mode logic.

Per ASIN, with the rules of the entity's ad product:
    out      available <= pause_threshold (stock rule) or Featured Offer lost (featured_offer rule)
    back     not out, and the stock rule is off, stock is unknown, or available >= resume_threshold
    between  not out, not back: the hysteresis band, no change in either direction
    unknown  nothing known about the product at all; never out, never back
With every rule of the ad product off nothing can hold an ASIN out, so every ASIN is back.
Per entity, `sb_multi_asin` says how the known ASINs combine:
    "all"  out when every ASIN is out (an unknown one counts as not out); cleared (back) when not out
           and at least one ASIN is back
    "any"  out when any known ASIN is out; cleared (back) when every known ASIN is back
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from stockguard.domain.decisions import Reason
from stockguard.policy.config import ProductRules
from stockguard.policy.product import ProductState


class Status(StrEnum):
    OUT = "out"
    BACK = "back"
    BETWEEN = "between"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class AsinView:
    asin: str
    status: Status
    stock_out: bool = False  # out because of stock (wins over the Featured Offer as the pause reason)


@dataclass(frozen=True)
class Verdict:
    """The entity-level condition and the ASINs behind it (each list in the entity's ASIN order)."""

    out: bool  # the entity's condition says pause
    back: bool  # the entity's condition says resume
    known: bool  # at least one ASIN is known
    pause_reason: Reason | None = None
    out_asins: tuple[str, ...] = ()
    back_asins: tuple[str, ...] = ()
    between_asins: tuple[str, ...] = ()
    stock_out_asins: tuple[str, ...] = ()


def condition_of(state: ProductState, *, pause_threshold: int, resume_threshold: int) -> tuple[Status | None, bool | None]:
    """What assess_asin can tell apart about a product, whatever the ad product's rules: where its stock is
    against the thresholds (None: unknown) and its Featured Offer. Two states with the same condition get
    the same status from assess_asin under every rule set, so no decision can differ between them."""
    available = state.available
    if available is None:
        zone = None
    elif available <= pause_threshold:
        zone = Status.OUT
    elif available >= resume_threshold:
        zone = Status.BACK
    else:
        zone = Status.BETWEEN
    return zone, state.featured


def assess_asin(asin: str, state: ProductState | None, rules: ProductRules, *, pause_threshold: int, resume_threshold: int) -> AsinView:
    if not rules.any_enabled:
        return AsinView(asin, Status.BACK)
    if state is None or (state.available is None and state.featured is None):
        return AsinView(asin, Status.UNKNOWN)
    available = state.available
    stock_out = rules.stock and available is not None and available <= pause_threshold
    offer_lost = rules.featured_offer and state.featured is False
    if stock_out or offer_lost:
        return AsinView(asin, Status.OUT, stock_out=stock_out)
    if not rules.stock or available is None or available >= resume_threshold:
        return AsinView(asin, Status.BACK)
    return AsinView(asin, Status.BETWEEN)


def assess_entity(
    asins: Sequence[str],
    products: Mapping[str, ProductState],
    rules: ProductRules,
    *,
    pause_threshold: int,
    resume_threshold: int,
    multi_asin: Literal["all", "any"],
) -> Verdict:
    views = [assess_asin(a, products.get(a), rules, pause_threshold=pause_threshold, resume_threshold=resume_threshold) for a in asins]
    known = [v for v in views if v.status is not Status.UNKNOWN]

    def having(status: Status) -> tuple[str, ...]:
        return tuple(v.asin for v in known if v.status is status)

    out, back, between = having(Status.OUT), having(Status.BACK), having(Status.BETWEEN)
    stock_out = tuple(v.asin for v in known if v.stock_out)
    if not known:
        return Verdict(out=False, back=False, known=False)
    # "all": every ASIN of the ad must be out; an ASIN nothing is known about may well be in stock.
    is_out = len(out) == len(views) if multi_asin == "all" else bool(out)
    if is_out:
        reason = Reason.OUT_OF_STOCK if stock_out else Reason.FEATURED_OFFER_LOST
        return Verdict(out=True, back=False, known=True, pause_reason=reason, out_asins=out, stock_out_asins=stock_out)
    cleared = bool(back) if multi_asin == "all" else len(back) == len(known)
    return Verdict(out=False, back=cleared, known=True, out_asins=out, back_asins=back, between_asins=between, stock_out_asins=stock_out)
