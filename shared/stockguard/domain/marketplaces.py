"""Amazon marketplaces the Ads API serves, by region (../shared/reference/ads-api.md, "Regional hosts").

A notification about any other marketplace (Ireland, a marketplace Amazon adds later, a corrupted id)
has no Ads API region, so no ad can be decided for it: the parser drops such entries with a warning and
rejects a notification that is only about them.
"""

from __future__ import annotations

MARKETPLACES_BY_REGION: dict[str, tuple[str, ...]] = {
    "NA": ("ATVPDKIKX0DER", "A2EUQ1WTGCTBG2", "A1AM78C64UM0Y8", "A2Q3Y263D00KWC"),  # US, CA, MX, BR
    "EU": (
        "A1F83G8C2ARO7P", "A1PA6795UKMFR9", "A13V1IB3VIYZZH", "APJ6JRA9NG5V4", "A1RKKUPIHCS9HS", "A1805IZSGTT6HS",
        "A2NODRKZP88ZB9", "A1C3SOZRARQ6R3", "AMEN7PMS3EDWL", "A33AVAJ2PDY3EV", "A2VIGQ35RCS4UG", "A17E79C6D8DWNP",
        "ARBP9OOSHTCHU", "A21TJRUUN4KGV", "AE08WJ6YKNBMC",
    ),  # UK, DE, FR, IT, ES, NL, SE, PL, BE, TR, AE, SA, EG, IN, ZA
    "FE": ("A1VC38T7YXB528", "A39IBJ37TRP1C6", "A19VAU5U5O7RUS"),  # JP, AU, SG
}
REGION_CODE_BY_MARKETPLACE: dict[str, str] = {m: region for region, ids in MARKETPLACES_BY_REGION.items() for m in ids}


def is_served_marketplace(marketplace_id: str) -> bool:
    return marketplace_id in REGION_CODE_BY_MARKETPLACE
