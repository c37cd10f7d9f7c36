"""python -m verenigingen.verenigingen_payments.sandbox --port 8765 --scenario association-small [--seed N]
[--host 127.0.0.1] [--clean] [--webhook-secret S] [--time-scale F]

Prints the base URL, the API key and the organization access token (one `name: value` line each,
flushed) and serves until SIGINT/SIGTERM.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading

from .scenario import SCENARIOS
from .server import MollieEmulator
from .store import FLOWS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m verenigingen.verenigingen_payments.sandbox",
                                     description="Stateful Mollie API v2 emulator")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--scenario", default="association-small",
                        choices=sorted(SCENARIOS) + sorted(f"{n}-{f}" for n in SCENARIOS for f in FLOWS if f != "basic"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--clean", action="store_true", help="plant no discrepancies")
    parser.add_argument("--flows", default="basic", choices=FLOWS,
                        help="real: pending funds, failed refunds, returned payouts, invoice compensation, "
                             "a second balance in GBP, manual captures …")
    parser.add_argument("--live", action="store_true", help="issue a live_ API key instead of test_")
    parser.add_argument("--webhook-secret", default=None, help="signing secret for next-gen webhooks")
    parser.add_argument("--time-scale", type=float, default=1.0, help="multiplier for webhook retry intervals")
    args = parser.parse_args(argv)
    emu = MollieEmulator(scenario=args.scenario, seed=args.seed, host=args.host, port=args.port,
                         discrepancies=not args.clean, mode="live" if args.live else "test",
                         webhook_secret=args.webhook_secret, time_scale=args.time_scale,
                         flows=args.flows)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    emu.start()
    try:
        print(f"base_url: {emu.base_url}", flush=True)
        print(f"api_key: {emu.api_key}", flush=True)
        print(f"organization_token: {emu.organization_token}", flush=True)
        print(f"control_url: {emu.control_url}", flush=True)
        print(f"scenario: {args.scenario} seed={args.seed} started_in={emu.start_seconds:.2f}s", flush=True)
        while not stop.wait(0.5):
            pass
    finally:
        emu.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
