"""The shared Login with Amazon client (stockguard.amazon.lwa), without sockets: the cache and its keys,
refresh before expiry, the scope of grantless tokens, and how each API's errors come out."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from stockguard.ads.errors import LWA_ERRORS as ADS_ERRORS
from stockguard.ads.errors import AdsApiAuthError, AdsApiRetryableError, AdsApiTokenUnavailableError
from stockguard.amazon.lwa import ClientCredentialsGrant, LwaTokenClient, RefreshTokenGrant, TokenCache, refresh_at
from stockguard.spapi.errors import LWA_ERRORS as SPAPI_ERRORS
from stockguard.spapi.errors import SpApiAuthError, SpApiError, SpApiRetryableError

URL = "https://api.amazon.com/auth/o2/token"
SECRET = SecretStr("cs-very-secret")
SELLER = RefreshTokenGrant(SecretStr("Atzr|seller-secret"), label="seller")
NOTIFICATIONS = ClientCredentialsGrant("sellingpartnerapi::notifications")


class FakeLwa:
    """Answers token POSTs from a list of (status, body) or exceptions; records the URLs and forms."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls: list[tuple[str, dict[str, str]]] = []

    def __call__(self, url, form):
        self.calls.append((url, form))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def ok(token, expires_in=3600):
    return 200, {"access_token": token, "token_type": "bearer", "expires_in": expires_in}


def client(lwa, *, now=None, errors=ADS_ERRORS, margin=300.0, cache=None):
    clock = (lambda: now[0]) if now is not None else (lambda: 0.0)
    return LwaTokenClient("app-id", SECRET, lwa, errors=errors, cache=cache or TokenCache(), clock=clock, refresh_margin=margin)


def test_a_token_is_cached_until_the_margin_before_expiry():
    # Given a one-hour token and a one-minute margin
    now = [0.0]
    lwa = FakeLwa(ok("Atza|one"), ok("Atza|two"))
    tokens = client(lwa, now=now, margin=60.0)
    # When asked again just before the margin, then at it
    assert tokens.token(URL, SELLER) == "Atza|one"
    now[0] = 3539
    assert tokens.token(URL, SELLER) == "Atza|one"
    now[0] = 3540
    # Then only the second crossing refreshes
    assert tokens.token(URL, SELLER) == "Atza|two" and len(lwa.calls) == 2


def test_a_short_lived_token_is_refreshed_halfway():
    # Given the default five-minute margin and a ten-minute-or-shorter lifetime
    assert refresh_at(100.0, 3600) == 100.0 + 3300
    assert refresh_at(100.0, 400) == 100.0 + 200
    assert refresh_at(100.0, 120, margin=60) == 100.0 + 60


def test_grantless_tokens_carry_their_scope_and_are_cached_per_scope():
    # Given one client asked for the seller's token and two grantless scopes
    lwa = FakeLwa(ok("Atza|seller"), ok("Atza|notifications"), ok("Atza|other"))
    tokens = client(lwa)
    # When each is asked twice
    for _ in range(2):
        assert tokens.token(URL, SELLER) == "Atza|seller"
        assert tokens.token(URL, NOTIFICATIONS) == "Atza|notifications"
        assert tokens.token(URL, ClientCredentialsGrant("sellingpartnerapi::other")) == "Atza|other"
    # Then three requests, each with its grant's form and the app's credentials
    forms = [form for _, form in lwa.calls]
    assert forms[0] == {
        "grant_type": "refresh_token",
        "refresh_token": "Atzr|seller-secret",
        "client_id": "app-id",
        "client_secret": "cs-very-secret",
    }
    assert forms[1] == {
        "grant_type": "client_credentials",
        "scope": "sellingpartnerapi::notifications",
        "client_id": "app-id",
        "client_secret": "cs-very-secret",
    }
    assert forms[2]["scope"] == "sellingpartnerapi::other"


