"""Layout 2 of the ad index (issue 12): BatchGet lookups (DynamoDB calls counted), lookups sharded past
1000 entities, the upgrade from layout 1, state updates racing the sync, and the BatchGet helper."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from stockguard.domain.ads import AdEntity, AdProduct, EntityRef, EntityState, EntityType
from stockguard.index.repository import AdIndexRepository, IndexReadIncomplete
from stockguard.state import dynamo
from stockguard.state.dynamo import batch_get as _batch_get
from stockguard.state.dynamo import get_table, reset_clients, scan_all
from tests.integration.index.legacy import legacy_lookup_items, write_legacy_layout
from tests.soak.aws_calls import AwsCallCounter

P = "1111111111111111"
T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
ASINS = [f"B0000{n:05d}" for n in range(10)]
SKUS = [f"SKU-{n}-{k}" for n in range(10) for k in (1, 2)]
BIG = "B0BIGBIG00"


def entity(product: AdProduct, entity_id: str, *, asins=(), skus=(), state=EntityState.ENABLED, name=None) -> AdEntity:
    ref = EntityRef(profile_id=P, ad_product=product, entity_type=EntityType.AD, entity_id=entity_id)
    return AdEntity(ref=ref, state=state, campaign_id="c-1", asins=tuple(asins), skus=tuple(skus), name=name)


def batch_catalog() -> list[AdEntity]:
    """Per ASIN of the batch: two SP ads (a SKU only, as sellers' SP ads are), one SB ad (the ASIN), one SD ad
    (ASIN and first SKU); plus ads of ASINs outside the batch, which no lookup may return."""
    entities = []
    for n, asin in enumerate(ASINS):
        entities += [entity(AdProduct.SP, f"2{n:02d}{k}", skus=[f"SKU-{n}-{k}"]) for k in (1, 2)]
        entities.append(entity(AdProduct.SB, f"5{n:02d}", asins=[asin, "B0OTHER001"]))
        entities.append(entity(AdProduct.SD, f"8{n:02d}", asins=[asin], skus=[f"SKU-{n}-1"]))
    entities += [entity(AdProduct.SP, f"9{n:02d}", asins=[f"B0NOTINBT{n}"], skus=[f"OTHER-{n}"]) for n in range(20)]
    return entities


def in_batch(entities: list[AdEntity]) -> set[str]:
    return {e.ref.id for e in entities if set(e.asins) & set(ASINS) or set(e.skus) & set(SKUS)}


@pytest.fixture
def calls(aws_stack):
    """DynamoDB calls of repositories built after this fixture (clients built later carry the hook)."""
    counter = AwsCallCounter().start()
    reset_clients()
    yield counter
    counter.stop()
    reset_clients()


@pytest.fixture
def table(aws_stack):
    return aws_stack.tables["AdsIndexTable"]


# -- BatchGet lookups -------------------------------------------------------------------------------
def test_a_batch_of_10_asins_with_2_skus_each_is_two_batch_gets(table, calls):
    # Given a profile indexed by this layout
    index = AdIndexRepository(table)
    entities = batch_catalog()
    index.replace_profile(P, entities, now=T0)
    calls.clear()
    # When the planner looks up every ASIN and SKU of a batch (10 ASINs, 2 SKUs each)
    found = index.entities_for(P, asins=ASINS, skus=SKUS)
    # Then it costs two BatchGetItem calls (META + 30 lookups, then 40 entities) and no Query
    assert dict(calls.calls) == {"dynamodb:BatchGetItem": 2}
    assert {e.ref.id for e in found} == in_batch(entities) and len(found) == 40
    assert [e.ref.id for e in found] == sorted(e.ref.id for e in found)


def test_lookups_of_unknown_keys_and_of_nothing(table, calls):
    # Given an indexed profile
    index = AdIndexRepository(table)
    index.replace_profile(P, batch_catalog(), now=T0)
    calls.clear()
    # When nothing is asked, or only keys no entity advertises
    assert index.entities_for(P) == []
    assert index.entities_for(P, asins=["B0NOBODY00"], skus=["NOBODY"]) == []
    # Then no call for nothing, one BatchGetItem for unknown keys (no entity round trip)
    assert dict(calls.calls) == {"dynamodb:BatchGetItem": 1}


# -- sharded lookups --------------------------------------------------------------------------------
def test_an_asin_advertised_by_2500_entities_is_split_into_shards(table, calls):
    # Given 2500 ads of one ASIN (a catalogue-wide campaign)
    index = AdIndexRepository(table)
    entities = [entity(AdProduct.SP, f"{n:06d}", asins=[BIG]) for n in range(2500)]
    index.replace_profile(P, entities, now=T0)
    # Then its lookup is three shard items, each far below DynamoDB's 400 KB item limit
    shards = sorted((i for i in scan_all(get_table(table)) if i["pk"] == f"L#{P}"), key=lambda i: i["shard"])
    assert [(i["shard"], len(i["sks"])) for i in shards] == [(0, 1000), (1, 1000), (2, 500)]
    assert shards[0]["shards"] == 3 and max(len(json.dumps(i)) for i in shards) < 40_000
    # When it is looked up
    calls.clear()
    found = index.entities_for(P, asins=[BIG])
    # Then every entity is found: 1 call (META + shard 0), 11 (1000 entities + shards 1, 2), 15 (1500 entities)
    assert len(found) == 2500 and {e.ref.id for e in found} == {e.ref.id for e in entities}
    assert dict(calls.calls) == {"dynamodb:BatchGetItem": 1 + 11 + 15}


def test_resharding_moves_no_entity_that_stays(table):
    # Given a lookup in three shards
    index = AdIndexRepository(table)
    entities = [entity(AdProduct.SP, f"{n:06d}", asins=[BIG]) for n in range(2500)]
    index.replace_profile(P, entities, now=T0)
    before = shard_of_each(table)
    # When 1300 entities stop advertising the ASIN and 100 new ones start
    kept, added = entities[:1200], [entity(AdProduct.SP, f"9{n:05d}", asins=[BIG]) for n in range(100)]
    counts = index.replace_profile(P, kept + added, now=T0 + timedelta(hours=1))
    # Then the kept entities stay in their shards, the new ones fill shard 1's room, the emptied shard 2 is gone
    after = shard_of_each(table)
    assert all(after[sk] == before[sk] for sk in after if sk in before)
    assert {after[f"SP#ad#9{n:05d}"] for n in range(100)} == {1} and set(after.values()) == {0, 1}
    assert counts.lookups_written == 3  # shard 0 (its shard count), shard 1 put; shard 2 deleted
    assert len(index.entities_for(P, asins=[BIG])) == 1300


def shard_of_each(table_name: str) -> dict[str, int]:
    return {sk: i["shard"] for i in scan_all(get_table(table_name)) if i["pk"] == f"L#{P}" for sk in i["sks"]}


# -- upgrade from layout 1 --------------------------------------------------------------------------
def test_upgrade_from_layout_1(table, calls):
    # Given the index as the previous release wrote it (entity copies under A#/S# partitions, no layout in META)
    entities = batch_catalog()
    old_lookups = write_legacy_layout(table, P, entities, now=T0)
    index = AdIndexRepository(table)
    calls.clear()
    # When a batch looks entities up between the deployment and the first sync
    found = index.entities_for(P, asins=ASINS, skus=SKUS)
    # Then they are found through layout 1's partitions (one Query per ASIN and SKU, as before the upgrade)
    assert {e.ref.id for e in found} == in_batch(entities)
    assert dict(calls.calls) == {"dynamodb:BatchGetItem": 2, "dynamodb:Query": 30}
    # And a state recorded in that gap is what the next lookup sees (the entity item is authoritative)
    index.update_state(found[0], EntityState.PAUSED)
    assert next(e for e in index.entities_for(P, asins=ASINS, skus=SKUS) if e.ref.id == found[0].ref.id).state is EntityState.PAUSED
    # When the first sync runs (one ad vanished meanwhile, one now advertises another ASIN)
    listing = [e for e in entities if e.ref.entity_id != "800"]
    listing = [e.model_copy(update={"asins": (ASINS[2],)}) if e.ref.entity_id == "501" else e for e in listing]
    counts = index.replace_profile(P, listing, now=T0 + timedelta(hours=1))
    # Then it rebuilt the profile, removed every old lookup item and records layout 2
    assert counts.upgraded and counts.deleted == 1 and old_lookups > 0
    assert legacy_lookup_items(table) == []
    assert get_table(table).get_item(Key={"pk": f"META#{P}", "sk": "SYNC"})["Item"]["layout"] == 2
    # And lookups take two BatchGetItem calls and return the synced index
    calls.clear()
    found = index.entities_for(P, asins=ASINS, skus=SKUS)
    assert dict(calls.calls) == {"dynamodb:BatchGetItem": 2}
    assert {e.ref.id for e in found} == in_batch(listing)
    assert {e.ref.entity_id for e in index.entities_for(P, asins=[ASINS[1]])} == {"801"}
    assert {e.ref.entity_id for e in index.entities_for(P, asins=[ASINS[2]])} == {"501", "502", "802"}
    assert {e.ref.entity_id for e in index.entities_for(P, asins=["B0OTHER001"])} == {f"5{n:02d}" for n in range(10)} - {"501"}
    # And the next sync has nothing to do
    again = index.replace_profile(P, listing, now=T0 + timedelta(hours=2))
    assert not again.upgraded and again.lookups_written == 0


def test_upgrade_keeps_lookups_whole_while_it_runs(table):
    # Given layout 1, and a reader that looks up in the middle of the upgrade (new lookups written, old ones
    # deleted, META not yet at layout 2)
    entities = batch_catalog()
    write_legacy_layout(table, P, entities, now=T0)
    index, reader = AdIndexRepository(table), AdIndexRepository(table)
    seen: list[set[str]] = []
    original = index._delete_legacy

    def delete_then_read(writer, profile_id, old_items):
        original(writer, profile_id, old_items)
        writer._flush()  # the old items are gone now
        seen.append({e.ref.id for e in reader.entities_for(P, asins=ASINS, skus=SKUS)})

    index._delete_legacy = delete_then_read
    # When the first sync runs
    index.replace_profile(P, entities, now=T0 + timedelta(hours=1))
    # Then the reader found every entity (through the new lookups) although META still said layout 1
    assert seen == [in_batch(entities)]


# -- concurrency: batch functions' state updates vs the sync -----------------------------------------
def test_a_state_update_during_the_sync_is_kept(table):
    # Given an indexed profile
    entities = batch_catalog()
    sync, batch = AdIndexRepository(table), AdIndexRepository(table)
    sync.replace_profile(P, entities, now=T0)
    target = next(e for e in batch.entities_for(P, asins=[ASINS[0]]) if e.ref.ad_product is AdProduct.SD)
    original = sync._current_lookups

    def pause_meanwhile(profile_id):
        batch.update_state(target, EntityState.PAUSED)  # another Lambda pauses it after the sync read the entities
        return original(profile_id)

    sync._current_lookups = pause_meanwhile
    # When the sync writes a listing taken before the pause (the entity still ENABLED there, nothing else changed)
    sync.replace_profile(P, entities, now=T0 + timedelta(hours=1))
    # Then the pause is not lost (the sync writes only entities whose listing changed)
    assert next(e for e in batch.entities_for(P, asins=[ASINS[0]]) if e.ref.id == target.ref.id).state is EntityState.PAUSED


def test_a_state_update_racing_the_removal_of_its_entity_does_not_bring_it_back(table):
    # Given an entity a batch function has just read from the index
    entities = batch_catalog()
    index = AdIndexRepository(table)
    index.replace_profile(P, entities, now=T0)
    stale = next(e for e in index.entities_for(P, asins=[ASINS[0]]) if e.ref.ad_product is AdProduct.SB)
    remaining = [e for e in entities if e.ref.id != stale.ref.id]
    # When the sync removes it (archived by an operator) and then the batch function records its pause
    index.replace_profile(P, remaining, now=T0 + timedelta(hours=1))
    index.update_state(stale, EntityState.PAUSED)
    # Then no lookup finds it (no lookup item names it, and only the sync writes lookup items)
    assert stale.ref.id not in {e.ref.id for e in index.entities_for(P, asins=ASINS, skus=SKUS + ["B0OTHER001"])}
    # And the next sync deletes the stray entity item
    counts = index.replace_profile(P, remaining, now=T0 + timedelta(hours=2))
    assert counts.deleted == 1 and stale.ref.id not in {e.ref.id for e in index.profile_entities(P)}


def test_a_sync_repairs_the_lookups_a_crashed_sync_left(table):
    # Given a sync that died while writing lookups: one shard 0 missing, one naming an entity it should not
    entities = batch_catalog()
    index = AdIndexRepository(table)
    index.replace_profile(P, entities, now=T0)
    raw = get_table(table)
    raw.delete_item(Key={"pk": f"L#{P}", "sk": f"A#{ASINS[0]}#0"})
    raw.put_item(Item={"pk": f"L#{P}", "sk": f"A#{ASINS[1]}#0", "lookup": f"A#{ASINS[1]}", "shard": 0, "shards": 1, "sks": ["SP#ad#900"]})
    # When the next sync runs with the same listing
    counts = index.replace_profile(P, entities, now=T0 + timedelta(hours=1))
    # Then both lookups are whole again (the sync diffs against the stored lookups)
    assert counts.written == 0 and counts.lookups_written == 2
    assert {e.ref.entity_id for e in index.entities_for(P, asins=ASINS[:2])} == {"500", "501", "800", "801"}


# -- the BatchGet helper ----------------------------------------------------------------------------
class UnprocessedFirst:
    """A DynamoDB resource answering each call's last key as unprocessed `times` times, then everything."""

    def __init__(self, times: int) -> None:
        self.left, self.requests = times, []

    def batch_get_item(self, RequestItems):
        self.requests.append(RequestItems)
        ((table, request),) = RequestItems.items()
        keys = request["Keys"]
        if self.left and len(keys) > 0:
            self.left -= 1
            return {"Responses": {table: [dict(k) for k in keys[:-1]]}, "UnprocessedKeys": {table: {**request, "Keys": keys[-1:]}}}
        return {"Responses": {table: [dict(k) for k in keys]}, "UnprocessedKeys": {}}


def test_unprocessed_keys_are_retried_with_capped_backoff():
    # Given DynamoDB leaving a key unprocessed three times (throttling)
    fake, sleeps = UnprocessedFirst(times=3), []
    keys = [{"pk": "E#p", "sk": f"SP#ad#{n}"} for n in range(5)]
    # When the keys are read
    found = _batch_get("t", keys, resource=fake, sleep=sleeps.append)
    # Then every key is returned once, the retries ask only for the unprocessed key, consistently, after backoff
    assert sorted(i["sk"] for i in found) == sorted(k["sk"] for k in keys)
    assert [len(r["t"]["Keys"]) for r in fake.requests] == [5, 1, 1, 1]
    assert all(r["t"]["ConsistentRead"] for r in fake.requests)
    assert len(sleeps) == 3 and all(0 <= s <= 2.0 for s in sleeps)


def test_sustained_unprocessed_keys_fail_the_read():
    # Given DynamoDB never processing the last key
    fake = UnprocessedFirst(times=10**6)
    # When read, Then the read fails loudly (SQS redelivers the batch) instead of dropping the key
    with pytest.raises(IndexReadIncomplete):
        _batch_get("t", [{"pk": "E#p", "sk": "a"}, {"pk": "E#p", "sk": "b"}], resource=fake, sleep=lambda s: None)
    assert len(fake.requests) == dynamo.UNPROCESSED_RETRIES + 1


def test_keys_go_100_a_call_without_duplicates(table, calls):
    # Given 250 entities, and a request naming each of them twice
    index = AdIndexRepository(table)
    index.replace_profile(P, [entity(AdProduct.SP, f"{n:04d}", asins=[BIG]) for n in range(250)], now=T0)
    keys = [{"pk": f"E#{P}", "sk": f"SP#ad#{n:04d}"} for n in range(250)] * 2
    calls.clear()
    # When read
    found = _batch_get(table, keys)
    # Then three calls of at most 100 keys return each item once
    assert len(found) == 250 and dict(calls.calls) == {"dynamodb:BatchGetItem": 3}
