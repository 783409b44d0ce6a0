"""AdIndexStore contract: lookups by ASIN and SKU after a sync, state updates, sync counts, last_synced and
the profile mapping cache with its TTL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from stockguard.domain.ads import AdEntity, AdProduct, EntityRef, EntityState, EntityType
from stockguard.index.repository import NO_PROFILE
from stockguard.state.ports import AdIndexStore

T0 = datetime(2026, 11, 1, 12, 0, 0, 123_000, tzinfo=UTC)
P = "1001"


def ad(n: int | str, *, asins=("B01",), skus=(), profile: str = P, state=EntityState.ENABLED, product=AdProduct.SP, name=None) -> AdEntity:
    return AdEntity(
        ref=EntityRef(profile_id=profile, ad_product=product, entity_type=EntityType.AD, entity_id=f"ad-{n}"),
        state=state,
        campaign_id="c-1",
        asins=tuple(asins),
        skus=tuple(skus),
        name=name,
    )


def ids(entities: list[AdEntity]) -> list[str]:
    return [e.ref.entity_id for e in entities]


def test_entities_are_found_by_asin_and_by_sku_after_a_sync(index: AdIndexStore):
    # Given a synced profile: two ads of B01 (one also by SKU), one SB ad of B02, and an ad of another profile
    index.replace_profile(P, [ad(2, skus=("SKU-1",)), ad(1), ad(3, asins=("B02",), product=AdProduct.SB)], now=T0)
    index.replace_profile("2002", [ad(9, profile="2002")], now=T0)
    # When entities are looked up by ASIN, by SKU, and by both
    # Then each lookup returns the profile's entities advertising them, sorted by id, each once
    assert ids(index.entities_for(P, asins=["B01"])) == ["ad-1", "ad-2"]
    assert ids(index.entities_for(P, skus=["SKU-1"])) == ["ad-2"]
    assert ids(index.entities_for(P, asins=["B01", "B02"], skus=["SKU-1"])) == ["ad-3", "ad-1", "ad-2"]  # SB#… < SP#…
    assert index.entities_for(P, asins=["B0NONE"]) == [] and index.entities_for(P) == []
    assert ids(index.entities_for("2002", asins=["B01"])) == ["ad-9"]
    assert index.entities_for(P, asins=["B01"])[1] == ad(2, skus=("SKU-1",))


def test_a_lookup_over_many_shards_finds_every_entity(index: AdIndexStore):
    # Given 1,150 ads of one ASIN (more than one lookup shard holds)
    counts = index.replace_profile(P, [ad(i) for i in range(1150)], now=T0)
    # Then the sync wrote two shards, and the ASIN finds every ad
    assert (counts.entities, counts.written, counts.lookups_written) == (1150, 1150, 2)
    assert len(index.entities_for(P, asins=["B01"])) == 1150


def test_sync_counts_what_changed(index: AdIndexStore):
    # Given a first sync of three ads
    first = index.replace_profile(P, [ad(1, skus=("S1",)), ad(2), ad(3, asins=("B02",))], now=T0)
    assert (first.entities, first.written, first.deleted, first.lookups_written, first.upgraded) == (3, 3, 0, 3, False)
    # When the same ads are synced again, Then nothing is written
    same = index.replace_profile(P, [ad(3, asins=("B02",)), ad(2), ad(1, skus=("S1",))], now=T0)
    assert (same.written, same.deleted, same.lookups_written) == (0, 0, 0)
    # When one ad changes, one vanishes and one appears (B02's lookup now names ad-4 instead of ad-3)
    changed = index.replace_profile(P, [ad(1, skus=("S1",), name="renamed"), ad(2), ad(4, asins=("B02",))], now=T0)
    # Then two are written, one deleted, one lookup rewritten, and the lookups follow
    assert (changed.entities, changed.written, changed.deleted, changed.lookups_written) == (3, 2, 1, 1)
    assert ids(index.entities_for(P, asins=["B02"])) == ["ad-4"]
    assert ids(index.profile_entities(P)) == ["ad-1", "ad-2", "ad-4"]
    # When every ad vanishes, Then the entities and their lookups are gone
    empty = index.replace_profile(P, [], now=T0)
    assert (empty.entities, empty.deleted, empty.lookups_written) == (0, 3, 3)
    assert index.entities_for(P, asins=["B01", "B02"], skus=["S1"]) == [] and index.profile_entities(P) == []


def test_state_updates_are_seen_by_lookups_without_changing_them(index: AdIndexStore):
    # Given a synced ad of B01
    index.replace_profile(P, [ad(1), ad(2)], now=T0)
    # When StockGuard records states it set (one alone, and a batch)
    paused = index.update_state(ad(1), EntityState.PAUSED)
    updated = index.update_states([(ad(2), EntityState.PAUSED), (ad(1), EntityState.ENABLED)])
    # Then the updated entities are returned and the lookups see their latest states
    assert paused.state is EntityState.PAUSED and [e.state for e in updated] == [EntityState.PAUSED, EntityState.ENABLED]
    assert [e.state for e in index.entities_for(P, asins=["B01"])] == [EntityState.ENABLED, EntityState.PAUSED]
    # And an update never changes which ASINs find an entity (only the sync writes lookups)
    index.update_state(ad(1, asins=("B0NEW",)), EntityState.PAUSED)
    assert index.entities_for(P, asins=["B0NEW"]) == []
    assert ids(index.entities_for(P, asins=["B01"])) == ["ad-1", "ad-2"]


def test_an_update_racing_the_sync_removal_stays_unfindable(index: AdIndexStore):
    # Given an ad the sync removed
    index.replace_profile(P, [ad(1), ad(2)], now=T0)
    index.replace_profile(P, [ad(1)], now=T0)
    # When a late state update writes it again
    index.update_states([(ad(2), EntityState.PAUSED)])
    # Then no lookup finds it, and the next sync deletes it again
    assert ids(index.entities_for(P, asins=["B01"])) == ["ad-1"]
    assert ids(index.profile_entities(P)) == ["ad-1", "ad-2"]
    assert index.replace_profile(P, [ad(1)], now=T0).deleted == 1


def test_last_synced(index: AdIndexStore):
    # Given a profile never synced, Then it has no sync time
    assert index.last_synced(P) is None
    # When it is synced (even with no entities), Then its sync time is the sync's `now` (milliseconds)
    index.replace_profile(P, [], now=T0)
    assert index.last_synced(P) == T0
    index.replace_profile(P, [ad(1)], now=T0 + timedelta(hours=1))
    assert index.last_synced(P) == T0 + timedelta(hours=1)
    assert index.last_synced("2002") is None


def test_the_profile_cache_expires_after_its_ttl(index: AdIndexStore):
    # Given nothing cached, Then the cache says so
    assert index.cached_profile("A1", "ATVPDKIKX0DER", now=T0) is None
    # When a profile is cached for 24 hours and a miss for 1 hour
    index.cache_profile("A1", "ATVPDKIKX0DER", "1001", now=T0, ttl_hours=24)
    index.cache_profile("A2", "ATVPDKIKX0DER", NO_PROFILE, now=T0, ttl_hours=1)
    # Then each is returned until its TTL and not from then on
    assert index.cached_profile("A1", "ATVPDKIKX0DER", now=T0 + timedelta(hours=23, minutes=59)) == "1001"
    assert index.cached_profile("A1", "ATVPDKIKX0DER", now=T0 + timedelta(hours=24)) is None
    assert index.cached_profile("A2", "ATVPDKIKX0DER", now=T0 + timedelta(minutes=59)) == NO_PROFILE
    assert index.cached_profile("A2", "ATVPDKIKX0DER", now=T0 + timedelta(hours=1)) is None
    assert index.cached_profile("A1", "A1F83G8C2ARO7P", now=T0) is None
    # And caching again replaces the entry
    index.cache_profile("A1", "ATVPDKIKX0DER", "1002", now=T0 + timedelta(days=2), ttl_hours=24)
    assert index.cached_profile("A1", "ATVPDKIKX0DER", now=T0 + timedelta(days=2)) == "1002"
