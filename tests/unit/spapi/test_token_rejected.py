"""Which SP-API answers mean "refresh the access token and send once more" (spapi.call.token_rejected)."""

from __future__ import annotations

import httpx
import pytest

from stockguard.spapi.call import token_rejected

pytestmark = pytest.mark.unit


def answer(status: int, details: str = "", code: str = "Unauthorized") -> httpx.Response:
    return httpx.Response(
        status, json={"errors": [{"code": code, "message": "Access to requested resource is denied.", "details": details}]}
    )


@pytest.mark.parametrize(
    ("response", "refresh"),
    [
        (answer(401), True),
        (answer(403, "The access token you provided has expired."), True),  # SP-API's answer to an expired token
        (answer(403, "The access token you provided is revoked, malformed or invalid."), True),
        (answer(403, ""), False),  # a missing role: a new token is refused the same way
        (answer(403, "", code="MissingAuthenticationToken"), False),
        (answer(429, "", code="QuotaExceeded"), False),
        (httpx.Response(403, text="<html>denied</html>"), False),
    ],
)
def test_only_an_answer_about_the_access_token_asks_for_a_refresh(response, refresh):
    assert token_rejected(response) is refresh
