"""Today's (layout 1) ad index, written as raw items exactly as the pre-issue-12 repository wrote them:
an entity item plus a full copy under A#{profile}#{asin} / S#{profile}#{sku} with the entity's sort key,
and a META item without `layout`. The upgrade tests start from this."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime

from stockguard.clock import iso
from stockguard.domain.ads import AdEntity
from stockguard.state.dynamo import get_table, scan_all


def legacy_items(entity: AdEntity) -> list[dict]:
    sk = f"{entity.ref.ad_product}#{entity.ref.entity_type}#{entity.ref.entity_id}"
    fingerprint = hashlib.sha256(json.dumps(entity.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()[:16]
    common = {"sk": sk, "entity": entity.model_dump_json(), "state": entity.state.value, "fingerprint": fingerprint}
    profile = entity.ref.profile_id
    pks = [f"E#{profile}"] + sorted({f"A#{profile}#{a}" for a in entity.asins} | {f"S#{profile}#{s}" for s in entity.skus})
    return [{"pk": pk, **common} for pk in pks]


def write_legacy_layout(table_name: str, profile_id: str, entities: Iterable[AdEntity], *, now: datetime) -> int:
    """Write layout 1 for one profile; returns the number of old-layout lookup items written."""
    table = get_table(table_name)
    entities = list(entities)
    lookups = 0
    with table.batch_writer() as writer:
        for entity in entities:
            for item in legacy_items(entity):
                writer.put_item(Item=item)
                lookups += not item["pk"].startswith("E#")
    table.put_item(Item={"pk": f"META#{profile_id}", "sk": "SYNC", "last_synced_at": iso(now), "entities": len(entities)})
    return lookups


def legacy_lookup_items(table_name: str) -> list[dict]:
    """Items of layout 1's lookup partitions still in the table."""
    return [i for i in scan_all(get_table(table_name)) if i["pk"].startswith(("A#", "S#"))]
