"""The reconcile run (stockguard.reconcile.run) against in-memory stores and a fake SP-API: which products
it sends, when it sweeps, how its watermark moves, and what it skips or fails (no sockets)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from stockguard.domain.facts import NotificationType, OfferFact, ProductKey, StockFact
from stockguard.observability import MetricNames, RecordingMetrics
from stockguard.reconcile.run import ReconcileRequest, ReconcileServices, ReconcileSettings, TargetStatus, run_reconcile
from stockguard.spapi.credentials import SellerCredentials
from stockguard_dev.memory import MemoryStockStore
from stockguard_dev.memory.reconcile import MemoryOfferFacts, MemoryPublisher, MemoryWatermarks
from tests.unit.reconcile.fakes import FakePull, summary, throttled

pytestmark = pytest.mark.unit

SELLER, US, UK = "A1SELLER", "ATVPDKIKX0DER", "A1F83G8C2ARO7P"
T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def credentials(*marketplaces: str, account_type: str = "seller", seller_id: str | None = SELLER) -> SellerCredentials:
    return SellerCredentials.model_validate(
        {
            "client_id": "amzn1.application-oa2-client.x",
            "client_secret": "secret",
            "refresh_token": "Atzr|token",
            "seller_id": seller_id,
            "region": "na",
            "marketplace_ids": list(marketplaces or (US,)),
            "account_type": account_type,
        }
    )


class World:
    def __init__(self, *sellers: SellerCredentials, settings: ReconcileSettings | None = None) -> None:
        self.pull = FakePull(now=T0)
        self.stock = MemoryStockStore()
        self.watermarks = MemoryWatermarks()
        self.publisher = MemoryPublisher()
        self.metrics = RecordingMetrics()
        self.services = ReconcileServices(
            sellers=list(sellers or (credentials(),)),
            pull_for=lambda _: self.pull,
            watermarks=self.watermarks,
            stock=self.stock,
            offers=MemoryOfferFacts(self.stock),
            publisher=self.publisher,
            metrics=self.metrics,
            settings=settings or ReconcileSettings(),
        )

    def run(self, *, at: datetime = T0, **kwargs):
        self.pull.now = at
        return run_reconcile(self.services, now=at, **kwargs)

    def notified(self, asin: str, sku: str, fulfillable: int, at: datetime, nid: str) -> None:
        product = ProductKey(account_id=SELLER, marketplace_id=US, asin=asin)
        fact = StockFact(
            product=product, sku=sku, source=NotificationType.FBA_INVENTORY_AVAILABILITY_CHANGES,
            fulfillable=fulfillable, event_time=at, notification_id=nid,
        )  # fmt: skip
        self.stock.record(product, [fact])

    def offer_noted(self, asin: str, featured: bool, at: datetime) -> None:
        product = ProductKey(account_id=SELLER, marketplace_id=US, asin=asin)
        fact = OfferFact(
            product=product, featured=featured, source=NotificationType.ANY_OFFER_CHANGED, event_time=at, notification_id=f"o-{asin}"
        )
        self.stock.record(product, [fact])

    def sent(self) -> list[dict]:
        return [json.loads(b) for b in self.publisher.bodies]


def test_a_first_run_is_a_full_sweep_that_sends_the_restock_stockguard_missed():
    # Given StockGuard last heard "0 units" at T0 - 2 h, and Amazon says 40 since T0 - 1 h (the restock notification was lost)
    w = World()
    w.notified("B0RESTOCK", "SKU-R", 0, T0 - timedelta(hours=2), "n-out")
    w.pull.rows[US] = [summary("SKU-R", "B0RESTOCK", 40, T0 - timedelta(hours=1))]
    # When the first reconcile runs
    report = w.run()
    # Then it swept everything (no watermark yet), sent the product's new stock fact, and stored the watermark
    assert w.pull.calls == [("getInventorySummaries", None)]
    (target,) = report.targets
    assert (target.status, target.mode, target.summaries, target.stock_changes) == (TargetStatus.RECONCILED, "full_sweep", 1, 1)
    (message,) = w.sent()
    assert message["notificationType"] == "STOCKGUARD_RECONCILE" and message["trigger"] == "full_sweep"
    assert (message["sellerId"], message["marketplaceId"], message["asin"]) == (SELLER, US, "B0RESTOCK")
    assert message["stock"] == [
        {
            "sellerSku": "SKU-R",
            "fulfillable": 40,
            "inbound": 0,
            "reserved": 0,
            "futureSupplyBuyable": 0,
            "eventTime": "2026-11-02T07:00:00.000Z",
        }
    ]
    assert message["notificationId"] == f"reconcile:{SELLER}:{US}:B0RESTOCK:stock:2026-11-02T07:00:00.000Z"
    mark = w.watermarks.get(SELLER, US)
    assert mark is not None and (mark.since, mark.last_full_sweep_at, mark.last_success_at) == (T0, T0, T0)
    assert w.metrics.counts[MetricNames.RECONCILE_SUCCEEDED] == 1 and MetricNames.RECONCILE_FAILURES not in w.metrics.counts


def test_unchanged_older_and_already_known_stock_sends_nothing():
    # Given three products: same quantity as stored, Amazon's row older than the stored notification, and a newer equal row
    w = World()
    w.notified("B0SAME", "SKU-S", 5, T0 - timedelta(hours=1), "n-same")
    w.notified("B0OLDER", "SKU-O", 0, T0 - timedelta(minutes=10), "n-newer-notification")
    w.pull.rows[US] = [
        summary("SKU-S", "B0SAME", 5, T0 - timedelta(minutes=5)),
        summary("SKU-O", "B0OLDER", 30, T0 - timedelta(hours=3)),
    ]
    # When the reconcile runs
    report = w.run()
    # Then nothing is sent: equal quantities change nothing, and an older row would lose to the newer notification anyway
    assert w.sent() == [] and report.targets[0].stock_changes == 0 and report.targets[0].summaries == 2


def test_the_next_run_reads_the_change_feed_from_the_watermark_with_an_overlap_and_sweeps_again_after_a_day():
    w = World(settings=ReconcileSettings(full_sweep_every=timedelta(hours=24), overlap=timedelta(minutes=5)))
    w.run()
    # When the next run comes 30 minutes later
    report = w.run(at=T0 + timedelta(minutes=30))
    # Then it asked for the changes since the watermark minus the overlap
    assert w.pull.calls[-1] == ("getInventorySummaries", T0 - timedelta(minutes=5))
    assert report.targets[0].mode == "change_feed"
    # When a run comes 24 hours after the last full sweep
    report = w.run(at=T0 + timedelta(hours=24))
    # Then it is a full sweep again
    assert w.pull.calls[-1] == ("getInventorySummaries", None) and report.targets[0].mode == "full_sweep"
    mark = w.watermarks.get(SELLER, US)
    assert mark is not None and mark.last_full_sweep_at == T0 + timedelta(hours=24)


def test_full_forces_a_sweep():
    w = World()
    w.run()
    w.run(at=T0 + timedelta(minutes=30), full=True)
    assert w.pull.calls[-1] == ("getInventorySummaries", None)


def test_a_throttled_read_fails_that_pair_only_keeps_the_watermark_and_counts_the_failure():
    # Given two marketplaces reconciled once
    w = World(credentials(US, UK))
    w.run()
    before = w.watermarks.get(SELLER, US)
    # When the next run's reads are throttled past the client's retries
    w.pull.fail_with = throttled()
    report = w.run(at=T0 + timedelta(minutes=30))
    # Then both pairs failed (named), nothing was sent, the watermarks stayed, and the failures are counted
    assert [t.status for t in report.targets] == [TargetStatus.FAILED, TargetStatus.FAILED]
    assert "throttled" in report.targets[0].reason
    mark = w.watermarks.get(SELLER, US)
    assert mark is not None and mark.since == before.since and mark.last_failure_at == T0 + timedelta(minutes=30)
    assert w.metrics.counts[MetricNames.RECONCILE_FAILURES] == 2 and w.metrics.counts[MetricNames.RECONCILE_SUCCEEDED] == 1
    # When the SP-API recovers
    w.pull.fail_with = None
    w.run(at=T0 + timedelta(hours=1))
    # Then the change feed starts where the last successful run left it
    assert w.pull.calls[-1] == ("getInventorySummaries", T0 - timedelta(minutes=5))


def test_messages_that_could_not_be_sent_keep_the_watermark():
    w = World()
    w.notified("B0X", "SKU-X", 0, T0 - timedelta(hours=2), "n-out")
    w.pull.rows[US] = [summary("SKU-X", "B0X", 9, T0 - timedelta(hours=1))]
    w.publisher.fail_next = True
    report = w.run()
    assert report.targets[0].status is TargetStatus.FAILED and w.watermarks.get(SELLER, US).since is None
    # And the retry sends the same NotificationId (dedup then decides it once)
    again = w.run(at=T0 + timedelta(minutes=30))
    assert again.targets[0].notification_ids == [f"reconcile:{SELLER}:{US}:B0X:stock:2026-11-02T07:00:00.000Z"]


def test_a_vendor_account_is_skipped_with_a_reason_and_never_read():
    w = World(credentials(account_type="vendor"), credentials(UK, seller_id=None))
    report = w.run()
    assert [(t.status, t.reason) for t in report.targets] == [
        (TargetStatus.SKIPPED, "vendor_account"),
        (TargetStatus.SKIPPED, "seller_id_unknown"),
    ]
    assert w.pull.calls == [] and w.metrics.counts[MetricNames.RECONCILE_SUCCEEDED] == 1


def test_only_the_named_pairs_are_reconciled_with_the_only_sellers_credentials():
    # Given the one-seller credentials shape (no seller id) and a replay that named one pair
    w = World(credentials(seller_id=None))
    report = w.run(only=[(SELLER, UK)])
    assert [(t.seller_id, t.marketplace_id, t.status) for t in report.targets] == [(SELLER, UK, TargetStatus.RECONCILED)]


def test_featured_offers_held_lost_are_rechecked_after_the_wait_and_a_regained_one_is_sent():
    # Given offers lost 2 h ago (B0LOST) and 10 min ago (B0RECENT), and one held (B0HELD)
    w = World(settings=ReconcileSettings(offer_recheck_after=timedelta(minutes=60)))
    w.offer_noted("B0LOST", False, T0 - timedelta(hours=2))
    w.offer_noted("B0RECENT", False, T0 - timedelta(minutes=10))
    w.offer_noted("B0HELD", True, T0 - timedelta(hours=5))
    w.pull.featured = {"B0LOST": True, "B0RECENT": True, "B0HELD": True}
    # When the reconcile runs
    report = w.run()
    # Then one call asked about the long-lost one first, then the oldest other fact to fill the call
    (call,) = [c for c in w.pull.calls if c[0] == "getCompetitiveSummary"]
    assert call[1][0] == "B0LOST" and set(call[1]) == {"B0LOST", "B0RECENT", "B0HELD"}
    # And only the changes are sent: B0LOST and B0RECENT regained (B0HELD unchanged)
    offers = {m["asin"]: m["offer"] for m in w.sent()}
    assert offers == {
        "B0LOST": {"featured": True, "detail": "own_offer_featured", "eventTime": "2026-11-02T08:00:00.000Z"},
        "B0RECENT": {"featured": True, "detail": "own_offer_featured", "eventTime": "2026-11-02T08:00:00.000Z"},
    }
    assert report.targets[0].offer_changes == 2 and report.targets[0].offer_checks == 3


def test_no_offer_call_when_nothing_is_held_lost_long_enough():
    w = World()
    w.offer_noted("B0RECENT", False, T0 - timedelta(minutes=10))
    w.run()
    assert [c for c in w.pull.calls if c[0] == "getCompetitiveSummary"] == []


def test_a_malformed_manual_request_is_refused_and_the_schedule_event_asks_nothing():
    assert ReconcileRequest.from_event({"detail-type": "Scheduled Event", "detail": {}}) == ReconcileRequest()
    assert ReconcileRequest.from_event({"full": True, "targets": [[SELLER, US]]}).targets == ((SELLER, US),)
    with pytest.raises(ValueError, match="invalid reconcile request: targets"):
        ReconcileRequest.from_event({"targets": "everything"})
