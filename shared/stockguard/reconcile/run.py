"""One reconcile run: for each seller and marketplace, read Amazon's own state and send what differs from
StockGuard's facts to the inventory queue, where it is decided as a notification would be.

Phases per (seller, marketplace), each a function below:

    skip?  -> read inventory (change feed since the watermark, or a full sweep) -> compare with stored facts
           -> re-check Featured Offers held lost -> publish reconcile messages -> advance the watermark

- A full sweep (no `startDateTime`) runs when there is no watermark yet (the first run, a replay), when
  the last one is `full_sweep_every` old, or when asked (`--full`). Otherwise the change feed starts at the
  watermark minus `overlap` (Amazon's summaries can trail its own changes; reading a change twice is free,
  missing one is not).
- Compare: a summary becomes a RECONCILE stock fact per SKU (spapi.inventory_api.stock_facts). It is sent
  only when it is newer than the stored fact of its SKU and says something else (quantities), or when
  StockGuard has none: an unchanged product costs no message and no decision.
- Featured Offer re-check: products whose stored offer fact says "lost" for longer than
  `offer_recheck_after` are asked about with getCompetitiveSummary (20 ASINs per call, 1 call per ~30 s):
  those first, then the oldest other offer facts to fill the last call; at most `max_offer_asins`.
- The watermark advances to the inventory call's own time only after every message was sent, so a failed
  run is repeated from the same place by the next one. Failures are counted (ReconcileFailures) and noted
  on the watermark; a run with none counts ReconcileSucceeded (the stale alarm watches it).
- Vendors: the FBA Inventory API does not serve vendor accounts (their stock signal is
  ITEM_INVENTORY_EVENT_CHANGE), so a seller entry with `"account_type": "vendor"` is skipped, with reason
  `vendor_account`, never an error.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from stockguard.domain.facts import NotificationType, OfferFact, StockFact
from stockguard.notifications.reconcile import ReconcileTrigger, build_reconcile_message
from stockguard.observability import MetricNames, MetricsSink
from stockguard.reconcile.ports import FactsPublisher, OfferFacts, WatermarkStore
from stockguard.reconcile.watermark import Watermark
from stockguard.spapi.credentials import SellerCredentials
from stockguard.spapi.errors import SpApiError
from stockguard.spapi.inventory_api import stock_facts
from stockguard.spapi.port import SpApiPull
from stockguard.spapi.pricing_api import MAX_BATCH_REQUESTS, prioritise
from stockguard.state.ports import StockStore
from stockguard.state.stock import ProductFacts

logger = logging.getLogger(__name__)

VENDOR = "vendor"


class TargetStatus(StrEnum):
    RECONCILED = "reconciled"
    SKIPPED = "skipped"
    FAILED = "failed"


@dataclass(frozen=True)
class ReconcileSettings:
    full_sweep_every: timedelta = timedelta(hours=24)
    offer_recheck_after: timedelta = timedelta(minutes=60)
    overlap: timedelta = timedelta(minutes=5)
    max_offer_asins: int = 200  # 10 getCompetitiveSummary calls: ~5 minutes at Amazon's 0.033 requests/s


@dataclass
class ReconcileServices:
    """What a run needs; `pull_for` gives the SP-API client of one seller (built once per container)."""

    sellers: Sequence[SellerCredentials]
    pull_for: Callable[[SellerCredentials], SpApiPull]
    watermarks: WatermarkStore
    stock: StockStore
    offers: OfferFacts
    publisher: FactsPublisher
    metrics: MetricsSink
    settings: ReconcileSettings = field(default_factory=ReconcileSettings)


@dataclass
class TargetResult:
    """What the run did for one (seller, marketplace)."""

    seller_id: str
    marketplace_id: str
    status: TargetStatus
    reason: str = ""  # skipped: why; failed: the error (never a secret: SpApiError messages are scrubbed)
    mode: str = ""  # full_sweep | change_feed
    summaries: int = 0  # inventory rows read
    stock_changes: int = 0  # products sent for their stock
    offer_checks: int = 0  # ASINs asked about
    offer_changes: int = 0  # products sent for their Featured Offer
    notification_ids: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "sellerId": self.seller_id,
            "marketplaceId": self.marketplace_id,
            "status": self.status.value,
            "reason": self.reason,
            "mode": self.mode,
            "summaries": self.summaries,
            "stockChanges": self.stock_changes,
            "offerChecks": self.offer_checks,
            "offerChanges": self.offer_changes,
            "messages": len(self.notification_ids),
        }


@dataclass
class ReconcileReport:
    started_at: datetime
    targets: list[TargetResult] = field(default_factory=list)

    @property
    def failed(self) -> list[TargetResult]:
        return [t for t in self.targets if t.status is TargetStatus.FAILED]

    @property
    def notification_ids(self) -> list[str]:
        return [n for t in self.targets for n in t.notification_ids]

    def as_dict(self) -> dict:
        return {
            "startedAt": self.started_at.isoformat(),
            "targets": [t.as_dict() for t in self.targets],
            "failed": len(self.failed),
            "messages": len(self.notification_ids),
        }


class ReconcileRequest(BaseModel):
    """What a manual invoke may ask for (the schedule's EventBridge event asks for nothing: extra keys are
    ignored). A malformed request raises ValueError: the invoke fails, loudly, and nothing is read."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    full: bool = False
    targets: tuple[tuple[str, str], ...] | None = None

    @classmethod
    def from_event(cls, event: Any) -> ReconcileRequest:
        if not isinstance(event, dict) or "detail-type" in event:
            return cls()
        try:
            return cls.model_validate(event)
        except ValidationError as error:
            fields = ", ".join(sorted({".".join(str(p) for p in e["loc"]) for e in error.errors()}))
            raise ValueError(f"invalid reconcile request: {fields}") from None


