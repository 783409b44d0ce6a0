"""Local Amazon Ads API simulator: LWA tokens, profiles, SP v3, SB v4 and SD state endpoints over
real HTTP on 127.0.0.1, with per-endpoint fault injection. Catalog format: README.md here.

    with AdsSimulator(load_catalog(DEMO_CATALOG_PATH)) as sim:
        client = make_client(endpoint=sim.base_url, token_endpoint=sim.token_url)
"""

from stockguard_dev.simulator.auth import DEFAULT_CLIENTS
from stockguard_dev.simulator.catalog import COLLECTIONS, DEMO_CATALOG_PATH, Catalog, Credentials, load_catalog
from stockguard_dev.simulator.faults import FaultConfig, FaultKind, FaultRule, load_faults
from stockguard_dev.simulator.recording import RecordedRequest
from stockguard_dev.simulator.server import AdsSimulator

__all__ = [
    "COLLECTIONS",
    "DEFAULT_CLIENTS",
    "DEMO_CATALOG_PATH",
    "AdsSimulator",
    "Catalog",
    "Credentials",
    "FaultConfig",
    "FaultKind",
    "FaultRule",
    "RecordedRequest",
    "load_catalog",
    "load_faults",
]
