"""getCompetitiveSummary (Product Pricing 2022-05-01): who holds the Featured Offer of an ASIN right now.

Why: ANY_OFFER_CHANGED notifications go missing or arrive a day late (reference §11), and StockGuard
pauses ads when the seller loses the Featured Offer, so it must be able to ask Amazon directly before it
holds a pause on stale information.

`POST /batches/products/pricing/2022-05-01/items/competitiveSummary` with 1–20 requests
`{asin, marketplaceId, includedData: ["featuredBuyingOptions"], method: "GET",
uri: "/products/pricing/2022-05-01/items/competitiveSummary"}` per call. The usage plan is 0.033
requests/s, burst 1: one call every ~30 s per seller. So ASINs are always batched 20 per call, and
`prioritise` orders them so the ones that matter most are asked first: the ASINs StockGuard holds paused
because the Featured Offer was lost (a wrong pause costs sales), then the oldest offer facts.

Batch items fail one by one: each response's `status.statusCode` is checked. An ASIN is featured when the
seller's id is among `featuredBuyingOptions[].segmentedFeaturedOffers[].sellerId` of the New buying option
(StockGuard's offer facts are about condition new, §10); False when others are featured and not us; None
(unknown, never "lost") when the item failed or no offer is featured. When a whole call is throttled or
stopped by the time budget, its ASINs and those of the calls not yet sent come back unknown
("throttled") and the answers already read are kept; any other failure of a call is raised.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, NamedTuple

from stockguard.spapi.call import SellerCall, parse_model
from stockguard.spapi.errors import SpApiRetryableError
from stockguard.spapi.models import CamelModel

__all__ = [
    "COMPETITIVE_SUMMARY_PATH",
    "MAX_BATCH_REQUESTS",
    "OPERATION",
    "FeaturedOfferStatus",
    "PricingApi",
    "PricingCandidate",
    "featured_status",
    "prioritise",
]

OPERATION = "getCompetitiveSummary"
COMPETITIVE_SUMMARY_PATH = "/batches/products/pricing/2022-05-01/items/competitiveSummary"
ITEM_URI = "/products/pricing/2022-05-01/items/competitiveSummary"
MAX_BATCH_REQUESTS = 20
NEW_BUYING_OPTION = "new"

# FeaturedOfferStatus.detail (machine-readable, like OfferFact.detail)
OWN_OFFER_FEATURED = "own_offer_featured"
OTHER_OFFER_FEATURED = "other_offer_featured"
NO_FEATURED_OFFER = "no_featured_offer"
ITEM_FAILED = "item_failed"
THROTTLED = "throttled"


# -- response shapes (models/product-pricing-api-model/productPricing_2022-05-01.json) -------------------


class MoneyType(CamelModel):
    amount: float | None = None
    currency_code: str | None = None


class SegmentDetails(CamelModel):
    glance_view_weight_percentage: float | None = None
    sample_location: dict[str, Any] | None = None


class FeaturedOfferSegment(CamelModel):
    customer_membership: str | None = None
    segment_details: SegmentDetails | None = None


class SegmentedFeaturedOffer(CamelModel):
    """An offer featured to some customers (the Offer fields StockGuard reads, plus its segments)."""

    seller_id: str | None = None
    condition: str | None = None
    fulfillment_type: str | None = None
    listing_price: MoneyType | None = None
    featured_offer_segments: tuple[FeaturedOfferSegment, ...] = ()


class FeaturedBuyingOption(CamelModel):
    buying_option_type: str | None = None
    segmented_featured_offers: tuple[SegmentedFeaturedOffer, ...] = ()


class ItemError(CamelModel):
    code: str | None = None
    message: str | None = None
    details: str | None = None


class CompetitiveSummaryBody(CamelModel):
    asin: str | None = None
    marketplace_id: str | None = None
    featured_buying_options: tuple[FeaturedBuyingOption, ...] = ()
    errors: tuple[ItemError, ...] = ()


class HttpStatusLine(CamelModel):
    status_code: int
    reason_phrase: str | None = None


class CompetitiveSummaryResponse(CamelModel):
    status: HttpStatusLine
    body: CompetitiveSummaryBody | None = None


class CompetitiveSummaryBatchResponse(CamelModel):
    responses: tuple[CompetitiveSummaryResponse, ...] = ()


# -- what the client returns ---------------------------------------------------------------------------


@dataclass(frozen=True)
class FeaturedOfferStatus:
    """Whether the seller is featured for one ASIN; `featured` None = unknown (never treated as lost)."""

    asin: str
    marketplace_id: str
    featured: bool | None
    detail: str  # OWN_OFFER_FEATURED | OTHER_OFFER_FEATURED | NO_FEATURED_OFFER | ITEM_FAILED | THROTTLED
    featured_seller_ids: tuple[str, ...] = ()
    status_code: int | None = None  # the item's status (or the call's, when it was throttled)
    message: str = ""


def featured_status(seller_id: str, asin: str, marketplace_id: str, body: CompetitiveSummaryBody) -> FeaturedOfferStatus:
    """Featured when our seller id is among the New buying option's segmented featured offers."""
    options = [o for o in body.featured_buying_options if o.buying_option_type is None or o.buying_option_type.lower() == NEW_BUYING_OPTION]
    sellers = tuple(dict.fromkeys(offer.seller_id for option in options for offer in option.segmented_featured_offers if offer.seller_id))
    if not sellers:
        return FeaturedOfferStatus(asin, marketplace_id, None, NO_FEATURED_OFFER, status_code=200)
    if seller_id in sellers:
        return FeaturedOfferStatus(asin, marketplace_id, True, OWN_OFFER_FEATURED, sellers, status_code=200)
    return FeaturedOfferStatus(asin, marketplace_id, False, OTHER_OFFER_FEATURED, sellers, status_code=200)


