"""Fault-test fixtures: one moto stack per test, wiped between runs; the seller of the pipeline tests."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from stockguard.ads.port import Profile, Region
from stockguard.domain.ads import EntityState
from stockguard.index.sync import sync_index
from stockguard.pipeline.services import Services
from stockguard.policy import StockGuardConfig
from tests.integration.pipeline.conftest import ASIN, ENTITIES, PROFILE
from tests.support.fault_world import Delivery, Problems, RecordingAds, consistency_problems, wipe_tables
from tests.support.notifications import SELLER, T0, US, fba, sqs_event
from tests.support.services import make_services

OURS = ("sp-1", "sb-video", "c-legacy", "sd-1")  # what a stock-out of ASIN pauses (sp-operator and sb-collection stay)
OUT = fba(ASIN, "SELLERSKU-1", 0, minutes=0, nid="n-out")
BACK = fba(ASIN, "SELLERSKU-1", 30, minutes=60, nid="n-back")
PAUSE, RESUME = ("ENABLED", "PAUSED"), ("PAUSED", "ENABLED")


def records(*bodies: dict | str, receive_count: int = 1) -> list[dict]:
    return sqs_event(*bodies, receive_count=receive_count)["Records"]


@dataclass
class FaultWorld:
    services: Services
    ads: RecordingAds
    tables: dict[str, str]

    def problems_after_episode(self, *deliveries: Delivery) -> Problems:
        """Out then back: each of ours paused once and resumed once, ledger released, audit = reality."""
        problems = consistency_problems(
            self.ads,
            self.tables,
            expected_transitions={i: [PAUSE, RESUME] for i in OURS},
            expected_ledger={i: "RELEASED" for i in OURS},
        )
        problems.delivery = [f"not converged after {d.rounds} deliveries: {d.failures}" for d in deliveries if d.failures]
        return problems

    def operator_reenables(self, entity_id: str) -> None:
        """The operator turns one of our paused ads back on in the console (the index still says PAUSED)."""
        self.ads.set_state(next(e for e in self.ads.entities.values() if e.ref.entity_id == entity_id), EntityState.ENABLED)

    def problems_after_override(self, overridden: str, *deliveries: Delivery) -> Problems:
        """Out, the operator re-enables `overridden`, back: that one was only ever paused by StockGuard (never
        PUT again, never audited as resumed), the others paused and resumed once, every pause released."""
        problems = consistency_problems(
            self.ads,
            self.tables,
            expected_transitions={i: [PAUSE] if i == overridden else [PAUSE, RESUME] for i in OURS},
            expected_ledger={i: "RELEASED" for i in OURS},
        )
        problems.delivery = [f"not converged after {d.rounds} deliveries: {d.failures}" for d in deliveries if d.failures]
        return problems

    def problems_after_stock_out(self, *deliveries: Delivery) -> Problems:
        problems = consistency_problems(
            self.ads, self.tables, expected_transitions={i: [PAUSE] for i in OURS}, expected_ledger={i: "PAUSED" for i in OURS}
        )
        problems.delivery = [f"not converged after {d.rounds} deliveries: {d.failures}" for d in deliveries if d.failures]
        return problems


@pytest.fixture
def fresh_world(aws_stack) -> Callable[..., FaultWorld]:
    """A factory: empty tables, a fresh fake Ads API, the index synced (its writes happen before any fault)."""

    def make(config: StockGuardConfig | None = None) -> FaultWorld:
        wipe_tables(aws_stack.tables)
        profile = Profile(
            profile_id=PROFILE, country_code="US", marketplace_id=US, account_id=SELLER, account_type="seller", region=Region.NA
        )
        ads = RecordingAds([profile], [e.model_copy() for e in ENTITIES])
        services = make_services(aws_stack.tables, ads, config)
        sync_index(ads=ads, index=services.index, ledger=services.ledger, profiles=[profile], now=T0)
        ads.calls.clear()
        return FaultWorld(services=services, ads=ads, tables=aws_stack.tables)

    return make
