"""SP-API credentials: the one-seller shape `stockguard subscribe` reads and the sellers shape of the pull
client; no secret ever shows in a repr, a str, an error message or the pull client's errors."""

from __future__ import annotations

import json
import logging

import httpx
import pytest

from stockguard.spapi.credentials import (
    SellerCredentials,
    SpApiAppCredentials,
    load_app_credentials_from_file,
    parse_app_credentials,
    parse_credentials,
)
from stockguard.spapi.errors import CredentialsError, SpApiAuthError, SpApiError
from stockguard.spapi.pull_client import SpApiPullClient
from tests.unit.spapi.support import (
    ACCESS_TOKEN,
    CLIENT_ID,
    CLIENT_SECRET,
    MARKETPLACE,
    REFRESH_TOKEN,
    SECRETS,
    SELLER_ID,
    FakeSpApi,
    answer,
    errors,
    pull_client,
)

pytestmark = pytest.mark.unit

OTHER_REFRESH = "Atzr|IwEBI-test-refresh-token-of-seller-two"
ONE_SELLER = {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "refresh_token": REFRESH_TOKEN}
SELLERS = {
    "client_id": CLIENT_ID,
    "client_secret": CLIENT_SECRET,
    "sellers": [
        {"seller_id": SELLER_ID, "region": "na", "refresh_token": REFRESH_TOKEN, "marketplace_ids": [MARKETPLACE, "A2EUQ1WTGCTBG2"]},
        {"seller_id": "A2EUSELLER", "region": "eu-west-1", "refresh_token": OTHER_REFRESH, "marketplace_ids": ["A1PA6795UKMFR9"]},
    ],
}
ALL_SECRETS = (CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, OTHER_REFRESH)


def parse(data: dict) -> SpApiAppCredentials:
    return parse_app_credentials(json.dumps(data), "secret 'stockguard/spapi'")


def assert_hidden(text: str) -> None:
    for value in (*ALL_SECRETS, ACCESS_TOKEN):
        assert value not in text


def test_the_sellers_shape_gives_each_seller_its_own_credentials():
    # Given a secret of the sellers shape (regions by code or by AWS name)
    credentials = parse(SELLERS)
    # When one seller's credentials are taken
    us = credentials.seller(SELLER_ID)
    eu = credentials.seller("A2EUSELLER")
    # Then each has the app's client and its own consent, region and marketplaces
    assert credentials.seller_ids == (SELLER_ID, "A2EUSELLER")
    assert (us.seller_id, us.region, us.marketplace_ids) == (SELLER_ID, "na", (MARKETPLACE, "A2EUQ1WTGCTBG2"))
    assert us.refresh_token.get_secret_value() == REFRESH_TOKEN and us.client_secret.get_secret_value() == CLIENT_SECRET
    assert (eu.region, eu.refresh_token.get_secret_value()) == ("eu", OTHER_REFRESH)
    assert [s.seller_id for s in credentials.all_sellers()] == [SELLER_ID, "A2EUSELLER"]
    with pytest.raises(CredentialsError, match="2 sellers"):
        credentials.seller()
    with pytest.raises(CredentialsError, match="no seller 'A9'"):
        credentials.seller("A9")


def test_the_one_seller_shape_stays_valid_with_an_unknown_seller_id():
    # Given the shape `stockguard subscribe` has always read
    credentials = parse(ONE_SELLER)
    # When its only seller is taken
    seller = credentials.seller()
    # Then the seller id (and region) are unknown, and the subscribe parser still reads it as before
    assert isinstance(seller, SellerCredentials) and seller.seller_id is None and seller.region is None
    assert seller.refresh_token.get_secret_value() == REFRESH_TOKEN
    assert parse_credentials(json.dumps(ONE_SELLER), "file").refresh_token.get_secret_value() == REFRESH_TOKEN
    # And optional seller_id / region / marketplace_ids are read when the one-seller shape has them
    extra = parse({**ONE_SELLER, "seller_id": SELLER_ID, "region": "fe", "marketplace_ids": ["A1VC38T7YXB528"]}).seller()
    assert (extra.seller_id, extra.region, extra.marketplace_ids) == (SELLER_ID, "fe", ("A1VC38T7YXB528",))


