"""A generated seller catalog and FBA notification stream for load runs (the soak and bench/).

One US seller profile. Every ASIN has one to three SKUs; SP ads name a SKU (as sellers' SP ads do), SD ads
an ASIN and a SKU, SB ads one or two ASINs; a few ads were paused by the operator before StockGuard
started. The stream walks every SKU through time steps: in a step an ASIN is either out of stock (every
SKU at 0) or in stock (at least one SKU above 0, others possibly at 0), so the ASIN-level sum matters.
The expected final state of every ad follows from the latest fact of each SKU, independently of the
pipeline: an ASIN is out when the sum of its SKUs' latest Fulfillable is 0 (default thresholds 0 / 1);
SB uses the default "all" rule (paused only when every ASIN is out); operator pauses are never undone.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from stockguard.ads.entities import product_ad_entity, sb_ad_entity
from stockguard.ads.port import Profile, Region
from stockguard.domain.ads import AdEntity, AdProduct
from tests.support.notifications import SELLER, T0, US, fba

PROFILE = "7000000000000001"
CREDENTIALS = {"client_id": "load-client-id", "client_secret": "load-client-secret", "refresh_token": "Atzr|load-refresh-token"}
# Steps are close in event time: the handler schedules a re-evaluation with SQS DelaySeconds equal to the
# event-time gap when a batch decided an entity at a later time than a newer notification's own event time,
# and load runs wait for those in wall time.
STEP = timedelta(seconds=2)


@dataclass(frozen=True)
class Ad:
    product: str  # "SP" | "SB" | "SD"
    ad_id: str
    asins: tuple[str, ...]  # SP: the ASIN of its SKU (StockGuard learns it from FBA facts)
    skus: tuple[str, ...] = ()
    operator_paused: bool = False


@dataclass(frozen=True)
class Fact:
    """One FBA notification: a SKU's Fulfillable at a step."""

    asin: str
    sku: str
    fulfillable: int
    step: int
    notification_id: str
    event_time: datetime

    def body(self) -> str:
        return json.dumps(fba_notification(self.asin, self.sku, self.fulfillable, at=self.event_time, nid=self.notification_id))


@dataclass
class Workload:
    skus_by_asin: dict[str, tuple[str, ...]]
    ads: list[Ad]
    profile_id: str = PROFILE
    asin_of_sku: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        self.asin_of_sku = {sku: asin for asin, skus in self.skus_by_asin.items() for sku in skus}

    @property
    def asins(self) -> list[str]:
        return list(self.skus_by_asin)

    @property
    def skus(self) -> list[str]:
        return [sku for skus in self.skus_by_asin.values() for sku in skus]

    # -- the same catalog for the simulator (HTTP) and for FakeAdsApi (in memory) ------------------
    def simulator_catalog(self) -> dict:
        raw = self._raw_ads()
        profile = {
            "profileId": int(self.profile_id),
            "countryCode": "US",
            "currencyCode": "USD",
            "timezone": "America/Los_Angeles",
            "accountInfo": {"marketplaceStringId": US, "id": SELLER, "type": "seller"},
        }
        return {
            "credentials": CREDENTIALS,
            "profiles": [profile],
            "entities": {
                self.profile_id: {
                    "sp_product_ads": raw["SP"],
                    "sb_ads": raw["SB"],
                    "sd_product_ads": raw["SD"],
                    "sp_campaigns": [],
                    "sb_campaigns": [{"campaignId": "22", "name": "load sb", "state": "ENABLED"}],
                    "sd_campaigns": [],
                }
            },
        }

    def profile(self) -> Profile:
        return Profile(
            profile_id=self.profile_id, country_code="US", marketplace_id=US, account_id=SELLER, account_type="seller", region=Region.NA
        )

    def entities(self) -> list[AdEntity]:
        """What the Ads API client's list calls make of the catalog (the same parsers)."""
        raw = self._raw_ads()
        return (
            [product_ad_entity(self.profile_id, AdProduct.SP, ad) for ad in raw["SP"]]
            + [sb_ad_entity(self.profile_id, ad) for ad in raw["SB"]]
            + [product_ad_entity(self.profile_id, AdProduct.SD, ad) for ad in raw["SD"]]
        )

    def _raw_ads(self) -> dict[str, list[dict]]:
        raw: dict[str, list[dict]] = {"SP": [], "SB": [], "SD": []}
        for ad in self.ads:
            state = "PAUSED" if ad.operator_paused else "ENABLED"
            if ad.product == "SP":
                raw["SP"].append({"adId": ad.ad_id, "adGroupId": "1", "campaignId": "11", "state": state, "sku": ad.skus[0]})
            elif ad.product == "SB":
                raw["SB"].append(
                    {
                        "adId": ad.ad_id,
                        "adGroupId": "2",
                        "campaignId": "22",
                        "name": f"sb {ad.ad_id}",
                        "state": state,
                        "creative": {"type": "PRODUCT_COLLECTION", "asins": list(ad.asins)},
                    }
                )
            else:
                raw["SD"].append(
                    {
                        "adId": int(ad.ad_id),
                        "adGroupId": 3,
                        "campaignId": 33,
                        "state": state.lower(),
                        "asin": ad.asins[0],
                        "sku": ad.skus[0],
                    }
                )
        return raw

    # -- expectations -------------------------------------------------------------------------------
    def expected_states(self, facts: list[Fact]) -> dict[tuple[str, str], str]:
        """(ad product, ad id) -> "ENABLED" | "PAUSED" from the latest fact of each SKU."""
        latest: dict[str, Fact] = {}
        for fact in facts:
            current = latest.get(fact.sku)
            if current is None or (fact.event_time, fact.notification_id) > (current.event_time, current.notification_id):
                latest[fact.sku] = fact
        available: dict[str, int] = {}
        for fact in latest.values():
            available[fact.asin] = available.get(fact.asin, 0) + fact.fulfillable
        out = {asin: available[asin] <= 0 for asin in available}  # an ASIN never notified is not out
        expected: dict[tuple[str, str], str] = {}
        for ad in self.ads:
            paused = ad.operator_paused or all(out.get(a, False) for a in ad.asins)
            expected[(ad.product, ad.ad_id)] = "PAUSED" if paused else "ENABLED"
        return expected


