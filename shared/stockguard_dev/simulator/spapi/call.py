"""What an SP-API operation handler receives: the parsed request, the caller, and the simulator's state."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from stockguard_dev.simulator.spapi.credentials import Principal
from stockguard_dev.simulator.spapi.errors import invalid_input
from stockguard_dev.simulator.spapi.state import SpApiState


@dataclass
class Options:
    """Server-side settings the handlers read (mutable at runtime through the simulator)."""

    page_size: int = 50
    next_token_ttl_seconds: float = 30.0


@dataclass(frozen=True)
class Context:
    state: SpApiState
    options: Options
    clock: Callable[[], float]


@dataclass(frozen=True)
class SpCall:
    method: str
    path: str
    params: dict[str, list[str]]  # every value of each query parameter, in order
    body: Any  # parsed JSON, None when there is no body
    principal: Principal
    region: str | None
    path_params: dict[str, str] = field(default_factory=dict)

    def values(self, name: str) -> list[str]:
        """A list parameter: comma-separated and/or repeated (`a=1,2` or `a=1&a=2`), blanks dropped."""
        return [part.strip() for value in self.params.get(name, []) for part in value.split(",") if part.strip()]

    def value(self, name: str, *, required: bool = False) -> str | None:
        given = self.params.get(name)
        if not given or not given[-1].strip():
            if required:
                raise invalid_input(f"Missing required parameter: {name}")
            return None
        return given[-1].strip()

    def marketplaces(self, *, exactly_one: bool) -> list[str]:
        """marketplaceIds, required; each must be one the caller's authorisation covers."""
        ids = self.values("marketplaceIds")
        if not ids:
            raise invalid_input("Missing required parameter: marketplaceIds")
        if exactly_one and len(ids) != 1:
            raise invalid_input("marketplaceIds must contain exactly one marketplace id")
        for marketplace_id in ids:
            self.require_marketplace(marketplace_id)
        return ids

    def require_marketplace(self, marketplace_id: str) -> None:
        if marketplace_id not in self.principal.marketplace_ids:
            raise invalid_input(f"Invalid marketplace id {marketplace_id}: the seller is not authorised in it")
