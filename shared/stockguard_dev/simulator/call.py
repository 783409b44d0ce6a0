"""What an endpoint handler receives: the parsed request and the simulator's shared state."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from stockguard_dev.simulator.faults import FaultConfig, FaultRule
from stockguard_dev.simulator.store import EntityStore


@dataclass(frozen=True)
class Backend:
    store: EntityStore
    profiles: list[dict[str, Any]]
    faults: FaultConfig  # read for the page sizes


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-cased names
    body: Any  # parsed JSON, None when there is no body
    profile_id: str | None
    region: str | None  # "NA" | "EU" | "FE" when called under a region prefix
    item_fault: FaultRule | None = None  # item_error / item_throttle / no_success_207 for this PUT
    path_params: dict[str, str] = field(default_factory=dict)  # template segments: {"adId": "800000000000001"}

    def prefers_representation(self) -> bool:
        prefer = self.headers.get("prefer", "")
        return any(part.strip().lower() == "return=representation" for part in prefer.split(","))
