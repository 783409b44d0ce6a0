"""Fault injection: rules that turn matching requests into throttles, server errors, slow answers
or partial 207s. Mutable at runtime (tests flip faults between calls) and loadable from JSON (CLI).
"""

from __future__ import annotations

import fnmatch
import random
import threading
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

FaultKind = Literal["429", "429_no_retry_after", "5xx", "slow", "item_error", "item_throttle", "no_success_207"]

# Kinds that only make sense inside a 207 (state-update PUTs); other requests never consume them.
ITEM_KINDS = frozenset({"item_error", "item_throttle", "no_success_207"})


class FaultRule(BaseModel):
    """One rule. `match` is "METHOD /path-glob" (e.g. "PUT /sp/productAds", "* /sb/*"), a bare
    path glob ("/sd/*"), or "*" for every request (the token endpoint included)."""

    model_config = ConfigDict(extra="forbid")

    match: str = "*"
    kind: FaultKind
    times: int | None = None  # matching requests to affect; None = forever
    probability: float = Field(default=1.0, ge=0.0, le=1.0)
    retry_after: int = 1  # seconds, for kind "429"
    status: int = Field(default=503, ge=500, le=599)  # for kind "5xx"
    delay_seconds: float = Field(default=0.0, ge=0.0)  # for kind "slow"
    entity_ids: list[str] | None = None  # item_error / item_throttle: only these ids (None = every item)

    def matches(self, method: str, path: str) -> bool:
        pattern = self.match.strip()
        if pattern == "*":
            return True
        if " " in pattern:
            want_method, want_path = pattern.split(None, 1)
            return fnmatch.fnmatchcase(method.upper(), want_method.upper()) and fnmatch.fnmatchcase(path, want_path)
        return fnmatch.fnmatchcase(path, pattern)

    def hits_item(self, entity_id: str) -> bool:
        return self.kind == "no_success_207" or self.entity_ids is None or str(entity_id) in self.entity_ids


class FaultConfig(BaseModel):
    """Fault rules (first firing rule wins, one fault per request), the seed for `probability`, and
    the server-side page sizes (the most items one list page returns) so paging is testable."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    rules: list[FaultRule] = Field(default_factory=list)
    seed: int | None = None
    page_size_sp: int = Field(default=1000, ge=1)
    page_size_sb: int = Field(default=100, ge=1)
    page_size_sd: int = Field(default=100, ge=1)

    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _random: random.Random = PrivateAttr(default_factory=random.Random)

    def model_post_init(self, __context: object) -> None:
        self._random = random.Random(self.seed)

    def add(self, rule: FaultRule | None = None, **fields: object) -> FaultRule:
        """Append a rule (given, or built from keyword fields) and return it."""
        made = rule if rule is not None else FaultRule.model_validate(fields)
        with self._lock:
            self.rules.append(made)
        return made

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()

    def reseed(self, seed: int | None) -> None:
        with self._lock:
            self.seed = seed
            self._random = random.Random(seed)

    def pick(self, method: str, path: str, *, is_update: bool) -> FaultRule | None:
        """The rule that fires for this request, consuming one of its `times`; None if none fires."""
        with self._lock:
            for rule in self.rules:
                if rule.times is not None and rule.times <= 0:
                    continue
                if rule.kind in ITEM_KINDS and not is_update:
                    continue
                if not rule.matches(method, path):
                    continue
                if rule.probability < 1.0 and self._random.random() >= rule.probability:
                    continue
                if rule.times is not None:
                    rule.times -= 1
                return rule.model_copy()
        return None


def load_faults(path: str | Path) -> FaultConfig:
    """A FaultConfig from a JSON file: {"rules": [...], "seed": 7, "page_size_sp": 2, ...}."""
    return FaultConfig.model_validate_json(Path(path).read_text(encoding="utf-8"))
