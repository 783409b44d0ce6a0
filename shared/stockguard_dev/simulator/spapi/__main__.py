"""Run the SP-API simulator until interrupted:
python -m stockguard_dev.simulator.spapi [--seed F] [--credentials F] [--faults F] [--port N] [--no-rate-limits]

Prints SPAPI_ENDPOINT=… and LWA_TOKEN_ENDPOINT=… on stdout, and writes the accepted credentials
(multi-seller shape) to --write-credentials when given.
"""

from __future__ import annotations

import argparse
import json
import threading
from pathlib import Path

from stockguard_dev.simulator.faults import load_faults
from stockguard_dev.simulator.spapi.seed import DEMO_SEED_PATH
from stockguard_dev.simulator.spapi.server import SpApiSimulator


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m stockguard_dev.simulator.spapi", description=__doc__)
    parser.add_argument("--seed", default=str(DEMO_SEED_PATH), help="seed JSON (default: the demo seed)")
    parser.add_argument("--credentials", help="credentials JSON, one-seller or multi-seller shape (default: generated)")
    parser.add_argument("--write-credentials", metavar="FILE", help="write the accepted credentials (multi-seller shape) here")
    parser.add_argument("--faults", help="FaultConfig JSON: {rules: [...], seed}")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: ephemeral)")
    parser.add_argument("--page-size", type=int, default=50, help="getInventorySummaries page size")
    parser.add_argument("--token-ttl", type=int, default=3600, help="access token lifetime in seconds")
    parser.add_argument("--no-rate-limits", action="store_true", help="never answer 429 for the usage plans")
    args = parser.parse_args(argv)
    credentials = json.loads(Path(args.credentials).read_text(encoding="utf-8")) if args.credentials else None
    sim = SpApiSimulator(
        args.seed,
        credentials=credentials,
        faults=load_faults(args.faults) if args.faults else None,
        rate_limiting=not args.no_rate_limits,
        page_size=args.page_size,
        token_ttl_seconds=args.token_ttl,
        port=args.port,
    )
    sim.start()
    if args.write_credentials:
        sim.write_credentials(args.write_credentials)
    print(f"SPAPI_ENDPOINT={sim.base_url}\nLWA_TOKEN_ENDPOINT={sim.token_url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()


if __name__ == "__main__":
    main()
