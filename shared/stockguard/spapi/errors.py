"""Errors of the SP-API client: the SP-API names of the shared Amazon error hierarchy (stockguard.amazon.errors).

Messages never contain credentials or tokens.
"""

from __future__ import annotations

from stockguard.amazon.errors import AmazonApiAuthError, AmazonApiError, AmazonApiRetryableError, scrub
from stockguard.amazon.lwa import LwaErrorTypes

__all__ = [
    "LWA_ERRORS",
    "CredentialsError",
    "SpApiAuthError",
    "SpApiConflictError",
    "SpApiError",
    "SpApiRetryableError",
    "scrub",
]


class SpApiError(AmazonApiError):
    """An SP-API or LWA call failed for good (or after its retries)."""


class SpApiRetryableError(SpApiError, AmazonApiRetryableError):
    """Throttled, 5xx or unreachable after the transport's retries: running set-up again later may work."""


class SpApiAuthError(SpApiError, AmazonApiAuthError):
    """Login with Amazon refused the credentials: nothing else can work, so the run stops."""


class CredentialsError(Exception):
    """The SP-API credentials could not be read (missing file or secret, bad JSON, missing keys)."""


class SpApiConflictError(SpApiError):
    """HTTP 409: the resource already exists. Set-up treats it as "look the existing one up"."""


# Only a refusal stops `stockguard subscribe` (SpApiAuthError); an unavailable LWA fails the one step.
LWA_ERRORS = LwaErrorTypes(refused=SpApiAuthError, unavailable=SpApiRetryableError, failed=SpApiError)
