"""GET /v2/profiles and the country -> Ads API region map behind the /na, /eu, /fe prefixes."""

from __future__ import annotations

import copy
from typing import Any

from stockguard_dev.simulator.call import Backend, Call
from stockguard_dev.simulator.exchange import REGION_PREFIXES
from stockguard_dev.simulator.reply import Reply

__all__ = ["REGION_OF_COUNTRY", "REGION_PREFIXES", "list_profiles", "profile_in_region", "region_of"]

# Ads API regional hosts and their marketplaces (reference/ads-api.md §3).
REGION_OF_COUNTRY: dict[str, str] = {
    **{c: "NA" for c in ("US", "CA", "MX", "BR")},
    **{c: "EU" for c in ("UK", "GB", "FR", "IT", "ES", "DE", "NL", "AE", "PL", "TR", "EG", "SA", "SE", "BE", "IN", "ZA")},
    **{c: "FE" for c in ("JP", "AU", "SG")},
}


def region_of(profile: dict[str, Any]) -> str | None:
    return REGION_OF_COUNTRY.get(str(profile.get("countryCode", "")).upper())


def profile_in_region(backend: Backend, profile_id: str, region: str | None) -> bool:
    for profile in backend.profiles:
        if str(profile.get("profileId")) == profile_id:
            return region is None or region_of(profile) == region
    return False


def list_profiles(call: Call, backend: Backend) -> Reply:
    """Every catalog profile at the root URL; only the region's under a region prefix, like the
    regional hosts. Supports profileTypeFilter (comma list of seller, vendor, agency)."""
    wanted_types = {t.strip().lower() for t in call.query.get("profileTypeFilter", "").split(",") if t.strip()}
    out = []
    for profile in backend.profiles:
        if call.region is not None and region_of(profile) != call.region:
            continue
        account_type = str(profile.get("accountInfo", {}).get("type", "")).lower()
        if wanted_types and account_type not in wanted_types:
            continue
        out.append(copy.deepcopy(profile))
    return Reply(200, out)