def targets_of(
    sellers: Sequence[SellerCredentials], only: Iterable[tuple[str, str]] | None = None
) -> list[tuple[SellerCredentials, str, str]]:
    """(credentials, seller id, marketplace) to reconcile: every seller's marketplaces, or exactly `only`
    (the pairs a replay named), each with the credentials of its seller, else of the only seller."""
    if only is None:
        return [(s, s.seller_id or "", m) for s in sellers for m in (s.marketplace_ids or ("",))]
    by_id = {s.seller_id: s for s in sellers if s.seller_id}
    fallback = sellers[0] if len(sellers) == 1 else None
    found = []
    for seller_id, marketplace_id in dict.fromkeys(only):
        credentials = by_id.get(seller_id) or fallback
        if credentials is not None:
            found.append((credentials, seller_id, marketplace_id))
    return found


def run_reconcile(
    services: ReconcileServices, *, now: datetime, full: bool = False, only: Iterable[tuple[str, str]] | None = None
) -> ReconcileReport:
    """One run over every target (see the module docstring); never raises for one target's failure."""
    report = ReconcileReport(started_at=now)
    for credentials, seller_id, marketplace_id in targets_of(services.sellers, only):
        report.targets.append(_reconcile_target(services, credentials, seller_id, marketplace_id, now=now, full=full))
    failed = len(report.failed)
    if failed:
        services.metrics.count(MetricNames.RECONCILE_FAILURES, failed)
    else:
        services.metrics.count(MetricNames.RECONCILE_SUCCEEDED)
    return report


def _reconcile_target(
    services: ReconcileServices, credentials: SellerCredentials, seller_id: str, marketplace_id: str, *, now: datetime, full: bool
) -> TargetResult:
    skipped = _skip_reason(credentials, seller_id, marketplace_id)
    if skipped:
        logger.info("reconcile skipped", extra={"seller_id": seller_id, "marketplace_id": marketplace_id, "reason": skipped})
        return TargetResult(seller_id, marketplace_id, TargetStatus.SKIPPED, reason=skipped)
    result = TargetResult(seller_id, marketplace_id, TargetStatus.RECONCILED)
    try:
        pull = services.pull_for(credentials)
        watermark = services.watermarks.get(seller_id, marketplace_id) or Watermark(seller_id, marketplace_id)
        called_at, bodies = _read_inventory(services, pull, watermark, result, now=now, full=full)
        bodies += _recheck_offers(services, pull, result, now=now)
        services.publisher.publish(bodies)
        services.watermarks.advance(_advanced(watermark, called_at, full_sweep=result.mode == ReconcileTrigger.FULL_SWEEP, now=now))
    except (SpApiError, RuntimeError, OSError) as error:  # one target's failure never stops the others
        message = f"{type(error).__name__}: {error}"[:300]
        logger.warning("reconcile failed", extra={"seller_id": seller_id, "marketplace_id": marketplace_id, "error": message})
        result.status, result.reason, result.notification_ids = TargetStatus.FAILED, message, []
        _note_failure(services, seller_id, marketplace_id, now, message)
        return result
    logger.info("reconciled", extra=result.as_dict())
    return result


def _skip_reason(credentials: SellerCredentials, seller_id: str, marketplace_id: str) -> str:
    if credentials.account_type == VENDOR:
        return "vendor_account"  # the FBA Inventory API does not serve vendors (ITEM_INVENTORY_EVENT_CHANGE does)
    if not seller_id:
        return "seller_id_unknown"  # the one-seller secret shape without seller_id: name it, or use `sellers`
    if not marketplace_id:
        return "no_marketplace_ids"
    return ""


