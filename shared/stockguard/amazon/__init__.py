"""Plumbing that the Amazon Ads API and the Selling Partner API share.

Both APIs authenticate with Login with Amazon, are throttled the same way and fail the same way, so the
token client (`lwa`), the retry policy and loop (`retry`), the time budget (`budget`) and the base error
hierarchy (`errors`) live here once; `stockguard.ads` and `stockguard.spapi` only add what differs
(hosts, scopes, paths, error bodies).
"""

from stockguard.amazon.budget import TimeBudget
from stockguard.amazon.errors import AmazonApiAuthError, AmazonApiError, AmazonApiRetryableError, AmazonTokenUnavailableError
from stockguard.amazon.lwa import ClientCredentialsGrant, LwaErrorTypes, LwaTokenClient, RefreshTokenGrant, TokenCache
from stockguard.amazon.retry import RETRYABLE_STATUS, RetriesExhausted, RetryEvent, RetryPolicy, send_with_retries

__all__ = [
    "RETRYABLE_STATUS",
    "AmazonApiAuthError",
    "AmazonApiError",
    "AmazonApiRetryableError",
    "AmazonTokenUnavailableError",
    "ClientCredentialsGrant",
    "LwaErrorTypes",
    "LwaTokenClient",
    "RefreshTokenGrant",
    "RetriesExhausted",
    "RetryEvent",
    "RetryPolicy",
    "TimeBudget",
    "TokenCache",
    "send_with_retries",
]
