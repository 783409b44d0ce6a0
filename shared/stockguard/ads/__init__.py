"""Amazon Ads API side: the port (interface), the httpx client, credentials, endpoints and errors."""

from stockguard.ads.client import AdsApiClient
from stockguard.ads.credentials import AdsCredentials, load_credentials_from_file, load_credentials_from_secret
from stockguard.ads.endpoints import Endpoints, region_for_marketplace
from stockguard.ads.errors import AdsApiAuthError, AdsApiError, AdsApiRetryableError, AdsApiTokenUnavailableError
from stockguard.ads.tokens import clear_token_cache
from stockguard.amazon.budget import TimeBudget

__all__ = [
    "AdsApiAuthError",
    "AdsApiClient",
    "AdsApiError",
    "AdsApiRetryableError",
    "AdsApiTokenUnavailableError",
    "AdsCredentials",
    "Endpoints",
    "TimeBudget",
    "clear_token_cache",
    "load_credentials_from_file",
    "load_credentials_from_secret",
    "region_for_marketplace",
]
