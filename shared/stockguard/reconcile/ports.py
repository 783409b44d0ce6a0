"""Ports of the reconciliation: its watermark store, where its facts go, and which offers it re-checks.

The DynamoDB / SQS adapters (watermarks.py, publisher.py, offers.py) and the in-memory ones
(stockguard_dev.memory.reconcile) satisfy them; tests/contract/test_reconcile_contract.py runs one suite
against both."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

from stockguard.domain.facts import OfferFact
from stockguard.reconcile.watermark import Watermark


class WatermarkStore(Protocol):
    """Per (seller, marketplace): where the next change feed starts, the last full sweep, the last run."""

    def get(self, seller_id: str, marketplace_id: str) -> Watermark | None: ...

    def all(self) -> list[Watermark]:
        """Every watermark (for `stockguard status`)."""
        ...

    def advance(self, watermark: Watermark) -> bool:
        """Store a successful run's watermark; False (nothing written) when a stored one is already later."""
        ...

    def record_failure(self, seller_id: str, marketplace_id: str, *, at: datetime, error: str) -> None:
        """Note a failed run (the watermark itself stays where it was: the next run starts there again)."""
        ...


class FactsPublisher(Protocol):
    """Sends reconcile messages (notifications.reconcile) to the inventory queue, to be decided there."""

    def publish(self, bodies: Sequence[str]) -> int:
        """Send every body; the number sent. Raises when any could not be sent (the run then fails)."""
        ...


class OfferFacts(Protocol):
    """The stored offer facts of one seller and marketplace (which Featured Offers to re-check)."""

    def offer_facts(self, seller_id: str, marketplace_id: str) -> list[OfferFact]: ...


if TYPE_CHECKING:  # nothing runs: mypy checks that the AWS adapters satisfy the ports

    def _aws_adapters_conform(
        watermarks: WatermarkRepository, publisher: SqsFactsPublisher, offers: StoredOfferFacts
    ) -> tuple[WatermarkStore, FactsPublisher, OfferFacts]:
        return watermarks, publisher, offers

    from stockguard.reconcile.offers import StoredOfferFacts
    from stockguard.reconcile.publisher import SqsFactsPublisher
    from stockguard.reconcile.watermarks import WatermarkRepository
