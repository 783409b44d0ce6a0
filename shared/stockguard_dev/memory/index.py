"""In-memory ad index: the same entity items, lookup shards, sync counts and profile cache as
index.repository.AdIndexRepository.

As in the table, the entity item is the only copy of an entity (state updates write only it) and the
lookups (which entities advertise an ASIN or SKU) are written only by the sync, through the adapter's own
desired_lookups / lookup_changes (so shards and `lookups_written` match); entities_for returns the entity
items the lookups name. The profile cache keeps the adapter's TTL (expires_at, epoch seconds).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from stockguard.clock import iso, parse_iso
from stockguard.domain.ads import AdEntity, EntityState
from stockguard.index.repository import LAYOUT, SyncCounts, desired_lookups, entity_sort_key, fingerprint, lookup_changes
from stockguard.state.dynamo import ttl_epoch
from stockguard_dev.memory._counting import counted


class StoredEntity(NamedTuple):
    entity: AdEntity
    fingerprint: str


class MemoryAdIndex:
    def __init__(self) -> None:
        self.entities: dict[str, dict[str, StoredEntity]] = {}  # profile -> entity sort key -> entity item
        self.lookups: dict[str, dict[str, dict]] = {}  # profile -> lookup shard sk ("A#{asin}#{n}") -> shard item
        self.meta: dict[str, dict] = {}  # profile -> META item (last_synced_at, entities, layout)
        self.profiles: dict[tuple[str, str], dict] = {}  # (account, marketplace) -> cache item (expires_at)
        self.calls: Counter[str] = Counter()
        self._lock = threading.Lock()

    # -- lookups used by decisions ----------------------------------------------------------------
    @counted
    def entities_for(self, profile_id: str, *, asins: Iterable[str] = (), skus: Iterable[str] = ()) -> list[AdEntity]:
        wanted = {f"A#{a}" for a in asins} | {f"S#{s}" for s in skus}
        with self._lock:
            shards = [i for i in self.lookups.get(profile_id, {}).values() if i["lookup"] in wanted]
            stored = self.entities.get(profile_id, {})
            found = [stored[sk].entity for sk in {sk for shard in shards for sk in shard["sks"]} if sk in stored]
        return sorted(found, key=lambda e: e.ref.id)

    @counted
    def profile_entities(self, profile_id: str) -> list[AdEntity]:
        with self._lock:
            stored = self.entities.get(profile_id, {})
            return [stored[sk].entity for sk in sorted(stored)]

    @counted
    def update_state(self, entity: AdEntity, state: EntityState) -> AdEntity:
        return self._put([(entity, state)])[0]

    @counted
    def update_states(self, changes: Iterable[tuple[AdEntity, EntityState]]) -> list[AdEntity]:
        return self._put(changes)

    # -- sync -------------------------------------------------------------------------------------
    @counted
    def replace_profile(self, profile_id: str, entities: Iterable[AdEntity], *, now: datetime) -> SyncCounts:
        """Write changed entities, rebuild the lookups, delete vanished entities, then META (as the adapter).

        `upgraded` is True where the adapter's would be: entity items exist but no sync wrote META yet."""
        new = {entity_sort_key(e): e for e in entities}
        with self._lock:
            old = self.entities.setdefault(profile_id, {})
            upgraded = bool(old) and int(self.meta.get(profile_id, {}).get("layout", 0)) < LAYOUT
            changed = [sk for sk, e in new.items() if sk not in old or old[sk].fingerprint != fingerprint(e)]
            old.update({sk: StoredEntity(new[sk], fingerprint(new[sk])) for sk in changed})
            lookups_written = self._sync_lookups(profile_id, desired_lookups(new.values()))
            vanished = sorted(old.keys() - new.keys())
            for sk in vanished:
                del old[sk]
            self.meta[profile_id] = {"last_synced_at": iso(now), "entities": len(new), "layout": LAYOUT}
        return SyncCounts(
            entities=len(new), written=len(changed), deleted=len(vanished), lookups_written=lookups_written, upgraded=upgraded
        )

    @counted
    def last_synced(self, profile_id: str) -> datetime | None:
        meta = self.meta.get(profile_id)
        return parse_iso(meta["last_synced_at"]) if meta else None

    # -- profile mapping cache --------------------------------------------------------------------
    @counted
    def cached_profile(self, account_id: str, marketplace_id: str, *, now: datetime) -> str | None:
        item = self.profiles.get((account_id, marketplace_id))
        if not item or int(item.get("expires_at", 0)) <= int(now.timestamp()):
            return None
        return str(item["profile_id"])

    @counted
    def cache_profile(self, account_id: str, marketplace_id: str, profile_id: str, *, now: datetime, ttl_hours: float) -> None:
        self.profiles[(account_id, marketplace_id)] = {
            "profile_id": profile_id,
            "cached_at": iso(now),
            "expires_at": ttl_epoch(now, days=ttl_hours / 24),
        }

    # -- internals --------------------------------------------------------------------------------
    def _put(self, changes: Iterable[tuple[AdEntity, EntityState]]) -> list[AdEntity]:
        """Overwrite the entity items (lookups untouched: an entity the sync removed stays unfindable)."""
        updated = [entity.model_copy(update={"state": state}) for entity, state in changes]
        with self._lock:
            for entity in updated:
                self.entities.setdefault(entity.ref.profile_id, {})[entity_sort_key(entity)] = StoredEntity(entity, fingerprint(entity))
        return updated

    def _sync_lookups(self, profile_id: str, desired: dict[str, set[str]]) -> int:
        """Apply the adapter's lookup_changes to the stored shards; how many shard items changed."""
        stored = self.lookups.setdefault(profile_id, {})
        current: dict[str, dict[int, dict]] = {}
        for item in stored.values():
            current.setdefault(item["lookup"], {})[int(item["shard"])] = item
        puts, deletes = lookup_changes(profile_id, current, desired)
        stored.update({item["sk"]: item for item in puts})
        for key in deletes:
            stored.pop(key["sk"], None)
        return len(puts) + len(deletes)
