"""Ad index in DynamoDB (table AdsIndexTable), layout 2.

    E#{profile}     / {adProduct}#{entityType}#{entityId}   one item per entity (+ fingerprint): the only
                                                            copy of an entity, written by the sync and by
                                                            state updates
    L#{profile}     / A#{asin}#{shard}                      lookup: sort keys of the entities advertising an
    L#{profile}     / S#{sku}#{shard}                       ASIN / a SKU (`sks`); shard 0 carries `shards`;
                                                            written only by the sync
    META#{profile}  / SYNC                                  last sync time, entity count, `layout`
    PROFILES        / {account}#{marketplace}               profile mapping cache (TTL)

The Ads API has no ASIN filter on its list endpoints, so the index is what makes "which ads advertise
these ASINs and SKUs" a DynamoDB read instead of listing every ad of a profile per notification. Every
lookup key has a known primary key, so the lookups of a whole batch are BatchGetItem calls (100 keys
each): one round trip for the lookup items (and the META item), one for the entity items they name.
Entities are not embedded in the lookup items on purpose: a state update then writes one item per
entity (BatchWriteItem), and the sync is the only writer of lookup items, so no read-modify-write of a
shared lookup item can lose a concurrent change.

Layout 1 (before issue 12) kept a full copy of the entity under A#{profile}#{asin} / S#{profile}#{sku}
with the entity's sort key, one Query per ASIN and SKU. A profile whose META item lacks `layout: 2`
is still read through those partitions as well (deploy → first sync), and its next sync rebuilds the
lookups and deletes the old items (`replace_profile`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from boto3.dynamodb.conditions import Key

from stockguard.clock import iso, parse_iso
from stockguard.domain.ads import AdEntity, EntityState
from stockguard.state.dynamo import UnprocessedKeysError, batch_get, from_dynamo, get_table, to_dynamo, ttl_epoch

NO_PROFILE = "-"  # negative cache value: no profile for this account in this marketplace
LAYOUT = 2  # META#{profile}.layout once the sync has written this layout for the profile
# A lookup shard holds at most this many sort keys / bytes of sort keys: ~1000 x 30 bytes stays far below
# DynamoDB's 400 KB item limit whatever the ids look like, and a read of it costs a handful of RCUs.
MAX_SHARD_ENTRIES = 1000
MAX_SHARD_BYTES = 64_000


# A lookup whose keys DynamoDB kept leaving unprocessed (sustained throttling): the batch is redelivered.
IndexReadIncomplete = UnprocessedKeysError


def entity_sort_key(entity: AdEntity) -> str:
    """The sort key of an entity within its profile (what lookups name)."""
    return f"{entity.ref.ad_product}#{entity.ref.entity_type}#{entity.ref.entity_id}"


def _lookups(entity: AdEntity) -> set[str]:
    return {f"A#{a}" for a in entity.asins} | {f"S#{s}" for s in entity.skus}


def _legacy_pk(profile_id: str, lookup: str) -> str:
    """Layout 1's partition of a lookup ("A#B0…" -> "A#{profile}#B0…")."""
    kind, value = lookup.split("#", 1)
    return f"{kind}#{profile_id}#{value}"


def _entity_key(profile_id: str, sk: str) -> dict[str, str]:
    return {"pk": f"E#{profile_id}", "sk": sk}


def _shard_key(profile_id: str, lookup: str, shard: int) -> dict[str, str]:
    return {"pk": f"L#{profile_id}", "sk": f"{lookup}#{shard}"}


def _meta_key(profile_id: str) -> dict[str, str]:
    return {"pk": f"META#{profile_id}", "sk": "SYNC"}


