"""Local SP-API simulator: LWA tokens (seller and grantless), getInventorySummaries, getListingsItem and
getCompetitiveSummary over real HTTP on 127.0.0.1, with per-operation rate limits and the Ads
simulator's fault injection and request recording. Seed format: ../README.md ("SP-API simulator").

    with SpApiSimulator(DEMO_SEED_PATH, rate_limiting=False) as sim:
        creds = sim.credentials()  # multi-seller shape
        ...  # SP-API endpoint sim.base_url, LWA endpoint sim.token_url
"""

from stockguard_dev.simulator.faults import FaultConfig, FaultRule
from stockguard_dev.simulator.recording import RecordedRequest
from stockguard_dev.simulator.spapi.clock import ManualClock
from stockguard_dev.simulator.spapi.credentials import (
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    GRANTLESS_SCOPES,
    AppCredentials,
    CredentialsError,
    SellerAuthorization,
)
from stockguard_dev.simulator.spapi.next_token import NEXT_TOKEN_TTL_SECONDS
from stockguard_dev.simulator.spapi.rate_limits import DEFAULT_RATE_LIMITS, RATE_LIMIT_HEADER, RateLimit, RateLimiter
from stockguard_dev.simulator.spapi.seed import DEMO_SEED_PATH, SeedError, SpApiSeed, load_seed
from stockguard_dev.simulator.spapi.server import SpApiSimulator

__all__ = [
    "DEFAULT_RATE_LIMITS",
    "DEMO_CLIENT_ID",
    "DEMO_CLIENT_SECRET",
    "DEMO_SEED_PATH",
    "GRANTLESS_SCOPES",
    "NEXT_TOKEN_TTL_SECONDS",
    "RATE_LIMIT_HEADER",
    "AppCredentials",
    "CredentialsError",
    "FaultConfig",
    "FaultRule",
    "ManualClock",
    "RateLimit",
    "RateLimiter",
    "RecordedRequest",
    "SeedError",
    "SellerAuthorization",
    "SpApiSeed",
    "SpApiSimulator",
    "load_seed",
]
