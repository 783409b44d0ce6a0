"""The SP-API simulator's mutable state, shared by all request threads: inventory per seller and
marketplace, listing overrides, and the featured offers per marketplace and ASIN.

Inventory items are normalised once at load (the full inventoryDetails structure, totalQuantity,
fnSku, condition, lastUpdatedTime) so that responses and mutators see one shape.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from typing import Any

from stockguard_dev.simulator.spapi.clock import iso
from stockguard_dev.simulator.spapi.marketplaces import currency_of
from stockguard_dev.simulator.spapi.seed import SeedError, SpApiSeed

DETAIL_SCALARS = ("fulfillableQuantity", "inboundWorkingQuantity", "inboundShippedQuantity", "inboundReceivingQuantity")
# nested detail -> (its total field, its other fields)
DETAIL_GROUPS: dict[str, tuple[str, dict[str, Any]]] = {
    "reservedQuantity": (
        "totalReservedQuantity",
        {"pendingCustomerOrderQuantity": 0, "pendingTransshipmentQuantity": 0, "fcProcessingQuantity": 0},
    ),
    "researchingQuantity": ("totalResearchingQuantity", {"researchingQuantityBreakdown": []}),
    "unfulfillableQuantity": (
        "totalUnfulfillableQuantity",
        {
            "customerDamagedQuantity": 0,
            "warehouseDamagedQuantity": 0,
            "distributorDamagedQuantity": 0,
            "carrierDamagedQuantity": 0,
            "defectiveQuantity": 0,
            "expiredQuantity": 0,
        },
    ),
}
_CONDITION_TYPES = {
    "NewItem": "new_new",
    "NewWithWarranty": "new_new",
    "NewOEM": "new_oem",
    "NewOpenBox": "new_open_box",
    "UsedLikeNew": "used_like_new",
    "UsedVeryGood": "used_very_good",
    "UsedGood": "used_good",
    "UsedAcceptable": "used_acceptable",
    "CollectibleLikeNew": "collectible_like_new",
    "CollectibleVeryGood": "collectible_very_good",
    "CollectibleGood": "collectible_good",
    "CollectibleAcceptable": "collectible_acceptable",
    "Refurbished": "new_new",
}


def _counted(details: dict[str, Any]) -> int:
    """Units the details account for: the basis of totalQuantity."""
    total = sum(int(details.get(name) or 0) for name in DETAIL_SCALARS)
    for group, (total_field, _) in DETAIL_GROUPS.items():
        total += int((details.get(group) or {}).get(total_field) or 0)
    return total


def _full_details(given: dict[str, Any] | None, total: int | None) -> dict[str, Any]:
    given = copy.deepcopy(given) if given else {}
    out: dict[str, Any] = {name: 0 for name in DETAIL_SCALARS}
    if not given and total is not None:
        out["fulfillableQuantity"] = total
    for group, (total_field, others) in DETAIL_GROUPS.items():
        out[group] = {total_field: 0, **copy.deepcopy(others), **(given.pop(group, None) or {})}
    out.update(given)
    return out


def normalise_item(item: dict[str, Any], now: float) -> dict[str, Any]:
    out = copy.deepcopy(item)
    total = out.get("totalQuantity")
    out["inventoryDetails"] = _full_details(out.get("inventoryDetails"), total if isinstance(total, int) else None)
    if not isinstance(total, int):
        out["totalQuantity"] = _counted(out["inventoryDetails"])
    out.setdefault("fnSku", out["asin"])
    out.setdefault("condition", "NewItem")
    out.setdefault("productName", "")
    out.setdefault("lastUpdatedTime", iso(now))
    # the model's field order: asin, fnSku, sellerSku, condition, inventoryDetails, lastUpdatedTime, productName, totalQuantity
    order = ["asin", "fnSku", "sellerSku", "condition", "inventoryDetails", "lastUpdatedTime", "productName", "totalQuantity"]
    return {**{k: out[k] for k in order}, **{k: v for k, v in out.items() if k not in order}}


def fulfillable(item: dict[str, Any]) -> int:
    return int(item.get("inventoryDetails", {}).get("fulfillableQuantity") or 0)


def derived_listing(marketplace_id: str, item: dict[str, Any]) -> dict[str, Any]:
    """getListingsItem for an inventory item: BUYABLE while units are fulfillable."""
    quantity = fulfillable(item)
    return {
        "sku": item["sellerSku"],
        "summaries": [
            {
                "marketplaceId": marketplace_id,
                "asin": item["asin"],
                "productType": "PRODUCT",
                "conditionType": _CONDITION_TYPES.get(str(item.get("condition")), "new_new"),
                "status": ["BUYABLE", "DISCOVERABLE"] if quantity > 0 else ["DISCOVERABLE"],
                "itemName": item.get("productName", ""),
                "createdDate": item["lastUpdatedTime"],
                "lastUpdatedDate": item["lastUpdatedTime"],
            }
        ],
        "fulfillmentAvailability": [{"fulfillmentChannelCode": "DEFAULT", "quantity": quantity}],
        "issues": [],
    }


class SpApiState:
    def __init__(self, seed: SpApiSeed, clock: Callable[[], float]) -> None:
        self.lock = threading.RLock()
        self._clock = clock
        now = clock()
        self._inventory: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._listings: dict[tuple[str, str, str], dict[str, Any]] = {}
        self._summaries: dict[tuple[str, str], dict[str, Any]] = {}
        for seller_id, seller in seed.sellers.items():
            for marketplace_id, items in seller.inventory.items():
                self._inventory[(seller_id, marketplace_id)] = [normalise_item(i, now) for i in items]
            for marketplace_id, bodies in seller.listings.items():
                for body in bodies:
                    self._listings[(seller_id, marketplace_id, body["sku"])] = copy.deepcopy(body)
            for marketplace_id, bodies in seller.competitive_summaries.items():
                for body in bodies:
                    key = (marketplace_id, body["asin"])
                    if key in self._summaries and self._summaries[key] != body:
                        raise SeedError(f"two different competitive summaries for {body['asin']} in {marketplace_id}")
                    self._summaries[key] = copy.deepcopy(body)

    # inventory -----------------------------------------------------------------------------------

    def inventory(self, seller_id: str, marketplace_id: str) -> list[dict[str, Any]]:
        """Deep copies, in seed order (new SKUs last)."""
        with self.lock:
            return copy.deepcopy(self._inventory.get((seller_id, marketplace_id), []))

    def find_item(self, seller_id: str, marketplace_id: str, sku: str) -> dict[str, Any] | None:
        with self.lock:
            for item in self._inventory.get((seller_id, marketplace_id), []):
                if item["sellerSku"] == sku:
                    return copy.deepcopy(item)
        return None

    def set_inventory(self, seller_id: str, marketplace_id: str, sku: str, fields: dict[str, Any]) -> dict[str, Any]:
        """Set top-level fields and inventoryDetails fields (fulfillableQuantity, reservedQuantity, …) of
        an item; totalQuantity follows the details unless given; lastUpdatedTime becomes now unless given.
        An unknown SKU is added when `asin` is among the fields, else KeyError."""
        with self.lock:
            items = self._inventory.setdefault((seller_id, marketplace_id), [])
            item = next((i for i in items if i["sellerSku"] == sku), None)
            if item is None:
                if "asin" not in fields:
                    raise KeyError(f"{sku} is not in {seller_id}/{marketplace_id}; pass asin= to add it")
                item = normalise_item({"sellerSku": sku, "asin": fields["asin"], "totalQuantity": 0}, self._clock())
                items.append(item)
            details = item["inventoryDetails"]
            before = _counted(details)
            for name, value in fields.items():
                if name in DETAIL_SCALARS:
                    details[name] = int(value)
                elif name in DETAIL_GROUPS:
                    details[name] = {**details[name], **value}
                elif name == "inventoryDetails":
                    item["inventoryDetails"] = details = _full_details({**details, **value}, None)
                else:
                    item[name] = copy.deepcopy(value)
            if "totalQuantity" not in fields:
                item["totalQuantity"] = max(0, int(item.get("totalQuantity") or 0) + _counted(details) - before)
            if "lastUpdatedTime" not in fields:
                item["lastUpdatedTime"] = iso(self._clock())
            return copy.deepcopy(item)

    # listings ------------------------------------------------------------------------------------

    def listing(self, seller_id: str, marketplace_id: str, sku: str) -> dict[str, Any] | None:
        """The override from the seed (or set_listing), else the one derived from inventory, else None."""
        with self.lock:
            override = self._listings.get((seller_id, marketplace_id, sku))
            if override is not None:
                return copy.deepcopy(override)
            item = self.find_item(seller_id, marketplace_id, sku)
        return derived_listing(marketplace_id, item) if item is not None else None

    def set_listing(self, seller_id: str, marketplace_id: str, sku: str, body: dict[str, Any] | None) -> None:
        with self.lock:
            if body is None:
                self._listings.pop((seller_id, marketplace_id, sku), None)
            else:
                self._listings[(seller_id, marketplace_id, sku)] = {**copy.deepcopy(body), "sku": sku}

    # featured offers -----------------------------------------------------------------------------

    def competitive_summary(self, marketplace_id: str, asin: str) -> dict[str, Any] | None:
        with self.lock:
            body = self._summaries.get((marketplace_id, asin))
            return copy.deepcopy(body) if body is not None else None

    def set_featured(self, seller_id: str, marketplace_id: str, asin: str, featured: bool, offer: dict[str, Any]) -> dict[str, Any]:
        """Add (featured) or remove (not featured) `seller_id`'s offer among the "New" buying option's
        segmentedFeaturedOffers. An added offer copies the first existing offer's listingPrice."""
        with self.lock:
            body = self._summaries.setdefault(
                (marketplace_id, asin), {"asin": asin, "marketplaceId": marketplace_id, "featuredBuyingOptions": []}
            )
            options = body.setdefault("featuredBuyingOptions", [])
            new = next((o for o in options if o.get("buyingOptionType") == "New"), None)
            if new is None:
                new = {"buyingOptionType": "New", "segmentedFeaturedOffers": []}
                options.insert(0, new)
            offers = new.setdefault("segmentedFeaturedOffers", [])
            existing = [o for o in offers if o.get("sellerId") == seller_id]
            if not featured:
                new["segmentedFeaturedOffers"] = [o for o in offers if o.get("sellerId") != seller_id]
            elif not existing:
                price = next((o["listingPrice"] for o in offers if "listingPrice" in o), None)
                offers.append(
                    {
                        "sellerId": seller_id,
                        "condition": "New",
                        "fulfillmentType": "AFN",
                        "listingPrice": copy.deepcopy(price) or {"amount": 19.99, "currencyCode": currency_of(marketplace_id)},
                        "featuredOfferSegments": [{"customerMembership": "DEFAULT", "segmentDetails": {"glanceViewWeightPercentage": 100}}],
                        **copy.deepcopy(offer),
                    }
                )
            elif offer:
                for o in existing:
                    o.update(copy.deepcopy(offer))
            return copy.deepcopy(body)