def _note_failure(services: ReconcileServices, seller_id: str, marketplace_id: str, now: datetime, message: str) -> None:
    try:
        services.watermarks.record_failure(seller_id, marketplace_id, at=now, error=message)
    except Exception:  # the failure is already counted and logged; its note is best effort
        logger.exception("could not note the reconcile failure")


def _advanced(watermark: Watermark, called_at: datetime, *, full_sweep: bool, now: datetime) -> Watermark:
    return Watermark(
        seller_id=watermark.seller_id,
        marketplace_id=watermark.marketplace_id,
        since=called_at,
        last_full_sweep_at=called_at if full_sweep else watermark.last_full_sweep_at,
        last_success_at=now,
        last_failure_at=watermark.last_failure_at,
    )


# -- inventory -------------------------------------------------------------------------------------------


def _read_inventory(
    services: ReconcileServices, pull: SpApiPull, watermark: Watermark, result: TargetResult, *, now: datetime, full: bool
) -> tuple[datetime, list[str]]:
    """(the call's time: the next watermark, the messages of the products whose stock differs)."""
    sweep = full or watermark.full_sweep_due(now, services.settings.full_sweep_every)
    since = None if sweep or watermark.since is None else watermark.since - services.settings.overlap
    result.mode = (ReconcileTrigger.FULL_SWEEP if since is None else ReconcileTrigger.CHANGE_FEED).value
    snapshot = pull.inventory_summaries(result.marketplace_id, since=since)
    result.summaries = len(snapshot.summaries)
    by_product: dict[str, list[StockFact]] = defaultdict(list)
    for fact in stock_facts(snapshot, result.seller_id):
        by_product[fact.product.id].append(fact)
    stored = services.stock.load_many([facts[0].product for facts in by_product.values()], upgrade=False) if by_product else {}
    bodies = []
    for product_id, facts in by_product.items():
        changed = [f for f in facts if _stock_differs(f, stored.get(product_id))]
        if changed:
            notification_id, body = build_reconcile_message(changed[0].product, trigger=ReconcileTrigger(result.mode), stock=changed)
            result.notification_ids.append(notification_id)
            result.stock_changes += 1
            bodies.append(body)
    return snapshot.called_at, bodies


def _quantities(fact: StockFact) -> tuple:
    return (fact.fulfillable, fact.inbound, fact.reserved, fact.future_supply_buyable)


def _stock_differs(fact: StockFact, stored: ProductFacts | None) -> bool:
    """Newer than the stored fact of its SKU and saying something else, or the SKU has none."""
    known = [f for f in (stored.stock if stored else ()) if f.sku == fact.sku]
    if not known:
        return True
    latest = max(known, key=lambda f: (f.event_time, f.notification_id))
    return fact.event_time > latest.event_time and _quantities(fact) != _quantities(latest)


# -- Featured Offer --------------------------------------------------------------------------------------


def _recheck_offers(services: ReconcileServices, pull: SpApiPull, result: TargetResult, *, now: datetime) -> list[str]:
    """Ask Amazon about the Featured Offers StockGuard holds lost (and the oldest others, to fill a call)."""
    settings = services.settings
    facts = {f.product.asin: f for f in services.offers.offer_facts(result.seller_id, result.marketplace_id)}
    lost = [f for f in facts.values() if f.featured is False and now - f.event_time >= settings.offer_recheck_after]
    if not lost:
        return []
    limit = min(settings.max_offer_asins, -(-len(lost) // MAX_BATCH_REQUESTS) * MAX_BATCH_REQUESTS)
    held = {f.product.asin for f in lost}
    candidates = [(asin, asin in held, now - f.event_time) for asin, f in facts.items()]
    asins = prioritise(candidates, limit=limit)
    result.offer_checks = len(asins)
    bodies = []
    for asin, status in pull.competitive_summary(result.marketplace_id, asins).items():
        stored = facts.get(asin)
        if status.featured is None or stored is None or status.featured == stored.featured:
            continue  # unknown is never "lost" nor "regained"; the same answer changes nothing
        fact = OfferFact(
            product=stored.product,
            featured=status.featured,
            source=NotificationType.RECONCILE,
            detail=status.detail,
            event_time=now,
            notification_id="",
        )
        notification_id, body = build_reconcile_message(stored.product, trigger=ReconcileTrigger.OFFER_RECHECK, offer=fact)
        result.notification_ids.append(notification_id)
        result.offer_changes += 1
        bodies.append(body)
    return bodies
