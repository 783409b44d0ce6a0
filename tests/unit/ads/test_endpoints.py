"""Marketplace -> region, region -> hosts, and the overrides (by value: the environment is never read)."""

from __future__ import annotations

import pytest

from stockguard.ads.endpoints import Endpoints, region_for_marketplace
from stockguard.ads.port import Region

MARKETPLACES = {
    Region.NA: ["ATVPDKIKX0DER", "A2EUQ1WTGCTBG2", "A1AM78C64UM0Y8", "A2Q3Y263D00KWC"],
    Region.EU: [
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
    ],
    Region.FE: ["A1VC38T7YXB528", "A39IBJ37TRP1C6", "A19VAU5U5O7RUS"],
}


@pytest.mark.parametrize("region, marketplace", [(r, m) for r, ids in MARKETPLACES.items() for m in ids])
def test_every_marketplace_has_its_region(region, marketplace):
    assert region_for_marketplace(marketplace) is region


def test_regional_hosts(monkeypatch):
    # Given the old override variables set (they must be ignored)
    monkeypatch.setenv("ADS_API_ENDPOINT", "http://127.0.0.1:9")
    monkeypatch.setenv("LWA_TOKEN_ENDPOINT", "http://127.0.0.1:9/auth/o2/token")
    hosts = Endpoints()
    assert [hosts.api(r) for r in Region] == [
        "https://advertising-api.amazon.com",
        "https://advertising-api-eu.amazon.com",
        "https://advertising-api-fe.amazon.com",
    ]
    assert [hosts.token(r) for r in Region] == [
        "https://api.amazon.com/auth/o2/token",
        "https://api.amazon.co.uk/auth/o2/token",
        "https://api.amazon.co.jp/auth/o2/token",
    ]


def test_overrides_replace_every_region():
    hosts = Endpoints("http://127.0.0.1:9/", "http://127.0.0.1:9/auth/o2/token")
    assert {hosts.api(r) for r in Region} == {"http://127.0.0.1:9"}
    assert {hosts.token(r) for r in Region} == {"http://127.0.0.1:9/auth/o2/token"}


def test_one_override_leaves_the_other_regional():
    hosts = Endpoints("http://127.0.0.1:7", None)
    assert hosts.api(Region.FE) == "http://127.0.0.1:7"
    assert hosts.token(Region.FE) == "https://api.amazon.co.jp/auth/o2/token"


@pytest.mark.parametrize("marketplace", ["XYZ", "", "atvpdkikx0der"])
def test_an_unknown_marketplace_is_a_clear_error(marketplace):
    with pytest.raises(ValueError, match="unknown marketplace id"):
        region_for_marketplace(marketplace)
