"""Reconcile messages through the notifications' own pipeline (in-memory stores, fake Ads API): a lost
restock is resumed, a lost stock-out paused, each counted as drift; a late notification older than the
reconcile fact changes nothing; a newer notification wins; a repeated run decides once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from stockguard.domain.ads import EntityState
from stockguard.domain.facts import NotificationType, OfferFact, ProductKey, StockFact
from stockguard.domain.ledger import LedgerStatus
from stockguard.notifications.reconcile import ReconcileTrigger, build_reconcile_message
from stockguard.observability import MetricNames
from stockguard.policy import StockGuardConfig
from tests.integration.pipeline.conftest import ASIN
from tests.support.notifications import SELLER, T0, US, any_offer_changed, fba
from tests.unit.pipeline.test_effects import ledger_status, run, world

pytestmark = pytest.mark.unit

P, E = EntityState.PAUSED, EntityState.ENABLED
PRODUCT = ProductKey(account_id=SELLER, marketplace_id=US, asin=ASIN)


def reconciled(fulfillable: int, *, minutes: float) -> str:
    fact = StockFact(
        product=PRODUCT, sku="SELLERSKU-1", source=NotificationType.RECONCILE, fulfillable=fulfillable,
        event_time=T0 + timedelta(minutes=minutes), notification_id="",
    )  # fmt: skip
    return build_reconcile_message(PRODUCT, trigger=ReconcileTrigger.CHANGE_FEED, stock=[fact])[1]


def offer_rechecked(featured: bool, *, minutes: float) -> str:
    fact = OfferFact(
        product=PRODUCT,
        featured=featured,
        source=NotificationType.RECONCILE,
        event_time=T0 + timedelta(minutes=minutes),
        notification_id="",
    )
    return build_reconcile_message(PRODUCT, trigger=ReconcileTrigger.OFFER_RECHECK, offer=fact)[1]


def drift(w) -> dict[str, float]:
    return {label: n for (name, label), n in w.services.metrics.by_label.items() if name == MetricNames.RECONCILE_DRIFT}


def test_a_lost_restock_is_resumed_by_the_reconcile_fact_and_counted_as_drift():
    # Given StockGuard paused the ASIN's ads for a stock-out, and the restock notification never came
    w = world(StockGuardConfig(dwell_minutes=0))
    run(w, fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="n-out"))
    assert w.state("sp-1") is P
    # When the reconcile message says 40 units since minute 30
    result = run(w, reconciled(40, minutes=30))
    # Then StockGuard's ads run again (the operator's stays paused), the ledger is released, drift is one missed restock
    assert (w.state("sp-1"), w.state("sp-operator")) == (E, P)
    assert ledger_status(w, "sp-1") is LedgerStatus.RELEASED
    assert result.drift == {"missed_restock": 1} and drift(w) == {"missed_restock": 1}
    # And the audit names the reconcile as the source of the change
    resumed = [a for a in w.services.audit.for_asin(US, ASIN) if a.entity_id == "sp-1" and a.to_state == "ENABLED"]
    assert resumed and resumed[0].notification_id.startswith("reconcile:")


def test_a_lost_stock_out_is_paused_and_counted_once_for_the_product():
    w = world()
    result = run(w, reconciled(0, minutes=5))
    assert w.state("sp-1") is P and w.state("sd-1") is P
    assert result.drift == {"missed_stock_out": 1}


def test_a_late_notification_older_than_the_reconcile_fact_changes_nothing():
    # Given the reconcile resumed the ads on a fact of minute 30
    w = world(StockGuardConfig(dwell_minutes=0))
    run(w, fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="n-out"))
    run(w, reconciled(40, minutes=30))
    w.ads.set_calls.clear()
    # When a late stock-out notification of minute 20 arrives
    result = run(w, fba(ASIN, "SELLERSKU-1", 0, minutes=20, nid="n-late"))
    # Then nothing changes: the newer reconcile fact stands
    assert w.ads.set_calls == [] and w.state("sp-1") is E and not result.drift


def test_a_newer_notification_after_the_reconcile_wins_and_is_not_drift():
    w = world(StockGuardConfig(dwell_minutes=0))
    run(w, reconciled(40, minutes=0))
    # When a stock-out notification of minute 10 arrives
    result = run(w, fba(ASIN, "SELLERSKU-1", 0, minutes=10, nid="n-newer"))
    # Then it pauses, as notifications do, and counts no drift
    assert w.state("sp-1") is P and result.drift == {}


def test_a_repeated_reconcile_message_is_decided_once():
    w = world(StockGuardConfig(dwell_minutes=0))
    run(w, fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="n-out"))
    body = reconciled(40, minutes=30)
    first = run(w, body)
    second = run(w, body)
    assert first.drift == {"missed_restock": 1} and second.drift == {} and second.duplicates == 1


def test_a_regained_featured_offer_found_by_the_recheck_resumes_and_is_an_offer_mismatch():
    # Given the ads were paused because another seller won the Featured Offer
    w = world(StockGuardConfig(dwell_minutes=0))
    run(w, fba(ASIN, "SELLERSKU-1", 50, minutes=0, nid="n-stock"))
    run(w, any_offer_changed(ASIN, we_win=False, minutes=1, nid="n-lost"))
    assert w.state("sp-1") is P
    # When the re-check finds the offer is ours again (the notification saying so never came)
    result = run(w, offer_rechecked(True, minutes=90))
    # Then the ads run again and the drift is an offer mismatch
    assert w.state("sp-1") is E and result.drift == {"offer_mismatch": 1}