def test_the_cache_is_per_token_url_and_per_refresh_token():
    # Given one shared cache, two token URLs and two consents of one app
    cache = TokenCache()
    lwa = FakeLwa(ok("Atza|na"), ok("Atza|eu"), ok("Atza|other-seller"))
    other = RefreshTokenGrant(SecretStr("Atzr|another-seller"))
    # When
    first = client(lwa, cache=cache).token(URL, SELLER)
    second = client(lwa, cache=cache).token("https://api.amazon.co.uk/auth/o2/token", SELLER)
    third = client(lwa, cache=cache).token(URL, other)
    # Then nothing is shared across hosts or consents, but a second client of the same grant reuses the token
    assert (first, second, third) == ("Atza|na", "Atza|eu", "Atza|other-seller")
    assert client(FakeLwa(), cache=cache).token(URL, SELLER) == "Atza|na"


def test_after_a_401_the_rejected_token_is_replaced_once():
    # Given a cached token that an API rejected
    lwa = FakeLwa(ok("Atza|one"), ok("Atza|two"))
    tokens = client(lwa)
    rejected = tokens.token(URL, SELLER)
    # When two callers report the same rejected token
    assert tokens.refresh_after_401(URL, SELLER, rejected) == "Atza|two"
    assert tokens.refresh_after_401(URL, SELLER, rejected) == "Atza|two"
    # Then LWA was asked once more, not twice
    assert len(lwa.calls) == 2


@pytest.mark.parametrize("expires_in", [None, "soon", ""])
def test_an_unreadable_lifetime_counts_as_an_hour(expires_in):
    now = [0.0]
    tokens = client(FakeLwa((200, {"access_token": "Atza|one", "expires_in": expires_in})), now=now)
    tokens.token(URL, SELLER)
    now[0] = 3299
    assert tokens.token(URL, SELLER) == "Atza|one"


@pytest.mark.parametrize(
    "answer, ads_error, spapi_error",
    [
        ((401, {"error": "invalid_client", "error_description": "Client authentication failed"}), AdsApiAuthError, SpApiAuthError),
        ((400, {"error": "invalid_grant"}), AdsApiAuthError, SpApiAuthError),
        ((503, None), AdsApiTokenUnavailableError, SpApiRetryableError),
        ((404, {}), AdsApiAuthError, SpApiError),
        ((200, {"token_type": "bearer"}), AdsApiAuthError, SpApiError),
    ],
)
def test_each_api_gets_its_own_error_classes(answer, ads_error, spapi_error):
    # Given the same LWA answer, when the Ads API and the SP-API ask for a token
    with pytest.raises(ads_error) as ads:
        client(FakeLwa(answer), errors=ADS_ERRORS).token(URL, SELLER)
    with pytest.raises(spapi_error) as spapi:
        client(FakeLwa(answer), errors=SPAPI_ERRORS).token(URL, SELLER)
    # Then each raises its own class, with the status, and an SP-API failure that is not a refusal never stops a run
    assert type(ads.value) is ads_error and type(spapi.value) is spapi_error
    assert ads.value.status == spapi.value.status == answer[0]
    if spapi_error is not SpApiAuthError:
        assert not isinstance(spapi.value, SpApiAuthError)


def test_a_refusal_names_the_grant_and_the_reason_without_secrets():
    # Given LWA refusing and echoing the refresh token back
    body = {"error": "invalid_grant", "error_description": "bad refresh_token Atzr|seller-secret"}
    tokens = LwaTokenClient(
        "app-id", SECRET, FakeLwa((400, body)), errors=SPAPI_ERRORS, secrets=("Atzr|seller-secret",), cache=TokenCache()
    )
    # When
    with pytest.raises(SpApiAuthError) as raised:
        tokens.token(URL, SELLER)
    # Then the message says which grant and why, with the secret scrubbed
    assert str(raised.value).startswith("Login with Amazon refused the seller token request: invalid_grant (bad refresh_token ***)")
    assert raised.value.code == "invalid_grant" and "Atzr|" not in str(raised.value) and "cs-very-secret" not in str(raised.value)


def test_a_transport_that_gave_up_is_an_unavailable_token():
    # Given the Ads transport giving up on LWA (503 after its retries)
    lwa = FakeLwa(AdsApiRetryableError("POST /auth/o2/token: HTTP 503 after 6 attempts", status=503))
    # When / Then a retryable auth error
    with pytest.raises(AdsApiTokenUnavailableError) as raised:
        client(lwa).token(URL, SELLER)
    assert raised.value.status == 503 and "api.amazon.com" in str(raised.value)
