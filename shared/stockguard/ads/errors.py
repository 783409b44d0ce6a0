"""Errors of the Ads API client. Messages never contain credentials or tokens."""

from __future__ import annotations


class AdsApiError(Exception):
    """A call failed and retrying it will not help (non-429 4xx, malformed response)."""

    def __init__(self, message: str, *, status: int | None = None, code: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class AdsApiRetryableError(AdsApiError):
    """Throttled, 5xx, timeout, or the time budget is spent: the SQS message should come back later."""


class AdsApiAuthError(AdsApiError):
    """Login with Amazon refused the credentials (not retried)."""


class AdsApiTokenUnavailableError(AdsApiRetryableError, AdsApiAuthError):
    """Login with Amazon could not be reached (429, 5xx, timeout): an auth error that is worth retrying later."""
