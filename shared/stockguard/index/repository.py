"""Ad index in DynamoDB (table AdsIndexTable).

    E#{profile}            / {adProduct}#{entityType}#{entityId}   one item per entity (+ fingerprint)
    A#{profile}#{asin}     / same sk                               lookup: entities advertising an ASIN
    S#{profile}#{sku}      / same sk                               lookup: entities advertising a SKU
    META#{profile}         / SYNC                                  last sync time and entity count
    PROFILES               / {account}#{marketplace}               profile mapping cache (TTL)

The Ads API has no ASIN filter on its list endpoints, so the index is what makes "which ads advertise
this ASIN" one DynamoDB query instead of listing every ad of a profile per notification.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from boto3.dynamodb.conditions import Key

from stockguard.clock import iso, parse_iso
from stockguard.domain.ads import AdEntity, EntityState
from stockguard.state.dynamo import from_dynamo, get_table, to_dynamo, ttl_epoch

NO_PROFILE = "-"  # negative cache value: no profile for this account in this marketplace


def _sk(entity: AdEntity) -> str:
    return f"{entity.ref.ad_product}#{entity.ref.entity_type}#{entity.ref.entity_id}"


def _lookup_pks(entity: AdEntity) -> set[str]:
    profile = entity.ref.profile_id
    return {f"A#{profile}#{a}" for a in entity.asins} | {f"S#{profile}#{s}" for s in entity.skus}


def _fingerprint(entity: AdEntity) -> str:
    return hashlib.sha256(json.dumps(entity.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class SyncCounts:
    entities: int
    written: int
    deleted: int


class AdIndexRepository:
    def __init__(self, table_name: str) -> None:
        self._table = get_table(table_name)

    # -- lookups used by decisions ----------------------------------------------------------------
    def entities_for(self, profile_id: str, *, asins: Iterable[str] = (), skus: Iterable[str] = ()) -> list[AdEntity]:
        pks = [f"A#{profile_id}#{a}" for a in sorted(set(asins))] + [f"S#{profile_id}#{s}" for s in sorted(set(skus))]
        found: dict[str, AdEntity] = {}
        for pk in pks:
            for item in self._query(pk):
                entity = AdEntity.model_validate_json(item["entity"])
                found.setdefault(entity.ref.id, entity)
        return [found[k] for k in sorted(found)]

    def profile_entities(self, profile_id: str) -> list[AdEntity]:
        return [AdEntity.model_validate_json(i["entity"]) for i in self._query(f"E#{profile_id}")]

    def update_state(self, entity: AdEntity, state: EntityState) -> AdEntity:
        """Record a state StockGuard set or observed, so the next decision sees it before the next sync."""
        return self.update_states([(entity, state)])[0]

    def update_states(self, changes: Iterable[tuple[AdEntity, EntityState]]) -> list[AdEntity]:
        """update_state for many entities in one batch write (25 items per BatchWriteItem call)."""
        updated = [entity.model_copy(update={"state": state}) for entity, state in changes]
        with self._table.batch_writer(overwrite_by_pkeys=["pk", "sk"]) as writer:
            for entity in updated:
                for item in self._items(entity):
                    writer.put_item(Item=item)
        return updated

    # -- sync -------------------------------------------------------------------------------------
    def replace_profile(self, profile_id: str, entities: Iterable[AdEntity], *, now: datetime) -> SyncCounts:
        """Make the index of one profile equal to `entities`: write what changed, delete what vanished."""
        new = {e.ref.id: e for e in entities}
        old = {e.ref.id: (e, item["fingerprint"]) for item in self._query(f"E#{profile_id}") for e in [AdEntity.model_validate_json(item["entity"])]}
        written = deleted = 0
        with self._table.batch_writer(overwrite_by_pkeys=["pk", "sk"]) as writer:
            for ref_id, (entity, fingerprint) in old.items():
                replacement = new.get(ref_id)
                stale_pks = _lookup_pks(entity) - (_lookup_pks(replacement) if replacement else set())
                for pk in stale_pks:
                    writer.delete_item(Key={"pk": pk, "sk": _sk(entity)})
                if replacement is None:
                    writer.delete_item(Key={"pk": f"E#{profile_id}", "sk": _sk(entity)})
                    deleted += 1
            for ref_id, entity in new.items():
                if ref_id in old and old[ref_id][1] == _fingerprint(entity):
                    continue
                for item in self._items(entity):
                    writer.put_item(Item=item)
                written += 1
        self._table.put_item(
            Item={"pk": f"META#{profile_id}", "sk": "SYNC", "last_synced_at": iso(now), "entities": len(new)}
        )
        return SyncCounts(entities=len(new), written=written, deleted=deleted)

    def last_synced(self, profile_id: str) -> datetime | None:
        item = self._table.get_item(Key={"pk": f"META#{profile_id}", "sk": "SYNC"}).get("Item")
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
    def _items(self, entity: AdEntity) -> list[dict]:
        body = entity.model_dump_json()
        common = {"sk": _sk(entity), "entity": body, "state": entity.state.value, "fingerprint": _fingerprint(entity)}
        items = [{"pk": f"E#{entity.ref.profile_id}", **common}]
        items.extend({"pk": pk, **common} for pk in sorted(_lookup_pks(entity)))
        return [to_dynamo(i) for i in items]

    def _query(self, pk: str) -> list[dict]:
        items: list[dict] = []
        kwargs: dict = {"KeyConditionExpression": Key("pk").eq(pk)}
        while True:
            page = self._table.query(**kwargs)
            items.extend(from_dynamo(i) for i in page.get("Items", []))
            if "LastEvaluatedKey" not in page:
                return items
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]
