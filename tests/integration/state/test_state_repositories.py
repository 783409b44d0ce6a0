"""DynamoDB adapters against moto: conditional writes, ordering, dedup, ledger transitions, audit."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from stockguard.domain.ads import AdProduct, EntityRef, EntityType
from stockguard.domain.facts import NotificationType, OfferFact, ProductKey, StockFact
from stockguard.domain.ledger import LedgerStatus
from stockguard.domain.outcomes import Outcome
from stockguard.state.audit import AuditEntry, AuditLog
from stockguard.state.dedup import DedupRepository
from stockguard.state.ledger import LedgerRepository
from stockguard.state.stock import StockRepository

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
PRODUCT = ProductKey(account_id="A3TH9S8BH6GOGM", marketplace_id="ATVPDKIKX0DER", asin="B00001ABCD")
REF = EntityRef(profile_id="1001", ad_product=AdProduct.SP, entity_type=EntityType.AD, entity_id="ad-1")


def fba(qty: int, minutes: int, nid: str, sku: str = "SKU-1") -> StockFact:
    return StockFact(
        product=PRODUCT,
        sku=sku,
        source=NotificationType.FBA_INVENTORY_AVAILABILITY_CHANGES,
        fulfillable=qty,
        event_time=T0 + timedelta(minutes=minutes),
        notification_id=nid,
    )


def test_newer_fact_wins_whatever_the_order(aws_stack):
    repo = StockRepository(aws_stack.tables["StockStateTable"])
    # Given a newer fact stored first, When an older one arrives, Then it is ignored.
    assert repo.record_stock(fba(0, 10, "n-new"))
    assert not repo.record_stock(fba(50, 5, "n-old"))
    assert not repo.record_stock(fba(0, 10, "n-new")), "the same notification twice changes nothing"
    facts = repo.load(PRODUCT)
    assert [f.fulfillable for f in facts.stock] == [0]
    assert facts.skus == ("SKU-1",)


def test_each_sku_keeps_its_own_fact(aws_stack):
    repo = StockRepository(aws_stack.tables["StockStateTable"])
    repo.record_stock(fba(3, 1, "a", sku="SKU-1"))
    repo.record_stock(fba(4, 1, "b", sku="SKU-2"))
    assert sorted(f.fulfillable for f in repo.load(PRODUCT).stock) == [3, 4]


def test_racing_writers_cannot_lose_the_newest_fact(aws_stack):
    repo = StockRepository(aws_stack.tables["StockStateTable"])
    facts = [fba(i, i, f"n-{i:03d}") for i in range(40)]
    threads = [threading.Thread(target=repo.record_stock, args=(f,)) for f in reversed(facts)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert repo.load(PRODUCT).stock[0].fulfillable == 39


def test_unknown_offer_never_replaces_known(aws_stack):
    repo = StockRepository(aws_stack.tables["StockStateTable"])
    lost = OfferFact(product=PRODUCT, featured=False, source=NotificationType.ANY_OFFER_CHANGED, event_time=T0, notification_id="o1")
    unknown = lost.model_copy(update={"featured": None, "event_time": T0 + timedelta(minutes=1), "notification_id": "o2"})
    assert repo.record_offer(lost)
    assert not repo.record_offer(unknown)
    assert repo.load(PRODUCT).offer.featured is False


def test_dedup_marks_and_finds(aws_stack):
    repo = DedupRepository(aws_stack.tables["DedupTable"])
    assert repo.seen(["x", "y"]) == set()
    repo.mark(["x"], now=T0)
    assert repo.seen(["x", "y"]) == {"x"}
    many = [f"id-{i}" for i in range(250)]
    repo.mark(many, now=T0)
    assert repo.seen(many + ["nope"]) == set(many)


def test_ledger_lifecycle_and_conditions(aws_stack):
    ledger = LedgerRepository(aws_stack.tables["LedgerTable"])
    # resume is impossible without a pause StockGuard holds
    assert not ledger.intend_resume(REF, asin="B0", reason="conditions_cleared", notification_id="n", now=T0)
    assert ledger.intend_pause(REF, asin="B00001ABCD", reason="out_of_stock", notification_id="n1", now=T0)
    assert ledger.intend_pause(REF, asin="B00001ABCD", reason="out_of_stock", notification_id="n1", now=T0), (
        "a retry may renew its own intent"
    )
    assert ledger.confirm_pause(REF, now=T0)
    assert not ledger.intend_pause(REF, asin="B00001ABCD", reason="out_of_stock", notification_id="n2", now=T0)
    entry = ledger.get(REF)
    assert entry.status is LedgerStatus.PAUSED and entry.last_change_at == T0 and entry.holds_pause
    assert ledger.intend_resume(REF, asin="B0", reason="conditions_cleared", notification_id="n3", now=T0)
    assert ledger.cancel_resume(REF)
    assert ledger.get(REF).status is LedgerStatus.PAUSED
    assert ledger.mark_overridden(REF, now=T0)
    assert not ledger.intend_resume(REF, asin="B0", reason="conditions_cleared", notification_id="n4", now=T0), (
        "overridden: never resumed by StockGuard"
    )
    assert ledger.release(REF, now=T0)
    assert ledger.get(REF).status is LedgerStatus.RELEASED
    assert [e.ref for e in ledger.all_held()] == []
    assert set(ledger.get_many([REF])) == {REF.id}


def test_audit_queryable_per_asin_and_day(aws_stack):
    audit = AuditLog(aws_stack.tables["AuditTable"])
    entry = AuditEntry(
        at=T0,
        account_id="A",
        marketplace_id="ATVPDKIKX0DER",
        asin="B00001ABCD",
        profile_id="1001",
        ad_product="SP",
        entity_type="ad",
        entity_id="ad-1",
        from_state="ENABLED",
        to_state="PAUSED",
        reason="out_of_stock",
        notification_id="n1",
        result="applied",
    )
    audit.record([entry, entry.model_copy(update={"at": T0 + timedelta(hours=1), "result": Outcome.FAILED})])
    assert [e.result for e in audit.for_asin("ATVPDKIKX0DER", "B00001ABCD")] == ["failed", "applied"]
    assert len(audit.for_day("2026-11-01")) == 2
