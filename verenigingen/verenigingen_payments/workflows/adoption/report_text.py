"""The adoption as text, the same for `bench mollie adopt` and `finance-cycle --adopt`: a progress line
per step (every `every` items and at each step's start), then the counts held against Mollie's and the
exception list with what to do."""

from __future__ import annotations

from collections.abc import Callable

from .adopt import AdoptionReport

#: (label, what Mollie has, key of what the local stores hold)
COMPARED = (("customers", "customers", "customers"), ("mandates", "mandates", "mandates"),
            ("subscriptions", "subscriptions", "subscriptions"), ("payments", "payments", "payments"),
            ("chargebacks", "chargebacks", "chargebacks"), ("settlements", "settlements", "settlements"))


def progress_printer(echo: Callable[[str], None], every: int = 100) -> Callable[[str, int], None]:
    last: dict[str, int] = {}

    def line(step: str, done: int) -> None:
        if step not in last or done - last[step] >= every:
            echo(f"  {step}: {done}")
            last[step] = done

    return line


def report_lines(report: AdoptionReport) -> list[str]:
    head = "stopped (run adopt again to resume)" if report.stopped else "adopted"
    lines = [f"{head} {report.account}:", f"  {'':<14}{'Mollie':>9}{'held':>9}"]
    for label, mollie, held in COMPARED:
        lines.append(f"  {label:<14}{getattr(report, mollie):>9}{report.held.get(held, '-'):>9}")
    lines.append(f"  matched {report.matched} of {report.customers} customers "
                 f"({report.matched_by_metadata} by metadata); subscriptions linked {report.subscriptions_linked}")
    lines.append(f"  new this run: subscriptions {report.subscriptions_adopted}, "
                 f"dispute cases {report.dispute_cases_opened}")
    lines.append(f"exceptions: {len(report.exceptions)}")
    lines += [f"  {e.kind} {e.mollie_id}: {e.detail} — {e.what_to_do}" for e in report.exceptions]
    return lines
