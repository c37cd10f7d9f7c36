"""Collection day in a real bench: one SEPA batch of N payments turns paid at once, the emulator sends
Mollie's classic webhook for each into the site, and the site's workers drain them at the Mollie rate
limit. Figures: the time from the first status change until every delivery is processed, against the
time the rate limit sets (N / rate), lost (a payment without a processed row, or a row not finished)
and doubled (a state recorded twice), the busiest second of payment fetches the emulator saw (all
workers share the limiter: at most rate + burst), and the backlog gauges scraped under load next to
the log's own counts at that moment.

Before a run (once per site): a Mollie Settings record ACCOUNT pointing at the emulator this script
starts (`api_base_url` http://127.0.0.1:EMULATOR_PORT/v2, its API key, `webhook_secret` SECRET,
`rate_limit_requests_per_second` 25; site config `mollie_allow_custom_api_base_url`), site config
`mollie_metrics_token`, and `workers: {"mollie_webhooks": {"timeout": 300}}` in common_site_config so
that `bench worker` serves the queue. Start extra workers with `bench worker --queue mollie_webhooks`.

Rerun:  .venv/bin/python benchmarks/collection_day.py --base http://127.0.0.1:8200 --site scale.localhost \\
            --secret SECRET --emulator-port 8290 --db-url mysql+pymysql://USER:PASS@127.0.0.1:3507/DB \\
            --metrics-token TOKEN [--count 20000] [--rate 25] [--label "1 worker"] [--seed 1]
The emulator (association-small, --seed 1: its API key and payment ids are the same every run of a seed,
so a second run of one seed redelivers the same payments, which close as duplicates) runs in this process; its
deliveries carry `Host: <site>` (what DNS would do for the site's name). Prints one JSON line at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import requests  # noqa: E402
import sqlalchemy as sa  # noqa: E402

from benchmarks.bench_webhook_drain import busiest_second  # noqa: E402
from verenigingen.verenigingen_payments.clients.config import MollieConfig  # noqa: E402
from verenigingen.verenigingen_payments.clients.payments_client import PaymentsClient  # noqa: E402
from verenigingen.verenigingen_payments.core.models.money import Amount  # noqa: E402
from verenigingen.verenigingen_payments.sandbox.server import MollieEmulator  # noqa: E402
from verenigingen.verenigingen_payments.webhooks.settings import WEBHOOK_PATH  # noqa: E402

LOG = "`tabMollie Webhook Log`"
GAUGES = ("mollie_webhook_queue_depth", "mollie_webhook_oldest_pending_age_seconds")


def create_batch(emulator, count: int, webhook_url: str) -> list[str]:
    config = MollieConfig(api_key=emulator.api_key, base_url=emulator.base_url, account="collection-day",
                          rate_limit_requests_per_second=100_000.0, circuit_breaker_failure_threshold=100_000)
    client = PaymentsClient(config)

    def one(n: int) -> str:
        return client.create_payment(Amount.of("12.50", "EUR"), f"Contributie 2026 #{n}",
                                     redirect_url="https://example.org/thanks", webhook_url=webhook_url).id

    with ThreadPoolExecutor(4) as pool:
        return list(pool.map(one, range(count)))


def site_now(engine) -> datetime:
    """Now as the site stores datetimes: naive, in its system time zone."""
    with engine.connect() as conn:
        zone = conn.execute(sa.text("select defvalue from tabDefaultValue where defkey='time_zone' limit 1")).scalar()
    return datetime.now(ZoneInfo(zone or "UTC")).replace(tzinfo=None)


def backlog_truth(engine, since) -> dict:
    with engine.connect() as conn:
        depth, oldest_age = conn.execute(sa.text(
            f"select count(*), timestampdiff(microsecond, min(received_at), :now) / 1e6 from {LOG} "
            "where status in ('received', 'processing') or (status='failed' and next_attempt_at is not null)"),
            {"now": site_now(engine)}).one()
        finished = conn.execute(sa.text(
            f"select count(*) from {LOG} where status in ('processed', 'duplicate', 'ignored') and received_at >= :t"),
            {"t": since}).scalar()
    return {"depth": int(depth), "oldest_age_s": float(oldest_age or 0), "finished": int(finished)}


def scrape_gauges(args) -> dict:
    response = requests.get(f"{args.base}/api/method/verenigingen.verenigingen_payments.api.operations.metrics",
                            headers={"Host": args.site, "X-Mollie-Metrics-Token": args.metrics_token}, timeout=30)
    found = {}
    for line in response.text.splitlines():
        name, _, value = line.partition(" ")
        if name in GAUGES:
            found[name] = float(value)
    return found


def outcome(engine, payment_ids: list[str], since) -> dict:
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            f"select resource_id, status, applied_effect_key from {LOG} where received_at >= :t"), {"t": since}).all()
        ledger_paid = conn.execute(sa.text(
            "select count(*) from `tabMollie Payment` where status='paid' and modified >= :t"), {"t": since}).scalar()
    ours = set(payment_ids)
    processed = [r for r in rows if r.resource_id in ours and r.status == "processed"]
    keys = [r.applied_effect_key for r in rows if r.applied_effect_key]
    unfinished = [r for r in rows if r.status not in ("processed", "duplicate", "ignored")]
    return {"rows": len(rows), "payments": len(ours), "lost": len(ours - {r.resource_id for r in processed})
            + len(unfinished), "doubled": len(processed) - len({r.resource_id for r in processed})
            + len(keys) - len(set(keys)), "ledger_paid": int(ledger_paid)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8200")
    parser.add_argument("--site", required=True)
    parser.add_argument("--secret", required=True)
    parser.add_argument("--emulator-port", type=int, default=8290)
    parser.add_argument("--db-url", required=True)
    parser.add_argument("--metrics-token", required=True)
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--rate", type=float, default=25.0)
    parser.add_argument("--label", default="")
    parser.add_argument("--seed", type=int, default=1, help="the emulator's; its API key and payment ids follow it")
    parser.add_argument("--timeout", type=float, default=7200)
    args = parser.parse_args()
    engine = sa.create_engine(args.db_url)
    webhook_url = f"{args.base}{WEBHOOK_PATH}?secret={args.secret}"
    with MollieEmulator("association-small", seed=args.seed, port=args.emulator_port) as emulator:
        emulator.app.dispatcher._session.headers["Host"] = args.site
        payment_ids = create_batch(emulator, args.count, webhook_url)
        since = site_now(engine)
        started, wall_start = time.perf_counter(), time.time()
        with ThreadPoolExecutor(4) as pool:
            list(pool.map(lambda p: emulator.control.trigger("payment.paid", p), payment_ids))
        triggered = time.perf_counter() - started
        samples, delivered_at = [], None
        deadline = started + args.timeout
        while time.perf_counter() < deadline:
            if delivered_at is None and emulator.app.dispatcher.pending() == 0:
                delivered_at = time.perf_counter() - started
            truth = backlog_truth(engine, since)
            gauges = scrape_gauges(args)
            samples.append({"t": round(time.perf_counter() - started, 1), **truth, **gauges})
            print(samples[-1], flush=True)
            if truth["finished"] >= args.count and truth["depth"] == 0:
                break
            time.sleep(10)
        finished = time.perf_counter() - started
        result = outcome(engine, payment_ids, since)
        failed_deliveries = sum(1 for d in emulator.app.dispatcher.log if d["status"] != 200)
        fetches = [r["time"] for r in list(emulator.app.log)
                   if r["method"] == "GET" and r["path"].startswith("/v2/payments/") and r["time"] >= wall_start]
    figures = {
        "benchmark": "collection_day", "label": args.label, "count": args.count, "rate_limit_rps": args.rate,
        "seconds": round(finished, 1), "rate_limit_seconds": round(args.count / args.rate, 1),
        "vs_rate_limit_time": round((args.count / args.rate) / finished, 3),
        "triggered_s": round(triggered, 1), "delivered_s": round(delivered_at or finished, 1),
        "failed_deliveries": failed_deliveries, **result,
        "fetches": len(fetches), "fetches_busiest_second": busiest_second(fetches),
        "limit_with_burst": args.rate + args.rate / 5,
        "gauge_samples": [s for s in samples[:: max(1, len(samples) // 8)]],
        "load_avg_1m": round(os.getloadavg()[0], 2),
    }
    print(json.dumps(figures, default=str))


if __name__ == "__main__":
    main()
