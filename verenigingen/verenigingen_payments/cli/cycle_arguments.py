"""The main job's arguments: parsed and checked against the declared limits before anything runs.

Every refusal is an `InvalidInput` (or argparse's own usage error), reported by the job as one line
on stderr with exit status 2 — before the emulator starts, any request is sent, any file or folder
is created or the store is opened.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..bank.statement_file import read_statement_path
from ..core.errors import InvalidInput
from ..core.input_limits import API_KEY, HTTP_URL, MAX_SEED, ORGANIZATION_TOKEN, parse_day, require, require_period
from ..store.sql.store_url import check_store_url
from ..workflows.payouts_at_bank.inputs import DEFAULT_BUSINESS_DAYS

SCENARIOS = ("association-small", "association-large", "association-small-real", "association-large-real",
             "existing-account", "existing-account-small")
ADOPT_SCENARIO = "existing-account"  # --adopt without --scenario: the emulator's account an association already has
EXIT_USAGE = 2
DEFAULT_COLLECTION_DAYS = 70  # long enough for two payday retries, two reminders and a suspension
MAX_COLLECTION_DAYS = 120


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a usage error is one line (`finance-cycle: error: …`), not the usage block too."""

    def error(self, message: str):
        print(one_line(f"{self.prog}: error: {message}"), file=sys.stderr)
        sys.exit(EXIT_USAGE)


def one_line(text: str) -> str:
    """`text` with every non-printable character (a newline in a path, say) written as an escape."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def _parser(description: str) -> OneLineParser:
    parser = OneLineParser(prog="finance-cycle", description=description)
    parser.add_argument("--scenario", choices=SCENARIOS,
                        help=f"default: association-small, or {ADOPT_SCENARIO} with --adopt")
    parser.add_argument("--seed", type=int, default=1, help=f"0 – {MAX_SEED}")
    parser.add_argument("--clean", action="store_true", help="a scenario without planted discrepancies")
    parser.add_argument("--base-url", help="a Mollie-compatible API instead of the emulator")
    parser.add_argument("--api-key")
    parser.add_argument("--organization-token")
    parser.add_argument("--from", dest="from_date", help="first day (Amsterdam, YYYY-MM-DD)")
    parser.add_argument("--until", dest="until_date", help="day after the last (YYYY-MM-DD)")
    parser.add_argument("--store-url", help="SQL store URL (default: a SQLite file under var/)")
    parser.add_argument("--report-dir", type=Path, default=Path("var/reports"))
    parser.add_argument("--bank-statement", type=Path,
                        help="the association's bank statement (CAMT.053 or MT940) instead of the scenario's own")
    parser.add_argument("--bank-days", type=int, default=DEFAULT_BUSINESS_DAYS,
                        help="bank business days a payout may take to arrive (1 – 10)")
    parser.add_argument("--collection-days", type=int, default=None,
                        help=f"days of the emulator's clock the collections scenario follows, 0 – {MAX_COLLECTION_DAYS} "
                             f"(default {DEFAULT_COLLECTION_DAYS}; 0 on the large scenarios)")
    parser.add_argument("--adopt", action="store_true",
                        help="adopt the account first (customers, mandates, subscriptions, payment history, "
                             "chargebacks, settlements) and print what is held against Mollie's counts")
    parser.add_argument("--members", type=Path,
                        help="with --adopt: the member register, a CSV file with columns reference,email,number "
                             "(default: the scenario's register; for --base-url the customers' metadata)")
    return parser


def parse_arguments(argv: list[str] | None, description: str = "") -> argparse.Namespace:
    """The checked arguments; InvalidInput (or SystemExit(2) from argparse) when one is not usable."""
    args = _parser(description).parse_args(argv)
    if args.scenario is None:
        args.scenario = ADOPT_SCENARIO if args.adopt else "association-small"
    if args.members is not None and not (args.adopt and args.members.is_file()):
        raise InvalidInput("--members needs --adopt and an existing CSV file", field="--members")
    if not 0 <= args.seed <= MAX_SEED:
        raise InvalidInput(f"--seed must be between 0 and {MAX_SEED}", field="--seed")
    args.from_date = parse_day(args.from_date, "--from") if args.from_date is not None else None
    args.until_date = parse_day(args.until_date, "--until") if args.until_date is not None else None
    if args.from_date and args.until_date:
        require_period(args.from_date, args.until_date)
    if args.collection_days is None:
        args.collection_days = 0 if "large" in args.scenario else DEFAULT_COLLECTION_DAYS
    if not 0 <= args.collection_days <= MAX_COLLECTION_DAYS:
        raise InvalidInput(f"--collection-days must be between 0 and {MAX_COLLECTION_DAYS}", field="--collection-days")
    _check_remote(args)
    if args.store_url is not None:
        args.parsed_store_url = check_store_url(args.store_url)
    if args.bank_statement is not None and not args.bank_statement.is_file():
        raise InvalidInput(f"--bank-statement {str(args.bank_statement)!r} is not a file", field="--bank-statement")
    args.bank_statements = read_statement_path(args.bank_statement) if args.bank_statement is not None else None
    if not 1 <= args.bank_days <= 10:
        raise InvalidInput("--bank-days must be between 1 and 10", field="--bank-days")
    if args.report_dir.exists() and not args.report_dir.is_dir():
        raise InvalidInput(f"--report-dir {str(args.report_dir)!r} is not a folder", field="--report-dir")
    return args


def _check_remote(args: argparse.Namespace) -> None:
    given = [args.base_url, args.api_key, args.organization_token]
    if not any(v is not None for v in given):
        return
    if args.base_url is None or args.api_key is None or args.organization_token is None:
        raise InvalidInput("--base-url, --api-key and --organization-token go together", field="--base-url")
    require(HTTP_URL, args.base_url, "--base-url", "an http(s) URL")
    if not API_KEY.fullmatch(args.api_key):  # never echo a credential
        raise InvalidInput("--api-key is not a Mollie API key (live_… or test_…)", field="--api-key")
    if not ORGANIZATION_TOKEN.fullmatch(args.organization_token):
        raise InvalidInput("--organization-token is not an organization access token (access_…)",
                           field="--organization-token")
