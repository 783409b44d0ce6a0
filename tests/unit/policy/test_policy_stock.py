"""Available stock: per-SKU FBA roll-up for sellers, highlyAvailableInventory for vendors."""

from __future__ import annotations

from stockguard.domain.facts import NotificationType
from stockguard.policy import available_stock
from tests.unit.policy.policy_sim import stock_fact

FBA = NotificationType.FBA_INVENTORY_AVAILABILITY_CHANGES


def seller(facts, include_inbound=False):
    return available_stock(facts, account_is_vendor=False, include_inbound=include_inbound)


def vendor(facts):
    return available_stock(facts, account_is_vendor=True, include_inbound=False)


def test_nothing_known():
    assert seller([]) is None and vendor([]) is None


def test_seller_sums_the_latest_fact_of_each_sku():
    # Given two SKUs of one ASIN, the first reported twice (out of order)
    facts = [
        stock_fact("A1", at_minute=5, nid="n2", sku="s1", fulfillable=0),
        stock_fact("A1", at_minute=1, nid="n1", sku="s1", fulfillable=7),
        stock_fact("A1", at_minute=2, nid="n3", sku="s2", fulfillable=3, inbound=4),
    ]
    # Then the newest figure of each SKU counts, inbound only when configured
    assert seller(facts) == 3
    assert seller(facts, include_inbound=True) == 7


def test_same_event_time_ties_break_on_the_notification_id():
    facts = [
        stock_fact("A1", at_minute=1, nid="n-b", sku="s1", fulfillable=2),
        stock_fact("A1", at_minute=1, nid="n-a", sku="s1", fulfillable=9),
    ]
    assert seller(facts) == 2 and seller(list(reversed(facts))) == 2


def test_an_fba_fact_without_fulfillable_does_not_count():
    facts = [
        stock_fact("A1", at_minute=1, nid="n1", sku="s1", fulfillable=4),
        stock_fact("A1", at_minute=2, nid="n2", sku="s1", fulfillable=None, source=FBA),
    ]
    assert seller(facts) == 4


def test_seller_without_fba_uses_item_inventory():
    facts = [
        stock_fact("A1", at_minute=1, nid="n1", highly_available=5),
        stock_fact("A1", at_minute=3, nid="n2", highly_available=0),
    ]
    assert seller(facts) == 0


def test_seller_fba_wins_over_item_inventory():
    facts = [
        stock_fact("A1", at_minute=9, nid="n1", highly_available=0),
        stock_fact("A1", at_minute=1, nid="n2", sku="s1", fulfillable=6),
    ]
    assert seller(facts) == 6


def test_vendor_uses_the_latest_highly_available_inventory():
    facts = [
        stock_fact("A1", at_minute=3, nid="n2", highly_available=12),
        stock_fact("A1", at_minute=1, nid="n1", highly_available=0),
        stock_fact("A1", at_minute=5, nid="n3", sku="s1", fulfillable=0),
    ]
    assert vendor(facts) == 12


def test_vendor_falls_back_to_fba_when_that_is_all_there_is():
    assert vendor([stock_fact("A1", at_minute=1, nid="n1", sku="s1", fulfillable=2)]) == 2
