"""The Stock table's layout (one item per product, one attribute per fact source) against moto: recording
returns every fact of the product in the same call, stale writes cost one call too, several facts of a
product are one conditional write, products are read 100 per BatchGetItem, and the upgrade from the
first layout (one item per source) keeps the ordering rule, runs once per product and is crash-safe."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from stockguard.clock import iso
from stockguard.domain.facts import NotificationType, OfferFact, ProductKey, StockFact
from stockguard.state import dynamo
from stockguard.state.dynamo import UnprocessedKeysError, batch_get, get_table, scan_all
from stockguard.state.stock import FACTS_SK, LAYOUT, StockRepository, product_pk
from tests.support.ddb_faults import DynamoFaults, LambdaTimeout

T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)
PRODUCT = ProductKey(account_id="A3TH9S8BH6GOGM", marketplace_id="ATVPDKIKX0DER", asin="B00001ABCD")


def fba(qty: int, minutes: int, nid: str, sku: str = "SKU-1", product: ProductKey = PRODUCT) -> StockFact:
    return StockFact(
        product=product,
        sku=sku,
        source=NotificationType.FBA_INVENTORY_AVAILABILITY_CHANGES,
        fulfillable=qty,
        event_time=T0 + timedelta(minutes=minutes),
        notification_id=nid,
    )


def offer(featured: bool | None, minutes: int, nid: str) -> OfferFact:
    return OfferFact(
        product=PRODUCT,
        featured=featured,
        source=NotificationType.ANY_OFFER_CHANGED,
        event_time=T0 + timedelta(minutes=minutes),
        notification_id=nid,
    )


def legacy_item(sk: str, minutes: int, nid: str, **attrs) -> dict:
    """An item as the first layout wrote it (sk STOCK#FBA#{sku} | STOCK#ITEM | OFFER)."""
    at = iso(T0 + timedelta(minutes=minutes))
    return {
        "pk": product_pk(PRODUCT),
        "sk": sk,
        "account_id": PRODUCT.account_id,
        "marketplace_id": PRODUCT.marketplace_id,
        "asin": PRODUCT.asin,
        "event_time": at,
        "notification_id": nid,
        "order_key": f"{at}#{nid}",
        "updated_at": at,
        **attrs,
    }


@pytest.fixture
def repo(aws_stack) -> StockRepository:
    return StockRepository(aws_stack.tables["StockStateTable"])


@pytest.fixture
def table(aws_stack):
    return get_table(aws_stack.tables["StockStateTable"])


def test_one_item_per_product_with_one_attribute_per_source(repo, table):
    # Given two SKUs and an offer recorded for one product
    repo.record(PRODUCT, [fba(3, 1, "a", sku="SKU-1"), fba(4, 1, "b", sku="SKU-2"), offer(False, 1, "o")])
    # Then the table holds one item, FACTS, with one attribute per source, marked as upgraded
    (item,) = scan_all(table)
    assert (item["sk"], item["layout"]) == (FACTS_SK, LAYOUT)
    assert {"FBA#SKU-1", "FBA#SKU-2", "OFFER"} <= set(item)
    assert item["FBA#SKU-2"]["fulfillable"] == 4 and item["asin"] == PRODUCT.asin


def test_recording_returns_every_fact_of_the_product_in_one_call(repo):
    # Given a product with two SKUs
    repo.record(PRODUCT, [fba(3, 1, "a", sku="SKU-1"), fba(4, 1, "b", sku="SKU-2")])
    with DynamoFaults() as probe:
        # When a newer fact of one SKU arrives
        recorded = repo.record(PRODUCT, [fba(0, 5, "c", sku="SKU-1")])
        # And a stale one
        stale = repo.record(PRODUCT, [fba(9, 0, "d", sku="SKU-2")])
    # Then each is one UpdateItem, and each returns every fact of the product as stored
    assert [c.operation for c in probe.calls] == ["UpdateItem", "UpdateItem"]
    assert {f.sku: f.fulfillable for f in recorded.facts.stock} == {"SKU-1": 0, "SKU-2": 4}
    assert recorded.stored and not stale.stored
    assert {f.sku: f.fulfillable for f in stale.facts.stock} == {"SKU-1": 0, "SKU-2": 4}


def test_several_facts_of_a_product_are_one_write_and_a_stale_one_does_not_block_the_others(repo):
    repo.record(PRODUCT, [fba(3, 10, "a", sku="SKU-1")])
    with DynamoFaults() as probe:
        # When one batch brings SKU-1 at 5 min (older than stored), SKU-2 twice and an offer
        recorded = repo.record(
            PRODUCT, [fba(50, 5, "b", sku="SKU-1"), fba(1, 5, "c", sku="SKU-2"), fba(2, 6, "d", sku="SKU-2"), offer(True, 6, "o")]
        )
    # Then the conditional write fails on SKU-1 only and is resent without it
    assert [c.operation for c in probe.calls] == ["UpdateItem", "UpdateItem"], probe.calls
    assert {s for s, _ in recorded.stored} == {"FBA#SKU-2", "OFFER"}
    assert {f.sku: f.fulfillable for f in recorded.facts.stock} == {"SKU-1": 3, "SKU-2": 2}
    assert recorded.facts.offer.featured is True


def test_an_unknown_offer_writes_nothing(repo):
    repo.record_offer(offer(False, 1, "o1"))
    with DynamoFaults() as probe:
        recorded = repo.record(PRODUCT, [offer(None, 2, "o2")])
    assert probe.calls == [] and recorded.facts is None
    assert repo.load(PRODUCT).offer.featured is False


def test_products_are_read_100_per_batch_get(repo):
    # Given 150 products with a fact each
    products = [PRODUCT.model_copy(update={"asin": f"B{i:09d}"}) for i in range(150)]
    for p in products:
        repo.record(p, [fba(i := int(p.asin[1:]), 1, f"n-{i}", product=p)])
    with DynamoFaults() as probe:
        loaded = repo.load_many(products)
    # Then two BatchGetItem calls, nothing else, and every product's facts
    assert [c.operation for c in probe.calls] == ["BatchGetItem", "BatchGetItem"]
    assert {pid: f.stock[0].fulfillable for pid, f in loaded.items()} == {p.id: int(p.asin[1:]) for p in products}


def test_upgrade_folds_the_first_layout_once_keeping_the_newest_fact(repo, table):
    # Given a product stored in the first layout: SKU-1 at 20 min, SKU-2 at 5 min, an offer
    table.put_item(
        Item=legacy_item(
            "STOCK#FBA#SKU-1",
            20,
            "old-1",
            source="FBA_INVENTORY_AVAILABILITY_CHANGES",
            sku="SKU-1",
            fulfillable=7,
            inbound=0,
            reserved=0,
            future_supply_buyable=0,
        )
    )
    table.put_item(
        Item=legacy_item(
            "STOCK#FBA#SKU-2",
            5,
            "old-2",
            source="FBA_INVENTORY_AVAILABILITY_CHANGES",
            sku="SKU-2",
            fulfillable=8,
            inbound=0,
            reserved=0,
            future_supply_buyable=0,
        )
    )
    table.put_item(Item=legacy_item("OFFER", 5, "old-o", source="ANY_OFFER_CHANGED", featured=False, detail="other_offer_wins"))
    with DynamoFaults() as probe:
        # When new facts arrive: SKU-1 at 10 min (older than the old item), SKU-2 at 30 min (newer)
        recorded = repo.record(PRODUCT, [fba(0, 10, "new-1", sku="SKU-1"), fba(1, 30, "new-2", sku="SKU-2")])
    # Then the write, one Query of the old items and one folding write; the newest fact of each source wins
    assert [c.operation for c in probe.calls] == ["UpdateItem", "Query", "UpdateItem"]
    facts = recorded.facts
    assert {f.sku: (f.fulfillable, f.notification_id) for f in facts.stock} == {"SKU-1": (7, "old-1"), "SKU-2": (1, "new-2")}
    assert facts.offer.featured is False and facts.offer.detail == "other_offer_wins"
    # And from then on the product is one item read or written in one call
    with DynamoFaults() as probe:
        assert repo.load(PRODUCT) == facts
        repo.record(PRODUCT, [fba(5, 40, "later")])
    assert [c.operation for c in probe.calls] == ["BatchGetItem", "UpdateItem"]


def test_a_read_upgrades_too_and_a_read_only_load_writes_nothing(repo, table):
    table.put_item(
        Item=legacy_item(
            "STOCK#ITEM",
            5,
            "old-i",
            source="ITEM_INVENTORY_EVENT_CHANGE",
            highly_available=12,
            inbound=0,
            reserved=0,
            future_supply_buyable=0,
        )
    )
    # Given a read-only load: the old item is folded in memory, nothing is written
    with DynamoFaults() as probe:
        assert repo.load_many([PRODUCT], upgrade=False)[PRODUCT.id].stock[0].highly_available == 12
    assert probe.writes == []
    # When the pipeline reads it: the old item is folded into the product's item, once
    with DynamoFaults() as probe:
        assert repo.load(PRODUCT).stock[0].highly_available == 12
        assert repo.load(PRODUCT).stock[0].highly_available == 12
    assert [c.operation for c in probe.calls] == ["BatchGetItem", "Query", "UpdateItem", "BatchGetItem"]


def test_a_crash_during_the_upgrade_loses_nothing(repo, table):
    table.put_item(
        Item=legacy_item(
            "STOCK#FBA#SKU-2",
            5,
            "old-2",
            source="FBA_INVENTORY_AVAILABILITY_CHANGES",
            sku="SKU-2",
            fulfillable=8,
            inbound=0,
            reserved=0,
            future_supply_buyable=0,
        )
    )
    # Given the Lambda dies just before the folding write (the new fact is stored, the item not upgraded)
    with DynamoFaults() as faults:
        faults.kill_at_write(2)
        with pytest.raises(LambdaTimeout):
            repo.record(PRODUCT, [fba(0, 10, "new-1", sku="SKU-1")])
    # When the next write of the product comes
    recorded = repo.record(PRODUCT, [fba(1, 11, "new-1b", sku="SKU-1")])
    # Then the old item is folded in then, beside the new facts
    assert {f.sku: f.fulfillable for f in recorded.facts.stock} == {"SKU-1": 1, "SKU-2": 8}


def test_batch_get_retries_unprocessed_keys_with_backoff_and_gives_up_loudly(aws_stack, monkeypatch):
    name = aws_stack.tables["DedupTable"]
    get_table(name).put_item(Item={"pk": "N#a"})
    get_table(name).put_item(Item={"pk": "N#b"})
    real = dynamo.dynamodb_resource()

    class Throttled:
        """Leaves every key but the first (all of a single one) unprocessed, `rounds` times (DynamoDB does so under throttling)."""

        def __init__(self, rounds: int) -> None:
            self.rounds, self.calls = rounds, 0

        def batch_get_item(self, RequestItems):
            self.calls += 1
            if self.rounds == 0:
                return real.batch_get_item(RequestItems=RequestItems)
            self.rounds -= 1
            request = RequestItems[name]
            if len(request["Keys"]) < 2:
                return {"Responses": {}, "UnprocessedKeys": RequestItems}
            first = real.batch_get_item(RequestItems={name: {**request, "Keys": request["Keys"][:1]}})
            return {"Responses": first["Responses"], "UnprocessedKeys": {name: {**request, "Keys": request["Keys"][1:]}}}

    sleeps: list[float] = []
    # Given DynamoDB leaves keys unprocessed twice
    monkeypatch.setattr(dynamo, "dynamodb_resource", lambda: (fake := Throttled(2)) and fake)
    # When the helper reads three keys (one absent)
    found = batch_get(name, [{"pk": "N#a"}, {"pk": "N#b"}, {"pk": "N#zz"}], sleep=sleeps.append)
    # Then it resent what was left, backing off between rounds, and found both items
    assert sorted(i["pk"] for i in found) == ["N#a", "N#b"] and len(sleeps) == 2
    # And under sustained throttling it raises instead of dropping keys
    monkeypatch.setattr(dynamo, "dynamodb_resource", lambda: Throttled(100))
    with pytest.raises(UnprocessedKeysError):
        batch_get(name, [{"pk": "N#a"}, {"pk": "N#b"}], sleep=lambda _: None)