def build_workload(n_asins: int, *, seed: int = 7, operator_paused_every: int = 97) -> Workload:
    """SP: one ad per SKU; SD: one ad for every second ASIN; SB: one ad for every fifth ASIN, half of them
    featuring the next ASIN too; every `operator_paused_every`-th ad starts PAUSED by the operator."""
    rng = random.Random(seed)
    asins = [f"B{i:09d}" for i in range(n_asins)]
    skus_by_asin = {asin: tuple(f"SKU-{asin}-{k}" for k in range(rng.choice((1, 2, 2, 3)))) for asin in asins}
    ads: list[Ad] = []
    for i, asin in enumerate(asins):
        for sku in skus_by_asin[asin]:
            ads.append(Ad("SP", f"1{len(ads):09d}", (asin,), (sku,)))
        if i % 2 == 0:
            ads.append(Ad("SD", f"3{len(ads):09d}", (asin,), (skus_by_asin[asin][0],)))
        if i % 5 == 0:
            featured = (asin, asins[i + 1]) if i % 10 == 0 and i + 1 < n_asins else (asin,)
            ads.append(Ad("SB", f"2{len(ads):09d}", featured))
    ads = [
        Ad(a.product, a.ad_id, a.asins, a.skus, operator_paused=(n % operator_paused_every == operator_paused_every - 1))
        for n, a in enumerate(ads)
    ]
    return Workload(skus_by_asin=skus_by_asin, ads=ads)


def one_asin_workload(n_entities: int, asin: str = "B0000000N1") -> Workload:
    """One ASIN (one SKU) advertised by n entities, round-robin over SP, SB and SD."""
    sku = f"SKU-{asin}"
    products = ("SP", "SB", "SD")
    ads = [Ad(products[i % 3], f"{i % 3 + 1}{i:09d}", (asin,), (sku,) if products[i % 3] != "SB" else ()) for i in range(n_entities)]
    return Workload(skus_by_asin={asin: (sku,)}, ads=ads)


def stock_history(workload: Workload, total: int, *, seed: int = 11, out_probability: float = 0.1, prefix: str = "n") -> list[Fact]:
    """`total` FBA notifications in event-time order: SKU k % n_skus at step k // n_skus."""
    rng = random.Random(seed)
    skus = workload.skus
    out_at: dict[tuple[str, int], bool] = {}
    lead: dict[tuple[str, int], str] = {}
    facts: list[Fact] = []
    for k in range(total):
        sku = skus[k % len(skus)]
        step = k // len(skus)
        asin = workload.asin_of_sku[sku]
        key = (asin, step)
        if key not in out_at:
            out_at[key] = rng.random() < out_probability
            lead[key] = rng.choice(workload.skus_by_asin[asin])
        if out_at[key]:
            quantity = 0
        elif sku == lead[key]:
            quantity = rng.randint(1, 40)
        else:
            quantity = rng.choice((0, rng.randint(1, 40)))
        at = T0 + step * STEP
        facts.append(Fact(asin, sku, quantity, step, f"{prefix}-{step}-{sku}", at))
    return facts


def fba_notification(asin: str, sku: str, fulfillable: int, *, at: datetime, nid: str) -> dict:
    return fba(asin, sku, fulfillable, minutes=(at - T0) / timedelta(minutes=1), nid=nid, seller=SELLER, marketplace=US)


def sqs_delivery_order(
    facts: list[Fact], *, seed: int = 13, duplicate_rate: float = 0.03, late_rate: float = 0.01, window: int = 100
) -> tuple[list[str], int, int]:
    """Bodies in the order SQS would hand them over: shuffled within windows (best-effort order), a share
    re-sent by SP-API as new messages (same NotificationId) somewhere later, a share arriving late (after
    newer facts of the same SKU). Returns (bodies, duplicates, late)."""
    rng = random.Random(seed)
    bodies = [f.body() for f in facts]
    for start in range(0, len(bodies), window):
        chunk = bodies[start : start + window]
        rng.shuffle(chunk)
        bodies[start : start + window] = chunk
    late = rng.sample(range(len(bodies)), int(len(bodies) * late_rate))
    for position in sorted(late, reverse=True):
        body = bodies.pop(position)
        bodies.insert(min(len(bodies), position + rng.randint(window, 30 * window)), body)
    duplicates = rng.sample(bodies, int(len(bodies) * duplicate_rate))
    for body in duplicates:
        bodies.insert(rng.randint(0, len(bodies)), body)
    return bodies, len(duplicates), len(late)
