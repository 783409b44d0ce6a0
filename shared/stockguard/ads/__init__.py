"""Amazon Ads API side: the port (interface), the httpx client, credentials, endpoints and errors."""

from stockguard.ads.client import AdsApiClient, clear_token_cache
from stockguard.ads.credentials import AdsCredentials, load_credentials_from_file, load_credentials_from_secret
from stockguard.ads.endpoints import region_for_marketplace
from stockguard.ads.errors import AdsApiAuthError, AdsApiError, AdsApiRetryableError
from stockguard.ads.retry import TimeBudget

__all__ = [
    "AdsApiAuthError",
    "AdsApiClient",
    "AdsApiError",
    "AdsApiRetryableError",
    "AdsCredentials",
    "TimeBudget",
    "clear_token_cache",
    "load_credentials_from_file",
    "load_credentials_from_secret",
    "region_for_marketplace",
]
