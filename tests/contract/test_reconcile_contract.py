"""Reconcile ports' contract (stockguard.reconcile.ports) on both backends: watermarks (ReconcileTable),
the offer facts the Featured Offer re-check reads (StockStateTable), the published messages (the
inventory queue)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import boto3
import pytest

from stockguard.domain.facts import NotificationType, OfferFact, ProductKey, StockFact
from stockguard.reconcile.offers import StoredOfferFacts
from stockguard.reconcile.ports import FactsPublisher, OfferFacts, WatermarkStore
from stockguard.reconcile.publisher import SqsFactsPublisher
from stockguard.reconcile.watermark import Watermark
from stockguard.reconcile.watermarks import WatermarkRepository
from stockguard.state.ports import StockStore
from stockguard.state.stock import StockRepository
from stockguard_dev.memory import MemoryStockStore
from stockguard_dev.memory.reconcile import MemoryOfferFacts, MemoryPublisher, MemoryWatermarks
from tests.contract.backends import MEMORY, REGION, provision_only

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
SELLER, MARKETPLACE = "A1SELLER", "ATVPDKIKX0DER"


@pytest.fixture
def watermarks(backend: str) -> WatermarkStore:
    if backend == MEMORY:
        return MemoryWatermarks()
    return WatermarkRepository(provision_only("ReconcileTable").tables["ReconcileTable"])


@dataclass
class OfferWorld:
    stock: StockStore
    offers: OfferFacts


@pytest.fixture
def offer_world(backend: str) -> OfferWorld:
    if backend == MEMORY:
        memory = MemoryStockStore()
        return OfferWorld(memory, MemoryOfferFacts(memory))
    table = provision_only("StockStateTable").tables["StockStateTable"]
    return OfferWorld(StockRepository(table), StoredOfferFacts(table))


@dataclass
class Published:
    publisher: FactsPublisher
    bodies: Callable[[], list[str]]


@pytest.fixture
def published(backend: str) -> Published:
    if backend == MEMORY:
        memory = MemoryPublisher()
        return Published(memory, lambda: list(memory.bodies))
    url = provision_only("InventoryNotificationsDLQ", "InventoryNotificationsQueue").queues["InventoryNotificationsQueue"]
    sqs = boto3.client("sqs", region_name=REGION)

    def bodies() -> list[str]:
        found: list[str] = []
        while batch := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, VisibilityTimeout=600).get("Messages", []):
            found += [m["Body"] for m in batch]
        return found

    return Published(SqsFactsPublisher(url, client=sqs), bodies)


def test_an_unknown_pair_has_no_watermark_and_a_run_stores_one(watermarks: WatermarkStore):
    # Given no run yet
    assert watermarks.get(SELLER, MARKETPLACE) is None
    # When a full sweep succeeds
    mark = Watermark(SELLER, MARKETPLACE, since=T0, last_full_sweep_at=T0, last_success_at=T0 + timedelta(seconds=3))
    assert watermarks.advance(mark) is True
    # Then it is read back as stored, and listed
    assert watermarks.get(SELLER, MARKETPLACE) == mark
    assert watermarks.all() == [mark]


def test_a_watermark_never_moves_back(watermarks: WatermarkStore):
    # Given a run that read up to T0 + 1 h
    later = Watermark(SELLER, MARKETPLACE, since=T0 + timedelta(hours=1), last_success_at=T0 + timedelta(hours=1))
    watermarks.advance(later)
    # When a slower run that read up to T0 finishes afterwards
    accepted = watermarks.advance(Watermark(SELLER, MARKETPLACE, since=T0, last_success_at=T0 + timedelta(hours=2)))
    # Then it is refused and the later watermark stays
    assert accepted is False
    assert watermarks.get(SELLER, MARKETPLACE) == later


def test_a_failure_is_noted_without_moving_the_watermark_and_cleared_by_the_next_success(watermarks: WatermarkStore):
    # Given a successful run, then a failed one
    watermarks.advance(Watermark(SELLER, MARKETPLACE, since=T0, last_success_at=T0))
    watermarks.record_failure(SELLER, MARKETPLACE, at=T0 + timedelta(minutes=30), error="SpApiRetryableError: throttled")
    # Then the watermark is where it was and the failure is noted
    failed = watermarks.get(SELLER, MARKETPLACE)
    assert failed is not None and failed.since == T0
    assert (failed.last_failure_at, failed.last_error) == (T0 + timedelta(minutes=30), "SpApiRetryableError: throttled")
    # When the next run succeeds
    watermarks.advance(Watermark(SELLER, MARKETPLACE, since=T0 + timedelta(hours=1), last_success_at=T0 + timedelta(hours=1)))
    # Then the error is cleared; when it failed stays on record
    again = watermarks.get(SELLER, MARKETPLACE)
    assert again is not None and again.last_error == "" and again.last_failure_at == T0 + timedelta(minutes=30)


def test_a_failure_of_a_pair_never_run_is_noted_too(watermarks: WatermarkStore):
    watermarks.record_failure(SELLER, MARKETPLACE, at=T0, error="")
    (only,) = watermarks.all()
    assert (only.since, only.last_failure_at, only.last_error) == (None, T0, "error")


def _product(asin: str, seller: str = SELLER) -> ProductKey:
    return ProductKey(account_id=seller, marketplace_id=MARKETPLACE, asin=asin)


def test_offer_facts_are_those_of_the_pair_only(offer_world: OfferWorld):
    # Given offer facts of two products of the seller, a stock-only product, and another seller's offer
    for asin, featured in (("B0LOST", False), ("B0HELD", True)):
        offer = OfferFact(
            product=_product(asin), featured=featured, source=NotificationType.ANY_OFFER_CHANGED, event_time=T0, notification_id=f"n-{asin}"
        )
        offer_world.stock.record(offer.product, [offer])
    stock = StockFact(
        product=_product("B0STOCK"), sku="S1", source=NotificationType.FBA_INVENTORY_AVAILABILITY_CHANGES,
        fulfillable=3, event_time=T0, notification_id="n-stock",
    )  # fmt: skip
    offer_world.stock.record(stock.product, [stock])
    other = OfferFact(
        product=_product("B0LOST", seller="A2OTHER"), featured=False, source=NotificationType.ANY_OFFER_CHANGED,
        event_time=T0, notification_id="n-other",
    )  # fmt: skip
    offer_world.stock.record(other.product, [other])
    # When the re-check reads the seller's offer facts in the marketplace
    facts = offer_world.offers.offer_facts(SELLER, MARKETPLACE)
    # Then exactly the seller's two offers come back, as stored, by ASIN
    assert [(f.product.asin, f.featured, f.notification_id) for f in facts] == [("B0HELD", True, "n-B0HELD"), ("B0LOST", False, "n-B0LOST")]
    assert all(f.product.account_id == SELLER and f.event_time == T0 for f in facts)


def test_published_bodies_arrive_in_full(published: Published):
    # When 23 bodies are published (three SendMessageBatch calls on SQS)
    bodies = [f'{{"n": {i}}}' for i in range(23)]
    assert published.publisher.publish(bodies) == 23
    # Then every body is there once
    assert sorted(published.bodies()) == sorted(bodies)
