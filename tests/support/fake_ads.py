"""An in-memory AdsApi (the port) for pipeline tests: counts calls, can throttle or fail on demand."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from stockguard.ads.errors import AdsApiRetryableError
from stockguard.ads.port import Outcome, Profile, Region, UpdateResult
from stockguard.domain.ads import MAX_UPDATE_BATCH, AdEntity, AdProduct, EntityState, EntityType


class FakeAdsApi:
    def __init__(self, profiles: list[Profile], entities: list[AdEntity]) -> None:
        self.profiles = profiles
        self.entities = {e.ref.id: e for e in entities}
        self.calls: Counter[str] = Counter()
        self.set_calls: list[tuple[str, str, str, list[tuple[str, str]]]] = []
        # One row per get_states invocation (profile, ad product, entity type, ids), whatever its chunking:
        # what "one re-read per (profile, ad product, entity type) group" is checked against.
        self.get_calls: list[tuple[str, str, str, list[str]]] = []
        self.fail_next_set: list[Outcome] = []  # outcomes forced on the next set_states calls (whole call)
        self.raise_on_get: int = 0  # number of get_states calls that raise a retryable error

    def _find(self, profile_id: str, product: AdProduct, entity_type: EntityType, entity_id: str) -> AdEntity | None:
        return self.entities.get(f"{profile_id}#{product}#{entity_type}#{entity_id}")

    def state(self, profile_id: str, product: AdProduct, entity_type: EntityType, entity_id: str) -> EntityState:
        entity = self._find(profile_id, product, entity_type, entity_id)
        assert entity is not None, entity_id
        return entity.state

    def set_state(self, entity: AdEntity, state: EntityState) -> None:
        """An operator's change in the console."""
        self.entities[entity.ref.id] = self.entities[entity.ref.id].model_copy(update={"state": state})

    def list_profiles(self, region: Region) -> list[Profile]:
        self.calls["list_profiles"] += 1
        return [p for p in self.profiles if p.region == region]

    def list_entities(self, region: Region, profile_id: str, ad_product: AdProduct) -> list[AdEntity]:
        self.calls[f"list_entities:{ad_product}"] += 1
        return [e for e in self.entities.values() if e.ref.profile_id == profile_id and e.ref.ad_product == ad_product]

    def get_states(self, region, profile_id, ad_product, entity_type, entity_ids: Sequence[str]) -> dict[str, EntityState]:
        size = MAX_UPDATE_BATCH[(ad_product, entity_type)]
        self.calls[f"get_states:{ad_product}"] += -(-len(entity_ids) // size)
        self.get_calls.append((profile_id, ad_product.value, entity_type.value, list(entity_ids)))
        if self.raise_on_get:
            self.raise_on_get -= 1
            raise AdsApiRetryableError("throttled (fake)", status=429)
        out = {}
        for entity_id in entity_ids:
            entity = self._find(profile_id, ad_product, entity_type, entity_id)
            if entity:
                out[entity_id] = entity.state
        return out

    def set_states(self, region, profile_id, ad_product, entity_type, changes: Sequence[tuple[str, EntityState]]) -> list[UpdateResult]:
        size = MAX_UPDATE_BATCH[(ad_product, entity_type)]
        results: list[UpdateResult] = []
        for start in range(0, len(changes), size):
            chunk = list(changes[start : start + size])
            self.calls[f"set_states:{ad_product}"] += 1
            self.set_calls.append((profile_id, ad_product.value, entity_type.value, [(i, s.value) for i, s in chunk]))
            forced = self.fail_next_set.pop(0) if self.fail_next_set else None
            for entity_id, state in chunk:
                if forced is not None:
                    results.append(UpdateResult(entity_id=entity_id, outcome=forced, error_code="FORCED"))
                    continue
                entity = self._find(profile_id, ad_product, entity_type, entity_id)
                if entity is None:
                    results.append(UpdateResult(entity_id=entity_id, outcome=Outcome.FAILED, error_code="ENTITY_NOT_FOUND"))
                    continue
                self.entities[entity.ref.id] = entity.model_copy(update={"state": state})
                results.append(UpdateResult(entity_id=entity_id, outcome=Outcome.APPLIED))
        return results
