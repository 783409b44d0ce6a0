"""Run the simulator until interrupted: python -m stockguard_dev.simulator [--catalog F] [--faults F] [--port N].

Prints the base URL and token URL (for ADS_API_ENDPOINT / LWA_TOKEN_ENDPOINT) on stdout.
"""

from __future__ import annotations

import argparse
import threading

from stockguard_dev.simulator import DEMO_CATALOG_PATH, AdsSimulator, load_catalog, load_faults


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m stockguard_dev.simulator", description=__doc__)
    parser.add_argument("--catalog", default=str(DEMO_CATALOG_PATH), help="catalog JSON (default: the demo catalog)")
    parser.add_argument("--faults", help="FaultConfig JSON: {rules: [...], seed, page_size_sp, page_size_sb, page_size_sd}")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: ephemeral)")
    parser.add_argument("--token-ttl", type=int, default=3600, help="access token lifetime in seconds")
    args = parser.parse_args(argv)
    faults = load_faults(args.faults) if args.faults else None
    sim = AdsSimulator(load_catalog(args.catalog), faults=faults, token_ttl_seconds=args.token_ttl, port=args.port)
    sim.start()
    print(f"ADS_API_ENDPOINT={sim.base_url}\nLWA_TOKEN_ENDPOINT={sim.token_url}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()


if __name__ == "__main__":
    main()
