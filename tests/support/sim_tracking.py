"""Ground truth from the Ads API simulator: every state change its entities really went through.

The simulator keeps entities as dicts in its store and a PUT sets `entity["state"]`; swapping those dicts
for a dict subclass that notes every state change sees each change exactly once, whatever the request,
fault or retry. (Test-only: reaches into the simulator's store.)
"""

from __future__ import annotations

from collections import defaultdict

from stockguard_dev.simulator.catalog import id_field


def track_state_changes(simulator) -> dict[str, list[tuple[str, str]]]:
    """entity id -> [(from, to)] (upper case), filled as the simulator's entities change."""
    changes: dict[str, list[tuple[str, str]]] = defaultdict(list)

    class Tracked(dict):
        def __setitem__(self, key, value):
            if key == "state" and key in self and str(self[key]).upper() != str(value).upper():
                changes[str(self.get(self._id_key))].append((str(self[key]).upper(), str(value).upper()))
            super().__setitem__(key, value)

    store = simulator._store
    with store.lock:
        for (_profile, collection), items in store._data.items():
            tracked = []
            for item in items:
                copy = Tracked(item)
                copy._id_key = id_field(collection)
                tracked.append(copy)
            items[:] = tracked
    return changes
