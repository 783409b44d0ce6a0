"""The code's own throughput: the inventory pipeline with every store in memory and a fake Ads API.

No I/O at all (stockguard_dev.memory, tests/support/fake_ads), one core: what StockGuard's own code costs
per notification once DynamoDB and the Ads API are taken away, with a profile summary of where it goes.
The stores are the in-memory adapters that tests/contract proves equal to the DynamoDB ones, so the work
done (records, lookups, transitions, audit) is the production pipeline's.

    .venv/bin/python bench/code_only.py [--notifications N] [--asins A]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def bench_entities(asins: list[str], entities_per_asin: int):
    """Each ASIN advertised by N enabled ads spread over SP, SB and SD (profile P1): the benchmarks' catalog."""
    from stockguard.domain.ads import AdEntity, AdProduct, EntityRef, EntityState, EntityType

    products = [AdProduct.SP, AdProduct.SB, AdProduct.SD]
    return [
        AdEntity(
            ref=EntityRef(profile_id="P1", ad_product=products[i % 3], entity_type=EntityType.AD, entity_id=f"{asin}-{i}"),
            state=EntityState.ENABLED,
            campaign_id="c",
            asins=(asin,),
        )
        for asin in asins
        for i in range(entities_per_asin)
    ]


def memory_world(asins: list[str], entities_per_asin: int = 3):
    """A seller whose every ASIN is advertised by SP, SB and SD ads, all stores in memory, the index synced."""
    from stockguard.ads.port import Profile, Region
    from stockguard.index.sync import sync_index
    from stockguard.policy import StockGuardConfig
    from stockguard_dev.memory.services import memory_services
    from tests.support.fake_ads import FakeAdsApi
    from tests.support.notifications import SELLER, T0, US

    entities = bench_entities(asins, entities_per_asin)
    profile = Profile(profile_id="P1", marketplace_id=US, account_id=SELLER, region=Region.NA)
    ads = FakeAdsApi([profile], entities)
    services = memory_services(ads, StockGuardConfig(dwell_minutes=0))
    sync_index(ads=ads, index=services.index, ledger=services.ledger, profiles=[profile], now=T0)
    return services, ads


def store_requests(services) -> int:
    """Calls on the in-memory stores (each counts its port-method calls): the backend's "requests"."""
    return sum(sum(getattr(services, name).calls.values()) for name in ("stock", "dedup", "ledger", "audit", "index"))


def _wave(notifications: int, n_asins: int):
    """A fresh world with every ASIN out of stock (and paused), and the restock wave's SQS batches of 10."""
    from stockguard.pipeline.batch import process_batch
    from tests.support.notifications import fba, sqs_event

    asins = [f"B{i:09d}" for i in range(n_asins)]
    services, _ = memory_world(asins)
    outs = [fba(a, f"SKU-{a}", 0, minutes=0, nid=f"o-{a}") for a in asins]
    for start in range(0, len(outs), 10):
        process_batch(sqs_event(*outs[start : start + 10])["Records"], services)
    wave = [
        fba(asins[i % n_asins], f"SKU-{asins[i % n_asins]}", 50 + i, minutes=60 + i // n_asins, nid=f"r-{i}") for i in range(notifications)
    ]
    return services, [sqs_event(*wave[s : s + 10])["Records"] for s in range(0, len(wave), 10)]


def restock_wave(notifications: int, n_asins: int, *, top: int = 15) -> tuple[list[str], float]:
    """The wave timed without a profiler, then the same wave on a fresh world under cProfile; (lines, notifications/s)."""
    from stockguard.pipeline.batch import process_batch

    services, batches = _wave(notifications, n_asins)
    before = store_requests(services)
    started = time.perf_counter()
    for records in batches:
        process_batch(records, services)
    elapsed = time.perf_counter() - started
    rate = notifications / elapsed
    requests = (store_requests(services) - before) / notifications
    services, batches = _wave(notifications, n_asins)
    profiler = cProfile.Profile()
    profiler.enable()
    for records in batches:
        process_batch(records, services)
    profiler.disable()
    stream = io.StringIO()
    pstats.Stats(profiler, stream=stream).sort_stats("tottime").print_stats(top)
    table = [line for line in stream.getvalue().splitlines() if line.strip()][-(top + 1) :]
    lines = [
        f"Code only (every store in memory, fake Ads API, one core; restock wave of {notifications:,} notifications over "
        f"{n_asins:,} ASINs, 3 entities each, batches of 10): **{rate:,.0f} notifications/s** ({elapsed:.2f} s, no "
        f"profiler), {requests:.1f} store calls per notification.",
        "",
        f"Profile of the same wave on a fresh world (cProfile, top {top} functions by own time):",
        "",
        "```",
        *table,
        "```",
    ]
    return lines, rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--notifications", type=int, default=10_000)
    parser.add_argument("--asins", type=int, default=2_000)
    args = parser.parse_args()
    import logging

    logging.getLogger("stockguard").setLevel(logging.ERROR)
    lines, _ = restock_wave(args.notifications, args.asins)
    print("\n".join(lines))


if __name__ == "__main__":
    main()
