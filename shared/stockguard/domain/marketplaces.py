"""Amazon marketplaces the Ads API serves, by region (../shared/reference/ads-api.md, "Regional hosts").

No ad can be decided for any other marketplace. Entries for an Amazon marketplace that the Ads API hosts
do not list (Ireland, on SP-API's marketplace list) are dropped with a warning: a seller selling there
gets such notifications all the time, and they are no error. A notification naming an id that is no
Amazon marketplace at all (and nothing served) is rejected: batch item failure, then the DLQ.
"""

from __future__ import annotations

MARKETPLACES_BY_REGION: dict[str, tuple[str, ...]] = {
    "NA": ("ATVPDKIKX0DER", "A2EUQ1WTGCTBG2", "A1AM78C64UM0Y8", "A2Q3Y263D00KWC"),  # US, CA, MX, BR
    "EU": (
        "A1F83G8C2ARO7P",
        "A1PA6795UKMFR9",
        "A13V1IB3VIYZZH",
        "APJ6JRA9NG5V4",
        "A1RKKUPIHCS9HS",
        "A1805IZSGTT6HS",
        "A2NODRKZP88ZB9",
        "A1C3SOZRARQ6R3",
        "AMEN7PMS3EDWL",
        "A33AVAJ2PDY3EV",
        "A2VIGQ35RCS4UG",
        "A17E79C6D8DWNP",
        "ARBP9OOSHTCHU",
        "A21TJRUUN4KGV",
        "AE08WJ6YKNBMC",
    ),  # UK, DE, FR, IT, ES, NL, SE, PL, BE, TR, AE, SA, EG, IN, ZA
    "FE": ("A1VC38T7YXB528", "A39IBJ37TRP1C6", "A19VAU5U5O7RUS"),  # JP, AU, SG
}
# On SP-API's marketplace list (developer-docs.sellingpartnerapi: marketplace IDs) but on no Ads API host.
AMAZON_MARKETPLACES_WITHOUT_ADS = {"A28R8C7NBKEWEA": "IE"}
REGION_CODE_BY_MARKETPLACE: dict[str, str] = {m: region for region, ids in MARKETPLACES_BY_REGION.items() for m in ids}


def is_served_marketplace(marketplace_id: str) -> bool:
    return marketplace_id in REGION_CODE_BY_MARKETPLACE


def is_amazon_marketplace(marketplace_id: str) -> bool:
    return is_served_marketplace(marketplace_id) or marketplace_id in AMAZON_MARKETPLACES_WITHOUT_ADS
