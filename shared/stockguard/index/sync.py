"""One run of the ad index sync: list SP, SB and SD ads of every profile and store the index.

Also the place where an operator's change is noticed: an entity that StockGuard holds PAUSED in the
ledger but that the Ads API now reports ENABLED was re-enabled by someone else, so the ledger marks it
OVERRIDDEN and StockGuard leaves it alone for the rest of the episode.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from stockguard.ads.port import AdsApi, Profile, Region
from stockguard.domain.ads import AdProduct, EntityState
from stockguard.state.ports import AdIndexStore, LedgerStore

logger = logging.getLogger(__name__)


@dataclass
class SyncReport:
    profiles: int = 0
    entities: int = 0
    written: int = 0
    deleted: int = 0
    overrides: int = 0
    upgraded: int = 0  # profiles rebuilt from the previous index layout (first sync after a deployment)
    failed_profiles: list[str] = field(default_factory=list)
    synced_at: datetime | None = None


def discover_profiles(ads: AdsApi, regions: Iterable[Region], region_for_marketplace: Callable[[str], Region]) -> list[Profile]:
    """Every profile visible on the given regions' hosts, deduplicated (an endpoint override serves all)."""
    seen: dict[str, Profile] = {}
    for region in regions:
        for profile in ads.list_profiles(region):
            try:
                actual = region_for_marketplace(profile.marketplace_id)
            except ValueError:
                actual = region
            seen.setdefault(profile.profile_id, profile.model_copy(update={"region": actual}))
    return list(seen.values())


def sync_index(
    *,
    ads: AdsApi,
    index: AdIndexStore,
    ledger: LedgerStore,
    profiles: list[Profile],
    now: datetime,
) -> SyncReport:
    report = SyncReport(synced_at=now)
    enabled_now: dict[str, EntityState] = {}
    for profile in profiles:
        try:
            entities = [entity for product in AdProduct for entity in ads.list_entities(profile.region, profile.profile_id, product)]
        except Exception:  # one profile's failure must not stop the others; reported and retried next run
            logger.exception("index sync failed for profile", extra={"profile_id": profile.profile_id})
            report.failed_profiles.append(profile.profile_id)
            continue
        counts = index.replace_profile(profile.profile_id, entities, now=now)
        report.profiles += 1
        report.entities += counts.entities
        report.written += counts.written
        report.deleted += counts.deleted
        if counts.upgraded:
            report.upgraded += 1
            logger.info("ad index of profile rebuilt in the current layout", extra={"profile_id": profile.profile_id})
        enabled_now.update({e.ref.id: e.state for e in entities})
    for entry in ledger.all_held():
        if enabled_now.get(entry.ref.id) == EntityState.ENABLED and ledger.mark_overridden(entry.ref, now=now):
            report.overrides += 1
    return report
