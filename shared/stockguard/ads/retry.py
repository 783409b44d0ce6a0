"""The Ads API's names for the shared retry policy (stockguard.amazon.retry) and time budget (stockguard.amazon.budget).

Kept so that `from stockguard.ads.retry import TimeBudget, backoff_seconds, ...` keeps working.
"""

from stockguard.amazon.budget import TimeBudget
from stockguard.amazon.retry import RETRYABLE_STATUS, backoff_seconds, retry_after_seconds

__all__ = ["RETRYABLE_STATUS", "TimeBudget", "backoff_seconds", "retry_after_seconds"]
