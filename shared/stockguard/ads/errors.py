"""Errors of the Ads API client: the Ads names of the shared Amazon error hierarchy (stockguard.amazon.errors).

Code that catches AdsApiRetryableError / AdsApiAuthError keeps working, and shared plumbing that raises
or catches the AmazonApi* bases sees Ads errors as what they are. Messages never contain credentials or tokens.
"""

from __future__ import annotations

from stockguard.amazon.errors import AmazonApiAuthError, AmazonApiError, AmazonApiRetryableError, AmazonTokenUnavailableError
from stockguard.amazon.lwa import LwaErrorTypes


class AdsApiError(AmazonApiError):
    """A call failed and retrying it will not help (non-429 4xx, malformed response)."""


class AdsApiRetryableError(AdsApiError, AmazonApiRetryableError):
    """Throttled, 5xx, timeout, or the time budget is spent: the SQS message should come back later."""


class AdsApiAuthError(AdsApiError, AmazonApiAuthError):
    """Login with Amazon refused the credentials (not retried)."""


class AdsApiTokenUnavailableError(AdsApiRetryableError, AdsApiAuthError, AmazonTokenUnavailableError):
    """Login with Amazon could not be reached (429, 5xx, timeout): an auth error that is worth retrying later."""


# How the shared token client reports LWA failures to the Ads API: anything but "unavailable" stops the
# grant (an auth error, not retried); "unavailable" is retried with the SQS message.
LWA_ERRORS = LwaErrorTypes(refused=AdsApiAuthError, unavailable=AdsApiTokenUnavailableError, failed=AdsApiAuthError)
