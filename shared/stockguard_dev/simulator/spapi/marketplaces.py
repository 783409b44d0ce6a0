"""SP-API marketplace ids: their region (na / eu / fe, as stockguard.spapi.regions names them) and currency."""

from __future__ import annotations

# marketplace id -> (region, currency code)
MARKETPLACES: dict[str, tuple[str, str]] = {
    "ATVPDKIKX0DER": ("na", "USD"),  # US
    "A2EUQ1WTGCTBG2": ("na", "CAD"),  # CA
    "A1AM78C64UM0Y8": ("na", "MXN"),  # MX
    "A2Q3Y263D00KWC": ("na", "BRL"),  # BR
    "A1PA6795UKMFR9": ("eu", "EUR"),  # DE
    "A1F83G8C2ARO7P": ("eu", "GBP"),  # UK
    "A13V1IB3VIYZZH": ("eu", "EUR"),  # FR
    "APJ6JRA9NG5V4": ("eu", "EUR"),  # IT
    "A1RKKUPIHCS9HS": ("eu", "EUR"),  # ES
    "A1805IZSGTT6HS": ("eu", "EUR"),  # NL
    "A2NODRKZP88ZB9": ("eu", "SEK"),  # SE
    "A1C3SOZRARQ6R3": ("eu", "PLN"),  # PL
    "AMEN7PMS3EDWL": ("eu", "EUR"),  # BE
    "A33AVAJ2PDY3EV": ("eu", "TRY"),  # TR
    "A2VIGQ35RCS4UG": ("eu", "AED"),  # AE
    "A17E79C6D8DWNP": ("eu", "SAR"),  # SA
    "ARBP9OOSHTCHU": ("eu", "EGP"),  # EG
    "A21TJRUUN4KGV": ("eu", "INR"),  # IN
    "AE08WJ6YKNBMC": ("eu", "ZAR"),  # ZA
    "A1VC38T7YXB528": ("fe", "JPY"),  # JP
    "A39IBJ37TRP1C6": ("fe", "AUD"),  # AU
    "A19VAU5U5O7RUS": ("fe", "SGD"),  # SG
}


def region_of(marketplace_id: str) -> str:
    """na / eu / fe; ValueError for a marketplace id the simulator does not know."""
    try:
        return MARKETPLACES[marketplace_id][0]
    except KeyError:
        raise ValueError(f"unknown marketplace id {marketplace_id!r}") from None


def currency_of(marketplace_id: str) -> str:
    return MARKETPLACES.get(marketplace_id, ("", "USD"))[1]
