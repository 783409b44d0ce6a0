"""The error hierarchy both Amazon APIs share. Messages never contain credentials or tokens.

Callers decide on two questions only: is it worth trying again later (AmazonApiRetryableError: throttled,
5xx, unreachable, time budget spent), and did Login with Amazon refuse the credentials (AmazonApiAuthError).
Each API subclasses these (stockguard.ads.errors, stockguard.spapi.errors) so that code catching an
API's own names keeps working while shared plumbing (retry loop, token client) can reason about both.
"""

from __future__ import annotations

from collections.abc import Iterable


class AmazonApiError(Exception):
    """A call to an Amazon API (or to Login with Amazon) failed; `status` and `code` say how, when known."""

    def __init__(self, message: str, *, status: int | None = None, code: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class AmazonApiRetryableError(AmazonApiError):
    """Throttled, 5xx, timeout, unreachable or the time budget is spent: the same call may work later."""


class AmazonApiAuthError(AmazonApiError):
    """Login with Amazon refused the credentials: retrying with the same ones cannot help."""


class AmazonTokenUnavailableError(AmazonApiRetryableError, AmazonApiAuthError):
    """Login with Amazon could not be reached (429, 5xx, timeout): an auth error that is worth retrying later."""


def scrub(text: str, secrets: Iterable[str]) -> str:
    """Replace every known secret value in text (a last guard: servers may echo what they were sent).

    Values shorter than four characters are left alone: replacing them would mangle ordinary words."""
    for value in secrets:
        if value and len(value) >= 4:
            text = text.replace(value, "***")
    return text