def fingerprint(entity: AdEntity) -> str:
    """A digest of everything stored about an entity: the sync rewrites only entities whose digest changed."""
    return hashlib.sha256(json.dumps(entity.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()[:16]


def desired_lookups(entities: Iterable[AdEntity]) -> dict[str, set[str]]:
    """Lookup ("A#{asin}" / "S#{sku}") -> sort keys of the entities advertising it."""
    desired: dict[str, set[str]] = {}
    for entity in entities:
        for lookup in _lookups(entity):
            desired.setdefault(lookup, set()).add(entity_sort_key(entity))
    return desired


def reshard(current: list[list[str]], desired: set[str]) -> list[list[str]]:
    """The shards of one lookup holding exactly `desired`, moving no sort key that stays.

    An entity that keeps advertising an ASIN stays in its shard, so a reader racing the sync never
    misses it because it moved between two shard items written by different BatchWriteItem requests.
    New sort keys fill the first shards with room, then new shards; empty trailing shards are dropped.
    """
    if not desired:
        return []
    shards = [[sk for sk in shard if sk in desired] for shard in current] or [[]]
    sizes = [sum(len(sk.encode()) for sk in shard) for shard in shards]
    placed = {sk for shard in shards for sk in shard}
    room = 0
    for sk in sorted(desired - placed):
        size = len(sk.encode())
        while room < len(shards) and (len(shards[room]) >= MAX_SHARD_ENTRIES or sizes[room] + size > MAX_SHARD_BYTES):
            room += 1
        if room == len(shards):
            shards.append([])
            sizes.append(0)
        shards[room].append(sk)
        sizes[room] += size
    while len(shards) > 1 and not shards[-1]:
        shards.pop()
    return [sorted(shard) for shard in shards]


def lookup_changes(
    profile_id: str, current: dict[str, dict[int, dict]], desired: dict[str, set[str]]
) -> tuple[list[dict], list[dict[str, str]]]:
    """The lookup shard items to put (content changes) and the keys to delete (no longer needed) so that
    the stored lookups (lookup -> shard -> item) name exactly `desired` (lookup -> entity sort keys).

    Pure, so that the in-memory index (stockguard_dev.memory) syncs, and counts, exactly like this one."""
    puts: list[dict] = []
    deletes: list[dict[str, str]] = []
    for lookup in sorted(current.keys() | desired.keys()):
        have = current.get(lookup, {})
        before = [list(have[n]["sks"]) if n in have else [] for n in range(max(have, default=-1) + 1)]
        shards = reshard(before, desired.get(lookup, set()))
        for n, sks in enumerate(shards):
            item = {**_shard_key(profile_id, lookup, n), "lookup": lookup, "shard": n, "sks": sks}
            if n == 0:
                item["shards"] = len(shards)
            if have.get(n) != item:
                puts.append(item)
        deletes.extend(_shard_key(profile_id, lookup, n) for n in sorted(set(have) - set(range(len(shards)))))
    return puts, deletes


@dataclass(frozen=True)
class SyncCounts:
    entities: int
    written: int
    deleted: int
    lookups_written: int = 0  # lookup shard items put or deleted
    upgraded: bool = False  # this run rebuilt a layout-1 profile (and removed its old items)


class AdIndexRepository:
    def __init__(self, table_name: str) -> None:
        self._table = get_table(table_name)

    # -- lookups used by decisions ----------------------------------------------------------------
    def entities_for(self, profile_id: str, *, asins: Iterable[str] = (), skus: Iterable[str] = ()) -> list[AdEntity]:
        """Every entity advertising one of the ASINs or SKUs, sorted by id.

        Round trip 1: the META item and shard 0 of every lookup; round trip 2: the entity items they name
        (and shards 1.. of lookups over MAX_SHARD_ENTRIES); round trip 3 only for those extra shards. The
        entity item is authoritative (state updates write only it), also for a layout-1 profile. Round 1 is
        eventually consistent (only the hourly sync writes those items: half the read units); entity items
        are read strongly consistent, so a state recorded a moment ago by another invocation is seen.
        """
        lookups = [f"A#{a}" for a in sorted(set(asins))] + [f"S#{s}" for s in sorted(set(skus))]
        if not lookups:
            return []
        first = self._get([_meta_key(profile_id), *(_shard_key(profile_id, lookup, 0) for lookup in lookups)], consistent=False)
        meta = next((i for i in first if i["pk"].startswith("META#")), None)
        shards = [i for i in first if i["pk"].startswith("L#")]
        sks = {sk for shard in shards for sk in shard["sks"]}
        more = [_shard_key(profile_id, s["lookup"], n) for s in shards for n in range(1, int(s.get("shards", 1)))]
        if meta is None or int(meta.get("layout", 1)) < LAYOUT:
            sks |= self._legacy_sks(profile_id, lookups)
        found = self._get([*(_entity_key(profile_id, sk) for sk in sorted(sks)), *more])
        extra = {sk for i in found if i["pk"].startswith("L#") for sk in i["sks"]} - sks
        found += self._get([_entity_key(profile_id, sk) for sk in sorted(extra)])
        entities = {e.ref.id: e for i in found if i["pk"].startswith("E#") for e in [AdEntity.model_validate_json(i["entity"])]}
        return [entities[k] for k in sorted(entities)]

    def profile_entities(self, profile_id: str) -> list[AdEntity]:
        return [AdEntity.model_validate_json(i["entity"]) for i in self._query(f"E#{profile_id}")]

    def update_state(self, entity: AdEntity, state: EntityState) -> AdEntity:
        """Record a state StockGuard set or observed, so the next decision sees it before the next sync."""
        return self.update_states([(entity, state)])[0]

    def update_states(self, changes: Iterable[tuple[AdEntity, EntityState]]) -> list[AdEntity]:
        """update_state for many entities: one entity item each, 25 items per BatchWriteItem call.

        Lookup items are not touched (they hold no state). An update racing the sync's removal of the
        entity recreates only its entity item, which no lookup names, so no decision sees it, and the next
        sync deletes it again.
        """
        updated = [entity.model_copy(update={"state": state}) for entity, state in changes]
        with self._table.batch_writer(overwrite_by_pkeys=["pk", "sk"]) as writer:
            for entity in updated:
                writer.put_item(Item=self._entity_item(entity))
        return updated

    # -- sync -------------------------------------------------------------------------------------
    def replace_profile(self, profile_id: str, entities: Iterable[AdEntity], *, now: datetime) -> SyncCounts:
        """Make the index of one profile equal to `entities`: write what changed, delete what vanished.

        Writes go in an order that keeps concurrent lookups whole: new entity items before the lookups
        naming them, lookups before the removal of vanished entities, META (with the layout) last. A
        layout-1 profile's old lookup items are deleted once the new ones are written, so a reader that
        still sees layout 1 in META (and reads both) finds every entity throughout.
        """
        new = {entity_sort_key(e): e for e in entities}
        old = {i["sk"]: i for i in self._query(f"E#{profile_id}")}
        current = self._current_lookups(profile_id)
        upgrade = bool(old) and self._layout(profile_id) < LAYOUT  # layout-1 items exist only beside entity items
        written = deleted = 0
        with self._table.batch_writer(overwrite_by_pkeys=["pk", "sk"]) as writer:
            for sk, entity in new.items():
                if sk not in old or old[sk].get("fingerprint") != fingerprint(entity):
                    writer.put_item(Item=self._entity_item(entity))
                    written += 1
            lookups_written = self._write_lookups(writer, profile_id, current, desired_lookups(new.values()))
            if upgrade:
                self._delete_legacy(writer, profile_id, old.values())
            for sk in old.keys() - new.keys():
                writer.delete_item(Key=_entity_key(profile_id, sk))
                deleted += 1
        self._table.put_item(Item={**_meta_key(profile_id), "last_synced_at": iso(now), "entities": len(new), "layout": LAYOUT})
        return SyncCounts(entities=len(new), written=written, deleted=deleted, lookups_written=lookups_written, upgraded=upgrade)

    def last_synced(self, profile_id: str) -> datetime | None:
        item = self._table.get_item(Key=_meta_key(profile_id)).get("Item")
        return parse_iso(item["last_synced_at"]) if item else None

    # -- profile mapping cache --------------------------------------------------------------------
    def cached_profile(self, account_id: str, marketplace_id: str, *, now: datetime) -> str | None:
        """The cached profile id, NO_PROFILE for a cached miss, or None when nothing (fresh) is cached."""
        item = self._table.get_item(Key={"pk": "PROFILES", "sk": f"{account_id}#{marketplace_id}"}).get("Item")
        if not item or int(item.get("expires_at", 0)) <= int(now.timestamp()):
            return None
        return str(item["profile_id"])

    def cache_profile(self, account_id: str, marketplace_id: str, profile_id: str, *, now: datetime, ttl_hours: float) -> None:
        self._table.put_item(
            Item={
                "pk": "PROFILES",
                "sk": f"{account_id}#{marketplace_id}",
                "profile_id": profile_id,
                "cached_at": iso(now),
                "expires_at": ttl_epoch(now, days=ttl_hours / 24),
            }
        )

    # -- internals --------------------------------------------------------------------------------
    def _entity_item(self, entity: AdEntity) -> dict:
        return to_dynamo(
            {
                **_entity_key(entity.ref.profile_id, entity_sort_key(entity)),
                "entity": entity.model_dump_json(),
                "state": entity.state.value,
                "fingerprint": fingerprint(entity),
            }
        )

    def _write_lookups(self, writer, profile_id: str, current: dict[str, dict[int, dict]], desired: dict[str, set[str]]) -> int:
        """Put the shard items whose content changes, delete those no longer needed; returns how many."""
        puts, deletes = lookup_changes(profile_id, current, desired)
        for item in puts:
            writer.put_item(Item=item)
        for key in deletes:
            writer.delete_item(Key=key)
        return len(puts) + len(deletes)

    def _current_lookups(self, profile_id: str) -> dict[str, dict[int, dict]]:
        """The lookup items as stored (lookup -> shard -> item): the sync diffs against what is there,
        not against what the entity items imply, so a crashed sync's partial writes are repaired."""
        current: dict[str, dict[int, dict]] = {}
        for item in self._query(f"L#{profile_id}"):
            current.setdefault(item["lookup"], {})[int(item["shard"])] = item
        return current

    def _layout(self, profile_id: str) -> int:
        item = self._table.get_item(Key=_meta_key(profile_id), ConsistentRead=True).get("Item")
        return int(item.get("layout", 1)) if item else 0

    def _delete_legacy(self, writer, profile_id: str, old_items: Iterable[dict]) -> None:
        """Layout 1 kept one lookup item per (ASIN or SKU, entity), keyed by the entity's sort key: the
        entity items say which exist (layout 1's sync and state updates always wrote both together)."""
        for item in old_items:
            entity = AdEntity.model_validate_json(item["entity"])
            for lookup in sorted(_lookups(entity)):
                writer.delete_item(Key={"pk": _legacy_pk(profile_id, lookup), "sk": item["sk"]})

    def _legacy_sks(self, profile_id: str, lookups: list[str]) -> set[str]:
        """Sort keys under layout 1's lookup partitions: one Query each, only until the profile's first
        sync with this code (its META then says layout 2)."""
        return {
            item["sk"]
            for lookup in lookups
            for item in self._query(_legacy_pk(profile_id, lookup), ProjectionExpression="#sk", ExpressionAttributeNames={"#sk": "sk"})
        }

    def _get(self, keys: list[dict[str, str]], *, consistent: bool = True) -> list[dict]:
        return batch_get(self._table.name, keys, consistent=consistent) if keys else []

    def _query(self, pk: str, **extra: Any) -> list[dict]:
        items: list[dict] = []
        kwargs: dict = {"KeyConditionExpression": Key("pk").eq(pk), **extra}
        while True:
            page = self._table.query(**kwargs)
            items.extend(from_dynamo(i) for i in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