class PricingCandidate(NamedTuple):
    """An ASIN that may be asked about; a plain (asin, paused, age) tuple works the same."""

    asin: str
    paused_for_featured_offer: bool  # StockGuard holds its ads paused for featured_offer_lost
    offer_fact_age: timedelta | None  # age of the stored offer fact; None: there is none (the oldest of all)


def prioritise(candidates: Iterable[tuple[str, bool, timedelta | None]], *, limit: int | None = None) -> list[str]:
    """ASINs in the order to ask: first those held paused for a lost Featured Offer, then oldest offer fact
    first (no fact at all first of all); ties by ASIN so the order is stable. Each ASIN once, at its
    highest priority; at most `limit`."""

    def key(candidate: tuple[str, bool, timedelta | None]) -> tuple[int, float, str]:
        asin, paused, age = candidate
        return (0 if paused else 1, -(age.total_seconds() if age is not None else float("inf")), asin)

    order = list(dict.fromkeys(c[0] for c in sorted(candidates, key=key)))
    return order if limit is None else order[: max(0, limit)]


# -- the operation ---------------------------------------------------------------------------------------


class PricingApi:
    def __init__(self, call: SellerCall) -> None:
        self._call = call

    def competitive_summary(self, seller_id: str, marketplace_id: str, asins: Sequence[str]) -> dict[str, FeaturedOfferStatus]:
        """Featured Offer status per ASIN (in the order given), 20 ASINs per call."""
        unique = list(dict.fromkeys(asins))
        results: dict[str, FeaturedOfferStatus] = {}
        for start in range(0, len(unique), MAX_BATCH_REQUESTS):
            chunk = unique[start : start + MAX_BATCH_REQUESTS]
            try:
                results.update(self._batch(seller_id, marketplace_id, chunk))
            except SpApiRetryableError as error:  # throttled or out of time: this call and the rest stay unknown
                for asin in unique[start:]:
                    results[asin] = FeaturedOfferStatus(asin, marketplace_id, None, THROTTLED, status_code=error.status, message=str(error))
                break
        return results

    def _batch(self, seller_id: str, marketplace_id: str, asins: list[str]) -> dict[str, FeaturedOfferStatus]:
        requests = [
            {"asin": asin, "marketplaceId": marketplace_id, "includedData": ["featuredBuyingOptions"], "method": "GET", "uri": ITEM_URI}
            for asin in asins
        ]
        response = self._call(OPERATION, "POST", COMPETITIVE_SUMMARY_PATH, json={"requests": requests})
        batch = parse_model(CompetitiveSummaryBatchResponse, self._call.json(OPERATION, response), OPERATION)
        results: dict[str, FeaturedOfferStatus] = {}
        for index, item in enumerate(batch.responses):
            # The body names the ASIN when it can; an error body may not, then the request order does.
            asin = item.body.asin if item.body and item.body.asin else (asins[index] if index < len(asins) else None)
            if asin is None or asin not in asins:
                continue
            if item.status.status_code >= 300 or item.body is None:
                errors = item.body.errors if item.body else ()
                message = "; ".join(": ".join(p for p in (e.code, e.message) if p) for e in errors) or (item.status.reason_phrase or "")
                results[asin] = FeaturedOfferStatus(
                    asin, marketplace_id, None, ITEM_FAILED, status_code=item.status.status_code, message=message
                )
            else:
                results[asin] = featured_status(seller_id, asin, marketplace_id, item.body)
        missing = "missing from the batch response"  # an ASIN the batch did not answer is unknown, not lost
        return {a: results.get(a) or FeaturedOfferStatus(a, marketplace_id, None, ITEM_FAILED, message=missing) for a in asins}
