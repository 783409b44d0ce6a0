"""The stored offer facts of one (seller, marketplace), read from the stock table for the Featured Offer
re-check: one filtered Scan, projected to the offer slot.

Why a Scan: the stock table is keyed by product, and the re-check needs every product whose offer fact
says "lost" (and the oldest others). It runs once per reconcile run and marketplace, reads one small item
per product, and never runs on the notification path."""

from __future__ import annotations

from stockguard.domain.facts import OfferFact, ProductKey
from stockguard.state.dynamo import get_table, scan_all
from stockguard.state.stock import OFFER, product_facts


class StoredOfferFacts:
    def __init__(self, table_name: str) -> None:
        self._table = get_table(table_name)

    def offer_facts(self, seller_id: str, marketplace_id: str) -> list[OfferFact]:
        items = scan_all(
            self._table,
            FilterExpression="begins_with(pk, :prefix) AND attribute_exists(#offer)",
            ProjectionExpression="pk, account_id, marketplace_id, asin, #offer",
            ExpressionAttributeNames={"#offer": OFFER},
            ExpressionAttributeValues={":prefix": f"P#{seller_id}#{marketplace_id}#"},
        )
        facts = []
        for item in items:
            product = ProductKey(account_id=item["account_id"], marketplace_id=item["marketplace_id"], asin=item["asin"])
            offer = product_facts(product, {OFFER: item[OFFER]}).offer
            if offer is not None:
                facts.append(offer)
        return sorted(facts, key=lambda f: f.product.asin)
