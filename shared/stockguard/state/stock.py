"""Stock and Featured Offer facts per (account, marketplace, ASIN) in DynamoDB.

One item per fact source under the product's partition:
    pk = P#{account}#{marketplace}#{asin}
    sk = STOCK#FBA#{sku} | STOCK#ITEM | OFFER
A write succeeds only if it is newer than what is stored (`order_key` = event time, then notification
id as a deterministic tie-break), so an older event never overwrites a newer one and two Lambdas racing
on one item cannot lose an update: the newest fact wins whatever the delivery order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from boto3.dynamodb.conditions import Key

from stockguard.clock import iso, parse_iso, utcnow
from stockguard.domain.facts import NotificationType, OfferFact, ProductKey, StockFact
from stockguard.state.dynamo import from_dynamo, get_table, is_conditional_failure, to_dynamo


def product_pk(product: ProductKey) -> str:
    return f"P#{product.account_id}#{product.marketplace_id}#{product.asin}"


def _order_key(event_time: datetime, notification_id: str) -> str:
    return f"{iso(event_time)}#{notification_id}"


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


class StockRepository:
    def __init__(self, table_name: str) -> None:
        self._table = get_table(table_name)

    # -- writes ---------------------------------------------------------------------------------
    def record_stock(self, fact: StockFact) -> bool:
        """Store the fact if it is newer than the stored one. Returns False for a stale or repeated fact."""
        sk = f"STOCK#FBA#{fact.sku}" if fact.sku else "STOCK#ITEM"
        item = {
            "source": fact.source.value,
            "sku": fact.sku,
            "fulfillable": fact.fulfillable,
            "inbound": fact.inbound,
            "reserved": fact.reserved,
            "future_supply_buyable": fact.future_supply_buyable,
            "highly_available": fact.highly_available,
        }
        return self._put_if_newer(fact.product, sk, fact.event_time, fact.notification_id, item)

    def record_offer(self, fact: OfferFact) -> bool:
        """Store a Featured Offer fact if newer. An 'unknown' fact (featured None) never replaces a known one."""
        if fact.featured is None:
            return False
        item = {"source": fact.source.value, "featured": fact.featured, "detail": fact.detail}
        return self._put_if_newer(fact.product, "OFFER", fact.event_time, fact.notification_id, item)

    def _put_if_newer(self, product: ProductKey, sk: str, event_time: datetime, notification_id: str, attrs: dict) -> bool:
        order_key = _order_key(event_time, notification_id)
        item = to_dynamo(
            {
                "pk": product_pk(product),
                "sk": sk,
                "account_id": product.account_id,
                "marketplace_id": product.marketplace_id,
                "asin": product.asin,
                "event_time": iso(event_time),
                "notification_id": notification_id,
                "order_key": order_key,
                "updated_at": iso(utcnow()),
                **attrs,
            }
        )
        try:
            self._table.put_item(
                Item=item,
                ConditionExpression="attribute_not_exists(pk) OR order_key < :k",
                ExpressionAttributeValues={":k": order_key},
            )
            return True
        except Exception as error:  # botocore ClientError
            if is_conditional_failure(error):
                return False
            raise

    # -- reads ----------------------------------------------------------------------------------
    def load(self, product: ProductKey) -> ProductFacts:
        items: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"KeyConditionExpression": Key("pk").eq(product_pk(product)), "ConsistentRead": True}
        while True:
            page = self._table.query(**kwargs)
            items.extend(from_dynamo(i) for i in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                break
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
        stock: list[StockFact] = []
        offer: OfferFact | None = None
        for item in items:
            event_time = parse_iso(item["event_time"])
            if item["sk"] == "OFFER":
                offer = OfferFact(
                    product=product,
                    featured=item.get("featured"),
                    source=NotificationType(item["source"]),
                    detail=item.get("detail", ""),
                    event_time=event_time,
                    notification_id=item["notification_id"],
                )
            else:
                stock.append(
                    StockFact(
                        product=product,
                        sku=item.get("sku"),
                        source=NotificationType(item["source"]),
                        fulfillable=item.get("fulfillable"),
                        inbound=item.get("inbound", 0),
                        reserved=item.get("reserved", 0),
                        future_supply_buyable=item.get("future_supply_buyable", 0),
                        highly_available=item.get("highly_available"),
                        event_time=event_time,
                        notification_id=item["notification_id"],
                    )
                )
        skus = tuple(sorted({f.sku for f in stock if f.sku}))
        return ProductFacts(product=product, stock=tuple(stock), offer=offer, skus=skus)
