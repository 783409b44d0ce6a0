"""The LWA token provider on its own (pure: the token POST is a function): caching, early refresh, the
401 path, and refusals that never carry a secret."""

from __future__ import annotations

import threading

import pytest

from stockguard.ads import AdsApiAuthError, AdsApiRetryableError, AdsApiTokenUnavailableError, AdsCredentials, clear_token_cache
from stockguard.ads.tokens import LwaTokenProvider, refresh_at

URL = "https://api.amazon.com/auth/o2/token"
CREDS = AdsCredentials(client_id="amzn1.application-oa2-client.x", client_secret="cs-very-secret", refresh_token="Atzr|refresh-secret")


class FakeLwa:
    """Answers token POSTs from a list of (status, body); records the forms."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.forms: list[dict[str, str]] = []

    def __call__(self, url, form):
        self.forms.append(form)
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def ok(token, expires_in=3600):
    return 200, {"access_token": token, "token_type": "bearer", "expires_in": expires_in}


@pytest.fixture(autouse=True)
def _fresh_cache():
    clear_token_cache()
    yield
    clear_token_cache()


@pytest.mark.parametrize("expires_in, refresh_after", [(3600, 3300), (600, 300), (60, 30)])
def test_refresh_five_minutes_early_or_halfway_for_short_tokens(expires_in, refresh_after):
    assert refresh_at(1000.0, expires_in) == 1000.0 + refresh_after


def test_the_token_is_cached_until_five_minutes_before_expiry():
    now = [0.0]
    lwa = FakeLwa(ok("Atza|one"), ok("Atza|two"))
    provider = LwaTokenProvider(CREDS, lwa, clock=lambda: now[0])
    assert provider.token(URL) == "Atza|one"
    now[0] = 3299
    assert LwaTokenProvider(CREDS, lwa, clock=lambda: now[0]).token(URL) == "Atza|one"  # shared across instances
    now[0] = 3300
    assert provider.token(URL) == "Atza|two"
    assert lwa.forms[0] == {
        "grant_type": "refresh_token",
        "refresh_token": "Atzr|refresh-secret",
        "client_id": CREDS.client_id,
        "client_secret": "cs-very-secret",
    }


def test_expires_in_defaults_to_an_hour():
    now = [0.0]
    lwa = FakeLwa((200, {"access_token": "Atza|one"}), ok("Atza|two"))
    provider = LwaTokenProvider(CREDS, lwa, clock=lambda: now[0])
    provider.token(URL)
    now[0] = 3299
    assert provider.token(URL) == "Atza|one" and len(lwa.forms) == 1


def test_after_a_401_the_token_is_refreshed_unless_another_thread_already_did():
    lwa = FakeLwa(ok("Atza|one"), ok("Atza|two"))
    provider = LwaTokenProvider(CREDS, lwa)
    first = provider.token(URL)
    assert provider.refresh_after_401(URL, first) == "Atza|two"
    assert provider.refresh_after_401(URL, first) == "Atza|two"  # the stale one was already replaced
    assert len(lwa.forms) == 2


def test_concurrent_callers_share_one_refresh():
    started, release = threading.Event(), threading.Event()

    def slow_lwa(url, form):
        started.set()
        release.wait(5)
        return ok("Atza|shared")

    calls: list[int] = []
    provider = LwaTokenProvider(CREDS, lambda url, form: calls.append(1) or slow_lwa(url, form))
    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(provider.token(URL))) for _ in range(5)]
    for t in threads:
        t.start()
    assert started.wait(5)
    release.set()
    for t in threads:
        t.join()
    assert results == ["Atza|shared"] * 5 and len(calls) == 1


@pytest.mark.parametrize(
    "answer, code",
    [
        ((400, {"error": "invalid_grant", "error_description": "revoked"}), "invalid_grant"),
        ((401, {"error": "invalid_client"}), "invalid_client"),
        ((200, {"token_type": "bearer"}), ""),
        ((200, None), ""),
    ],
)
def test_refusals_and_unreadable_answers_are_auth_errors_without_secrets(answer, code):
    with pytest.raises(AdsApiAuthError) as raised:
        LwaTokenProvider(CREDS, FakeLwa(answer)).token(URL)
    assert raised.value.code == code and not isinstance(raised.value, AdsApiRetryableError)
    text = str(raised.value) + repr(raised.value.__cause__) + repr(raised.value.__context__)
    assert "cs-very-secret" not in text and "Atzr|refresh-secret" not in text


def test_an_unreachable_token_endpoint_is_a_retryable_auth_error():
    with pytest.raises(AdsApiTokenUnavailableError) as raised:
        LwaTokenProvider(CREDS, FakeLwa(AdsApiRetryableError("POST /auth/o2/token: HTTP 503 after 6 attempts", status=503))).token(URL)
    assert isinstance(raised.value, AdsApiAuthError) and isinstance(raised.value, AdsApiRetryableError) and raised.value.status == 503
