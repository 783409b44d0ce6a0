"""Map an SP-API account (seller id or ITEM_INVENTORY accountId) and marketplace to an Ads profile id.

Order: the explicit configuration mapping (vendors' amzn1.vg.… accounts need it), an in-memory cache,
the DynamoDB cache (TTL), then discovery through GET /v2/profiles matching accountInfo.id and
accountInfo.marketplaceStringId. A miss is cached too (for a shorter time) so that an unmapped account
does not cost a profiles call per notification.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime

from stockguard.ads.port import AdsApi, Profile, Region
from stockguard.index.repository import NO_PROFILE
from stockguard.state.ports import AdIndexStore

MERCHANT_PREFIX = "amzn1.merchant.o."
MISS_TTL_HOURS = 1.0


def account_candidates(account_id: str) -> tuple[str, ...]:
    """ITEM_INVENTORY_EVENT_CHANGE names sellers as amzn1.merchant.o.<sellerId> (inferred from the
    official example, ../shared/reference/sp-api-notifications.md §3); profiles carry the bare seller id."""
    if account_id.startswith(MERCHANT_PREFIX):
        return (account_id, account_id[len(MERCHANT_PREFIX) :])
    return (account_id,)


class ProfileResolver:
    def __init__(
        self,
        *,
        mapping: Mapping[str, Mapping[str, str]],
        repository: AdIndexStore,
        ads: AdsApi,
        region_for_marketplace: Callable[[str], Region],
        ttl_hours: float = 24,
    ) -> None:
        self._mapping = mapping
        self._repository = repository
        self._ads = ads
        self._region_for = region_for_marketplace
        self._ttl_hours = ttl_hours
        self._memory: dict[tuple[str, str], str] = {}

    def resolve(self, account_id: str, marketplace_id: str, *, now: datetime) -> str | None:
        for candidate in account_candidates(account_id):
            configured = self._mapping.get(candidate, {}).get(marketplace_id)
            if configured:
                return str(configured)
        key = (account_id, marketplace_id)
        if key not in self._memory:
            cached = self._repository.cached_profile(account_id, marketplace_id, now=now)
            if cached is None:
                cached = self._discover(account_id, marketplace_id, now=now)
            self._memory[key] = cached
        value = self._memory[key]
        return None if value == NO_PROFILE else value

    def _discover(self, account_id: str, marketplace_id: str, *, now: datetime) -> str:
        profiles = self._ads.list_profiles(self._region_for(marketplace_id))
        match = match_profile(profiles, account_id, marketplace_id)
        value = match.profile_id if match else NO_PROFILE
        ttl = self._ttl_hours if match else MISS_TTL_HOURS
        self._repository.cache_profile(account_id, marketplace_id, value, now=now, ttl_hours=ttl)
        return value


def match_profile(profiles: list[Profile], account_id: str, marketplace_id: str) -> Profile | None:
    candidates = account_candidates(account_id)
    for profile in profiles:
        if profile.marketplace_id == marketplace_id and profile.account_id in candidates:
            return profile
    return None
