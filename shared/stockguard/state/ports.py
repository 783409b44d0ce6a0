"""Ports: the storage operations the pipeline, the index sync and the handlers use, as Protocols.

Why: `Services` (stockguard.pipeline.services) is typed with these, not with the DynamoDB adapters, so a
batch can run against another backend with the same observable behaviour (the in-memory adapters of
stockguard_dev.memory: fast local runs and benchmarks without moto). Each Protocol lists exactly the public
methods callers use today; tests/contract runs one suite against both families, so "same behaviour" is
checked, not assumed. The DynamoDB adapters satisfy them structurally (no inheritance); mypy proves it
below.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from stockguard.domain.ads import AdEntity, EntityRef, EntityState
from stockguard.domain.decisions import Action
from stockguard.domain.facts import ProductKey
from stockguard.domain.ledger import LedgerEntry
from stockguard.index.repository import SyncCounts
from stockguard.state.audit import AuditEntry
from stockguard.state.ledger import Intent
from stockguard.state.stock import Fact, ProductFacts, Recorded


class StockStore(Protocol):
    """Stock and Featured Offer facts per product. A source's fact is replaced only by one with a greater
    order key (event time, then notification id): an older event never overwrites a newer one."""

    def record(self, product: ProductKey, facts: Iterable[Fact]) -> Recorded:
        """Store the newest fact of each source that is newer than the stored one; every fact of the product."""
        ...

    def load(self, product: ProductKey) -> ProductFacts:
        """Every fact stored for one product (empty when none)."""
        ...

    def load_many(self, products: Iterable[ProductKey], *, upgrade: bool = True) -> dict[str, ProductFacts]:
        """Facts of each product by product id; upgrade=False: read-only (never writes a layout upgrade)."""
        ...


class DedupStore(Protocol):
    """NotificationIds whose effects all applied (a duplicate delivery then changes nothing)."""

    def seen(self, notification_ids: Iterable[str]) -> set[str]:
        """The ids among `notification_ids` already marked."""
        ...

    def mark(self, notification_ids: Iterable[str], *, now: datetime) -> None:
        """Mark ids processed at `now` (wall clock; they expire after the store's TTL)."""
        ...


class LedgerStore(Protocol):
    """The ownership ledger: conditional transitions (stockguard.domain.ledger); each returns whether its
    condition held, the `*_many` forms the ref ids whose condition held."""

    def get(self, ref: EntityRef) -> LedgerEntry | None: ...

    def get_many(self, refs: Iterable[EntityRef]) -> dict[str, LedgerEntry]:
        """Entries by ref id; a ref without an entry is absent."""
        ...

    def all_held(self) -> list[LedgerEntry]:
        """Entries in status PAUSED (the index sync checks them for operator overrides)."""
        ...

    def intend_pause(self, ref: EntityRef, *, asin: str, reason: str, notification_id: str, now: datetime) -> bool: ...

    def confirm_pause(self, ref: EntityRef, *, now: datetime) -> bool: ...

    def cancel_pause(self, ref: EntityRef) -> bool: ...

    def intend_resume(self, ref: EntityRef, *, asin: str, reason: str, notification_id: str, now: datetime) -> bool: ...

    def confirm_resume(self, ref: EntityRef, *, now: datetime) -> bool: ...

    def cancel_resume(self, ref: EntityRef) -> bool: ...

    def mark_overridden(self, ref: EntityRef, *, now: datetime) -> bool: ...

    def release(self, ref: EntityRef, *, now: datetime, reason: str = "operator_override") -> bool: ...

    def intend_many(self, action: Action, intents: Iterable[Intent]) -> set[str]: ...

    def confirm_many(self, action: Action, confirmations: Iterable[tuple[EntityRef, datetime]]) -> set[str]: ...

    def cancel_many(self, action: Action, refs: Iterable[EntityRef]) -> set[str]: ...


class AuditStore(Protocol):
    """One entry per decision that changes an entity; an entry with the same key overwrites the earlier one."""

    def record(self, entries: Iterable[AuditEntry]) -> None: ...

    def for_asin(self, marketplace_id: str, asin: str, *, limit: int = 20) -> list[AuditEntry]:
        """The newest entries of one ASIN first."""
        ...

    def for_day(self, day: str, *, limit: int = 1000) -> list[AuditEntry]:
        """Entries of one UTC day (YYYY-MM-DD), oldest first."""
        ...


class AdIndexStore(Protocol):
    """The ad index (which entities advertise an ASIN or SKU, and their last known state), its sync and the
    profile mapping cache."""

    def entities_for(self, profile_id: str, *, asins: Iterable[str] = (), skus: Iterable[str] = ()) -> list[AdEntity]:
        """Entities of the last sync advertising one of the ASINs or SKUs (their latest state), sorted by id."""
        ...

    def profile_entities(self, profile_id: str) -> list[AdEntity]: ...

    def update_state(self, entity: AdEntity, state: EntityState) -> AdEntity: ...

    def update_states(self, changes: Iterable[tuple[AdEntity, EntityState]]) -> list[AdEntity]: ...

    def replace_profile(self, profile_id: str, entities: Iterable[AdEntity], *, now: datetime) -> SyncCounts:
        """Make the profile's index equal to `entities` (the sync); what it wrote and deleted."""
        ...

    def last_synced(self, profile_id: str) -> datetime | None: ...

    def cached_profile(self, account_id: str, marketplace_id: str, *, now: datetime) -> str | None:
        """The cached profile id (NO_PROFILE for a cached miss), None when nothing unexpired is cached."""
        ...

    def cache_profile(self, account_id: str, marketplace_id: str, profile_id: str, *, now: datetime, ttl_hours: float) -> None: ...


class ReevaluationScheduler(Protocol):
    """Brings products back for a decision at event time `at` (the dwell time held one back)."""

    def schedule(self, products: Sequence[ProductKey], *, at: datetime, now: datetime, source: str) -> None: ...


if TYPE_CHECKING:  # nothing runs: mypy checks that the DynamoDB / SQS adapters satisfy every port
    from stockguard.index.repository import AdIndexRepository
    from stockguard.pipeline.reevaluate import ReevaluateSender
    from stockguard.state.audit import AuditLog
    from stockguard.state.dedup import DedupRepository
    from stockguard.state.ledger import LedgerRepository
    from stockguard.state.stock import StockRepository

    def _aws_adapters_conform(
        stock: StockRepository,
        dedup: DedupRepository,
        ledger: LedgerRepository,
        audit: AuditLog,
        index: AdIndexRepository,
        reevaluate: ReevaluateSender,
    ) -> tuple[StockStore, DedupStore, LedgerStore, AuditStore, AdIndexStore, ReevaluationScheduler]:
        return stock, dedup, ledger, audit, index, reevaluate
