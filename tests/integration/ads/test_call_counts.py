"""How many HTTP calls the client makes: `stats` (benchmarks) agrees with what the simulator saw, and SD
reads by id stop as soon as every id came back instead of paging to an empty page."""

from __future__ import annotations

from collections import Counter

from stockguard.ads.port import Region
from stockguard.domain.ads import AdProduct, EntityState, EntityType
from stockguard_dev.simulator import FaultRule
from tests.integration.ads.support import US_SELLER

SD_ADS = ["800000000000001", "800000000000002"]


def test_stats_count_every_request_sent_retries_and_token_included(h):
    # Given one throttled answer along the way
    h.sim.faults.add(FaultRule(match="PUT /sb/v4/ads", kind="429", times=1, retry_after=0))
    h.client.list_profiles(Region.NA)
    h.client.list_entities(Region.NA, US_SELLER, AdProduct.SB)
    h.client.set_states(Region.NA, US_SELLER, AdProduct.SB, EntityType.AD, [("500000000000001", EntityState.PAUSED)])
    # Then the client's counter is exactly what the simulator recorded, by "METHOD /path"
    assert h.client.stats == Counter(f"{r.method} {r.path}" for r in h.sim.requests)
    assert h.client.stats["PUT /sb/v4/ads"] == 2 and h.client.stats["POST /auth/o2/token"] == 1


def test_sd_read_by_id_stops_once_every_id_came_back(sim, harness_for):
    # Given a server page of one SD ad
    sim.faults.page_size_sd = 1
    h = harness_for(sim)
    # When two known ads are re-read
    states = h.client.get_states(Region.NA, US_SELLER, AdProduct.SD, EntityType.AD, SD_ADS)
    # Then two pages were enough: no third call for an empty page
    assert states == {i: EntityState.ENABLED for i in SD_ADS}
    assert [r.query["startIndex"] for r in h.calls("GET", "/sd/productAds")] == ["0", "1"]


def test_sd_read_with_an_unknown_id_pages_to_the_end(sim, harness_for):
    sim.faults.page_size_sd = 1
    h = harness_for(sim)
    states = h.client.get_states(Region.NA, US_SELLER, AdProduct.SD, EntityType.AD, [*SD_ADS, "123"])
    assert states == {i: EntityState.ENABLED for i in SD_ADS}
    assert [r.query["startIndex"] for r in h.calls("GET", "/sd/productAds")] == ["0", "1", "2"]
