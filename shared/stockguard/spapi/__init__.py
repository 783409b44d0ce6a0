"""SP-API notification set-up: credentials, LWA tokens, a Notifications API v1 client and the
idempotent subscribe logic behind `stockguard subscribe` (see README.md in this folder)."""

from stockguard.spapi.credentials import SpApiCredentials, load_from_file, load_from_secret
from stockguard.spapi.errors import CredentialsError, SpApiAuthError, SpApiConflictError, SpApiError, SpApiRetryableError
from stockguard.spapi.notifications_api import NotificationsApi
from stockguard.spapi.plan import NotificationType, SubscribePlan, build_plan
from stockguard.spapi.regions import LWA_TOKEN_URL, SpApiRegion, resolve_region
from stockguard.spapi.subscribe import StepResult, planned_steps, set_up, summarize

__all__ = [
    "LWA_TOKEN_URL",
    "CredentialsError",
    "NotificationType",
    "NotificationsApi",
    "SpApiAuthError",
    "SpApiConflictError",
    "SpApiCredentials",
    "SpApiError",
    "SpApiRegion",
    "SpApiRetryableError",
    "StepResult",
    "SubscribePlan",
    "build_plan",
    "load_from_file",
    "load_from_secret",
    "planned_steps",
    "resolve_region",
    "set_up",
    "summarize",
]