def test_a_file_of_either_shape_is_read(tmp_path):
    # Given both shapes on disk
    for data, sellers in ((ONE_SELLER, 1), (SELLERS, 2)):
        path = tmp_path / "creds.json"
        path.write_text(json.dumps(data))
        # When read, then every seller is there
        assert len(load_app_credentials_from_file(path).sellers) == sellers


@pytest.mark.parametrize(
    ("data", "fields"),
    [
        ({**SELLERS, "sellers": []}, "sellers"),
        ({**SELLERS, "sellers": [{**SELLERS["sellers"][0], "refresh_token": None}]}, "sellers.0.refresh_token"),
        ({**SELLERS, "sellers": [{**SELLERS["sellers"][0], "region": "mars-" + REFRESH_TOKEN}]}, "sellers.0.region"),
        ({**SELLERS, "sellers": [SELLERS["sellers"][0], SELLERS["sellers"][0]]}, "duplicate seller_id"),
        ({"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}, "refresh_token"),
    ],
    ids=["no-sellers", "no-refresh-token", "bad-region", "duplicate", "one-seller-incomplete"],
)
def test_bad_credentials_name_the_field_never_a_value(data, fields):
    # Given credentials with a problem, when parsed
    with pytest.raises(CredentialsError) as raised:
        parse(data)
    # Then the error names the source and the field, and no value
    assert fields in str(raised.value) and "stockguard/spapi" in str(raised.value)
    assert_hidden(str(raised.value))


def test_no_secret_in_repr_or_str_of_any_credentials_object():
    # Given every credentials object of both shapes
    app = parse(SELLERS)
    objects = [app, *app.sellers, *app.all_sellers(), parse(ONE_SELLER), parse(ONE_SELLER).seller()]
    # When shown, then no value appears
    for obj in objects:
        assert_hidden(repr(obj))
        assert_hidden(str(obj))
    assert set(app.secret_values()) == set(ALL_SECRETS)


def test_no_secret_in_the_pull_clients_repr_or_its_errors(caplog):
    # Given an SP-API that echoes the refresh token and the access token in its error
    echo = errors("Unauthorized", f"token {ACCESS_TOKEN} of refresh {REFRESH_TOKEN} for {CLIENT_ID} is not allowed")
    client, _, _ = pull_client(lambda r: answer(403, echo))
    caplog.set_level(logging.DEBUG)
    # When a call fails
    with pytest.raises(SpApiError) as raised:
        client.listings_item("S1")
    # Then the message is scrubbed, as are the repr and every log line
    assert "HTTP 403 Unauthorized" in str(raised.value) and "***" in str(raised.value)
    for text in (str(raised.value), repr(raised.value), repr(client), caplog.text):
        for value in SECRETS:
            assert value not in text


def test_lwa_refusing_the_credentials_is_an_auth_error_without_secrets():
    # Given LWA refuses the refresh token
    def lwa(request: httpx.Request) -> httpx.Response:
        return answer(400, {"error": "invalid_grant", "error_description": f"bad {REFRESH_TOKEN}"})

    client = SpApiPullClient(
        parse(SELLERS).seller(SELLER_ID),
        token_endpoint="https://lwa.test/auth/o2/token",
        http=httpx.Client(transport=httpx.MockTransport(lwa)),
    )
    # When a call needs a token, then SpApiAuthError, scrubbed
    with pytest.raises(SpApiAuthError) as raised:
        client.listings_item("S1")
    assert "invalid_grant" in str(raised.value)
    assert_hidden(str(raised.value))


def test_the_host_is_the_sellers_region_unless_an_endpoint_is_given():
    # Given sellers in na and eu, and one without a region
    app = parse(SELLERS)
    seen: list[str] = []
    fake = FakeSpApi(lambda r: seen.append(str(r.url.host)) or answer(200, {"sku": "S1"}))
    for seller in app.all_sellers():
        SpApiPullClient(seller, http=httpx.Client(transport=httpx.MockTransport(fake))).listings_item("S1")
    # When / Then each call went to its region's host; no region and no endpoint is refused
    assert seen == ["sellingpartnerapi-na.amazon.com", "sellingpartnerapi-eu.amazon.com"]
    with pytest.raises(ValueError, match="pass `endpoint`"):
        SpApiPullClient(parse(ONE_SELLER).seller())
