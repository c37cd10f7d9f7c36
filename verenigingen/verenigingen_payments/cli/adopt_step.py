"""`finance-cycle --adopt`: adopt the account before the cycle (the framework-free path through the SQL
store), then print what is held against Mollie's counts, the exception list with what to do, and the
day-one figures (active members, MRR, 30-day volume) the dashboard shows from the adopted records."""

from __future__ import annotations

import argparse
import csv
from collections.abc import Callable
from datetime import datetime

from ..clients import MollieConfig
from ..sandbox.scenario import SHAPERS, generate
from ..store.sql import open_store_engine
from ..store.sql.dashboard_queries import SqlLocalFigures
from ..workflows.adoption import AdoptionStores, Member, adopt_account
from ..workflows.adoption.day_one import day_one_figures
from ..workflows.adoption.report_text import progress_printer, report_lines


def member_register(args: argparse.Namespace) -> list[Member] | None:
    """--members, else the emulator scenario's own register, else None (the customers' metadata)."""
    if args.members is not None:
        with args.members.open(newline="", encoding="utf-8") as handle:
            return [Member(row["reference"], row.get("email") or None, row.get("number") or None)
                    for row in csv.DictReader(handle)]
    if args.base_url is None and args.scenario in SHAPERS:
        world, _ = generate(args.scenario, args.seed, not args.clean)
        return [Member(m["reference"], m["email"], m["number"]) for m in world.adoption_truth["register"]]
    return None


def adopt_first(args: argparse.Namespace, config: MollieConfig, store_url: str, clock: Callable[[], datetime],
                echo: Callable[[str], None]) -> list[str]:
    """Adopt, echo the progress; the lines of the outcome (also for the written report)."""
    echo(f"Adopting {config.account} (customers, mandates, subscriptions, payments, chargebacks, settlements) …")
    report = adopt_account(config, member_register(args), AdoptionStores.sql(store_url),
                           progress=progress_printer(echo, every=1000), clock=clock)
    figures = day_one_figures(config, SqlLocalFigures(open_store_engine(store_url)), clock)
    return [*report_lines(report), figures.line(), ""]
