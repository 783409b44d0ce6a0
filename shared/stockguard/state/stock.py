"""Stock and Featured Offer facts per (account, marketplace, ASIN) in DynamoDB.

One item per product, each fact source a top-level attribute of it:
    pk = P#{account}#{marketplace}#{asin}, sk = FACTS
    FBA#{sku} | ITEM | OFFER = {order_key, event_time, notification_id, source, <the fact's fields>}
    account_id, marketplace_id, asin, updated_at, layout = 2
Why one item: recording a fact is one conditional UpdateItem that also returns every fact of the
product (ReturnValues ALL_NEW, or ALL_OLD when the condition fails), so deciding a product the batch
touched needs no read at all, and products read without a write (the other ASINs of SB ads) are 100 per
BatchGetItem instead of one Query each.

Ordering: a source is replaced only by a fact with a greater `order_key` (event time, then notification
id as a deterministic tie-break), in the write's condition, so an older event never overwrites a newer
one and racing Lambdas cannot lose an update. An 'unknown' offer (featured None) is never stored.

Upgrade from the first layout (one item per source: sk STOCK#FBA#{sku} | STOCK#ITEM | OFFER): an item
without `layout = 2` (or no item) means the product may still have old items. Once per product, the
first write or read that meets it Queries the partition and folds the old items in with the same
ordering condition, setting `layout` in that write; after that the old items are never read again
(they stay until deleted; they are harmless). `load_many(upgrade=False)` folds them in memory only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from boto3.dynamodb.conditions import Key

from stockguard.clock import iso, parse_iso, utcnow
from stockguard.domain.facts import NotificationType, OfferFact, ProductKey, StockFact
from stockguard.state.dynamo import batch_get, from_dynamo, from_wire, get_table, is_conditional_failure, query_all, to_dynamo

FACTS_SK = "FACTS"
LAYOUT = 2  # value of the `layout` attribute of an upgraded product item
OFFER = "OFFER"
_PRODUCT_ATTRIBUTES = frozenset({"pk", "sk", "account_id", "marketplace_id", "asin", "updated_at", "layout"})
Fact = StockFact | OfferFact


def product_pk(product: ProductKey) -> str:
    return f"P#{product.account_id}#{product.marketplace_id}#{product.asin}"


def order_key(event_time: datetime, notification_id: str) -> str:
    """The ordering of facts of one source: event time, then notification id (a deterministic tie-break).
    Public because every fact store (DynamoDB and in-memory) must order by exactly this key."""
    return f"{iso(event_time)}#{notification_id}"


def source_of(fact: Fact) -> str:
    """The attribute a fact is stored under: one per SKU for FBA facts, one per ASIN otherwise."""
    if isinstance(fact, OfferFact):
        return OFFER
    return f"FBA#{fact.sku}" if fact.sku else "ITEM"


@dataclass(frozen=True)
class ProductFacts:
    """Everything stored about one product: its stock facts (one per SKU / source) and offer fact."""

    product: ProductKey
    stock: tuple[StockFact, ...] = ()
    offer: OfferFact | None = None
    skus: tuple[str, ...] = field(default=())

    @property
    def latest_event_time(self) -> datetime | None:
        times = [f.event_time for f in self.stock] + ([self.offer.event_time] if self.offer else [])
        return max(times) if times else None


@dataclass(frozen=True)
class Recorded:
    """What recording the facts of one product did."""

    facts: ProductFacts | None  # every fact stored for the product after the write; None: nothing was written
    stored: frozenset[tuple[str, str]] = frozenset()  # (source, order_key) of the facts stored (newer than what was)
    # Every fact of the product just before the write that stored `stored` (None: the product had no item, or
    # it was upgraded from the first layout): with `facts`, whether the write changed the product's condition.
    previous: ProductFacts | None = None


class StockRepository:
    def __init__(self, table_name: str) -> None:
        self._name = table_name
        self._table = get_table(table_name)

    # -- writes ---------------------------------------------------------------------------------
    def record_stock(self, fact: StockFact) -> bool:
        """Store the fact if it is newer than the stored one. Returns False for a stale or repeated fact."""
        return (source_of(fact), order_key(fact.event_time, fact.notification_id)) in self.record(fact.product, [fact]).stored

    def record_offer(self, fact: OfferFact) -> bool:
        """Store a Featured Offer fact if newer. An 'unknown' fact (featured None) never replaces a known one."""
        return (OFFER, order_key(fact.event_time, fact.notification_id)) in self.record(fact.product, [fact]).stored

    def record(self, product: ProductKey, facts: Iterable[Fact]) -> Recorded:
        """Store the newest fact of each source among `facts` (all of `product`) where it is newer than
        the stored one: one conditional UpdateItem, which also returns every fact of the product."""
        pending = newest_per_source(facts)
        if not pending:
            return Recorded(facts=None)
        item, stored, before = self._merge(product, pending)
        if item.get("layout") != LAYOUT:
            item, before = self._upgrade(product, item), None
        previous = product_facts(product, before) if before else None
        return Recorded(facts=product_facts(product, item), stored=frozenset(stored), previous=previous)

    # -- reads ----------------------------------------------------------------------------------
    def load(self, product: ProductKey) -> ProductFacts:
        return self.load_many([product])[product.id]

    def load_many(self, products: Iterable[ProductKey], *, upgrade: bool = True) -> dict[str, ProductFacts]:
        """Facts of each product by product id: 100 products per BatchGetItem. With upgrade=False (read-only
        tools) a product still in the first layout is folded in memory and nothing is written."""
        unique = {p.id: p for p in products}
        keys = [{"pk": product_pk(p), "sk": FACTS_SK} for p in unique.values()]
        items = {i["pk"]: i for i in batch_get(self._name, keys)}
        found: dict[str, ProductFacts] = {}
        for product_id, product in unique.items():
            item = items.get(product_pk(product))
            if item is None or item.get("layout") != LAYOUT:
                item = self._upgrade(product, item) if upgrade else _fold(item or {}, self._legacy(product))
            found[product_id] = product_facts(product, item)
        return found

    # -- internals ------------------------------------------------------------------------------
    def _merge(
        self, product: ProductKey, pending: dict[str, tuple[str, dict]], *, mark: bool = False
    ) -> tuple[dict[str, Any], set[tuple[str, str]], dict[str, Any] | None]:
        """Write the pending sources (source -> (order_key, value)) that are newer than the stored ones.

        One UpdateItem conditioned on every pending source being newer. When it fails, the item returned
        (ALL_OLD) says which sources are not: they are dropped and the rest is written again, so each
        round drops at least one source and the loop ends. mark=True also sets `layout` (the upgrade).
        Returns the item as stored after the last call, the (source, order_key) pairs written, and the item
        just before that write (None when nothing was written). The write returns the old item (ALL_OLD): the
        new one is the old with exactly the attributes the update sets, as DynamoDB applies it atomically.
        """
        current: dict[str, Any] = {}
        for _ in range(len(pending) + 2):
            if not pending and not mark:
                return current, set(), None
            arguments = _update_arguments(product, pending, mark=mark)
            try:
                response = self._table.update_item(**arguments)
            except Exception as error:  # botocore ClientError
                if not is_conditional_failure(error):
                    raise
                current = from_wire(getattr(error, "response", {}).get("Item")) or {}
                pending = {s: (k, v) for s, (k, v) in pending.items() if is_newer(k, current.get(s))}
                continue
            before = from_dynamo(response.get("Attributes") or {})
            written = {name: from_dynamo(arguments["ExpressionAttributeValues"][value]) for name, value in _assignments(arguments)}
            return {**before, **written}, {(source, key) for source, (key, _) in pending.items()}, before
        raise RuntimeError(f"conditional merge of {product.id} did not settle")  # cannot happen: see above

    def _upgrade(self, product: ProductKey, current: dict[str, Any] | None) -> dict[str, Any]:
        """Fold the first layout's items of `product` into its item (ordering rule kept) and mark it upgraded.

        `current`: the item as last seen; old items that are not newer than its sources are left out
        beforehand (the write's condition still decides, so a stale `current` is harmless)."""
        legacy = {s: (k, v) for s, (k, v) in self._legacy(product).items() if is_newer(k, (current or {}).get(s))}
        item, _, _ = self._merge(product, legacy, mark=True)
        return item

    def _legacy(self, product: ProductKey) -> dict[str, tuple[str, dict]]:
        """The first layout's items of `product`, as pending sources (source -> (order_key, value))."""
        items = query_all(self._table, KeyConditionExpression=Key("pk").eq(product_pk(product)), ConsistentRead=True)
        return dict(_legacy_source(i) for i in items if i["sk"] != FACTS_SK)


def newest_per_source(facts: Iterable[Fact]) -> dict[str, tuple[str, dict]]:
    """source -> (order_key, stored value) of the newest fact of each source; unknown offers left out."""
    newest: dict[str, tuple[str, dict]] = {}
    for fact in facts:
        if isinstance(fact, OfferFact) and fact.featured is None:
            continue
        key = order_key(fact.event_time, fact.notification_id)
        source = source_of(fact)
        if source not in newest or newest[source][0] < key:
            newest[source] = (key, _encode(fact, key))
    return newest


def _encode(fact: Fact, order_key: str) -> dict[str, Any]:
    common = {
        "order_key": order_key,
        "event_time": iso(fact.event_time),
        "notification_id": fact.notification_id,
        "source": fact.source.value,
    }
    if isinstance(fact, OfferFact):
        return to_dynamo({**common, "featured": fact.featured, "detail": fact.detail})
    return to_dynamo(
        {
            **common,
            "sku": fact.sku,
            "fulfillable": fact.fulfillable,
            "inbound": fact.inbound,
            "reserved": fact.reserved,
            "future_supply_buyable": fact.future_supply_buyable,
            "highly_available": fact.highly_available,
        }
    )


def _update_arguments(product: ProductKey, pending: dict[str, tuple[str, dict]], *, mark: bool) -> dict[str, Any]:
    names = {"#acc": "account_id", "#mkt": "marketplace_id", "#asin": "asin", "#upd": "updated_at"}
    values: dict[str, Any] = {":acc": product.account_id, ":mkt": product.marketplace_id, ":asin": product.asin, ":upd": iso(utcnow())}
    sets = ["#acc = :acc", "#mkt = :mkt", "#asin = :asin", "#upd = :upd"]
    conditions = []
    for i, (source, (order_key, value)) in enumerate(sorted(pending.items())):
        names[f"#f{i}"] = source
        values.update({f":f{i}": value, f":k{i}": order_key})
        sets.append(f"#f{i} = :f{i}")
        conditions.append(f"(attribute_not_exists(#f{i}) OR #f{i}.order_key < :k{i})")
    if mark:
        names["#lay"] = "layout"
        values[":lay"] = LAYOUT
        sets.append("#lay = :lay")
    arguments: dict[str, Any] = {
        "Key": {"pk": product_pk(product), "sk": FACTS_SK},
        "UpdateExpression": "SET " + ", ".join(sets),
        "ExpressionAttributeNames": names,
        "ExpressionAttributeValues": values,
        "ReturnValues": "ALL_OLD",
    }
    if conditions:
        arguments["ConditionExpression"] = " AND ".join(conditions)
        arguments["ReturnValuesOnConditionCheckFailure"] = "ALL_OLD"
    return arguments


def _assignments(arguments: dict[str, Any]) -> list[tuple[str, str]]:
    """(attribute name, value placeholder) of each `#name = :value` in the SET expression _update_arguments built."""
    names = arguments["ExpressionAttributeNames"]
    pairs = []
    for assignment in arguments["UpdateExpression"].removeprefix("SET ").split(", "):
        name, value = (part.strip() for part in assignment.split("="))
        pairs.append((names[name], value))
    return pairs


def is_newer(order_key: str, stored: Any) -> bool:
    """Whether a fact with `order_key` may replace the stored source value (absent counts as older)."""
    return not isinstance(stored, dict) or str(stored.get("order_key", "")) < order_key


def _legacy_source(item: dict[str, Any]) -> tuple[str, tuple[str, dict]]:
    """A first-layout item (sk STOCK#FBA#{sku} | STOCK#ITEM | OFFER) as (source, (order_key, value))."""
    sk = item["sk"]
    source = sk.removeprefix("STOCK#")
    value = {k: v for k, v in item.items() if k not in _PRODUCT_ATTRIBUTES}
    value.setdefault("order_key", f"{value.get('event_time', '')}#{value.get('notification_id', '')}")
    return source, (value["order_key"], to_dynamo(value))


def _fold(item: dict[str, Any], legacy: dict[str, tuple[str, dict]]) -> dict[str, Any]:
    """`item` with each legacy source that is newer than its own (in memory: the read-only upgrade)."""
    folded = dict(item)
    for source, (order_key, value) in legacy.items():
        if is_newer(order_key, folded.get(source)):
            folded[source] = from_dynamo(value)
    return folded


def product_facts(product: ProductKey, item: dict[str, Any]) -> ProductFacts:
    """Decode a product item (source attribute -> stored value, plain Python) into ProductFacts."""
    stock: list[StockFact] = []
    offer: OfferFact | None = None
    for name in sorted(item):  # FBA#{sku}... < ITEM: the order of the first layout's sort keys
        value = item[name]
        if name in _PRODUCT_ATTRIBUTES or not isinstance(value, dict):
            continue
        event_time = parse_iso(value["event_time"])
        if name == OFFER:
            offer = OfferFact(
                product=product,
                featured=value.get("featured"),
                source=NotificationType(value["source"]),
                detail=value.get("detail", ""),
                event_time=event_time,
                notification_id=value["notification_id"],
            )
        elif name == "ITEM" or name.startswith("FBA#"):
            stock.append(
                StockFact(
                    product=product,
                    sku=value.get("sku"),
                    source=NotificationType(value["source"]),
                    fulfillable=value.get("fulfillable"),
                    inbound=value.get("inbound", 0),
                    reserved=value.get("reserved", 0),
                    future_supply_buyable=value.get("future_supply_buyable", 0),
                    highly_available=value.get("highly_available"),
                    event_time=event_time,
                    notification_id=value["notification_id"],
                )
            )
    skus = tuple(sorted({f.sku for f in stock if f.sku}))
    return ProductFacts(product=product, stock=tuple(stock), offer=offer, skus=skus)
