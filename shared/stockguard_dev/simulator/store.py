"""Mutable entity state shared by all request threads: a PUT changes what the next list returns."""

from __future__ import annotations

import copy
import threading
from typing import Any

from stockguard_dev.simulator.catalog import COLLECTIONS, Catalog, id_field


class UnknownEntity(KeyError):
    """No entity with that id in the profile's collection."""


class EntityStore:
    """Deep copies of the catalog's entities, guarded by one lock.

    Handlers that read-modify-write hold `lock` for the whole request so a PUT is applied atomically
    with respect to concurrent lists (Amazon gives no such promise; tests get determinism).
    """

    def __init__(self, catalog: Catalog) -> None:
        self.lock = threading.RLock()
        self._data: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for profile_id in catalog.profile_ids():
            entities = catalog.entities.get(profile_id)
            for collection in COLLECTIONS.values():
                items = getattr(entities, collection) if entities else []
                self._data[(profile_id, collection)] = copy.deepcopy(items)

    def entities(self, profile_id: str, collection: str) -> list[dict[str, Any]]:
        """The live list (callers must hold `lock` and must copy before handing items out)."""
        return self._data.setdefault((profile_id, collection), [])

    def snapshot(self, profile_id: str, collection: str) -> list[dict[str, Any]]:
        with self.lock:
            return copy.deepcopy(self.entities(profile_id, collection))

    def find(self, profile_id: str, collection: str, entity_id: str) -> dict[str, Any] | None:
        """The live entity whose id (compared as a string) matches, or None. Hold `lock`."""
        key = id_field(collection)
        for entity in self.entities(profile_id, collection):
            if key in entity and str(entity[key]) == str(entity_id):
                return entity
        return None

    def state_of(self, profile_id: str, collection: str, entity_id: str) -> str:
        with self.lock:
            entity = self.find(str(profile_id), collection, entity_id)
            if entity is None:
                raise UnknownEntity(f"{collection} {entity_id} not in profile {profile_id}")
            return str(entity["state"])

    def set_state(self, profile_id: str, collection: str, entity_id: str, state: str) -> None:
        with self.lock:
            entity = self.find(str(profile_id), collection, entity_id)
            if entity is None:
                raise UnknownEntity(f"{collection} {entity_id} not in profile {profile_id}")
            entity["state"] = state
