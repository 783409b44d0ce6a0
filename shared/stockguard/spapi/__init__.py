"""SP-API: credentials, LWA tokens, a Notifications API v1 client and the idempotent subscribe logic behind
`stockguard subscribe`, and the pull client of the reconciliation (getInventorySummaries, getListingsItem,
getCompetitiveSummary) behind the SpApiPull port (see README.md in this folder)."""

from stockguard.spapi.credentials import (
    SellerCredentials,
    SpApiAppCredentials,
    SpApiCredentials,
    load_app_credentials_from_file,
    load_app_credentials_from_secret,
    load_from_file,
    load_from_secret,
)
from stockguard.spapi.errors import CredentialsError, SpApiAuthError, SpApiConflictError, SpApiError, SpApiRetryableError
from stockguard.spapi.inventory_api import InventorySnapshot, InventorySummary, stock_facts
from stockguard.spapi.listings_api import ListingsItem
from stockguard.spapi.notifications_api import NotificationsApi
from stockguard.spapi.plan import NotificationType, SubscribePlan, build_plan
from stockguard.spapi.port import SpApiPull
from stockguard.spapi.pricing_api import FeaturedOfferStatus, PricingCandidate, prioritise
from stockguard.spapi.pull_client import SpApiPullClient
from stockguard.spapi.rate_limit import DEFAULT_PLANS, RateLimiter, UsagePlan
from stockguard.spapi.regions import LWA_TOKEN_URL, SpApiRegion, resolve_region
from stockguard.spapi.subscribe import StepResult, planned_steps, set_up, summarize

__all__ = [
    "DEFAULT_PLANS",
    "LWA_TOKEN_URL",
    "CredentialsError",
    "FeaturedOfferStatus",
    "InventorySnapshot",
    "InventorySummary",
    "ListingsItem",
    "NotificationType",
    "NotificationsApi",
    "PricingCandidate",
    "RateLimiter",
    "SellerCredentials",
    "SpApiAppCredentials",
    "SpApiAuthError",
    "SpApiConflictError",
    "SpApiCredentials",
    "SpApiError",
    "SpApiPull",
    "SpApiPullClient",
    "SpApiRegion",
    "SpApiRetryableError",
    "StepResult",
    "SubscribePlan",
    "UsagePlan",
    "build_plan",
    "load_app_credentials_from_file",
    "load_app_credentials_from_secret",
    "load_from_file",
    "load_from_secret",
    "planned_steps",
    "prioritise",
    "resolve_region",
    "set_up",
    "stock_facts",
    "summarize",
]
