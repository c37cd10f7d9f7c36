"""The "Payouts at the bank" section of the finance report, in Markdown."""

from __future__ import annotations

from ..reconciliation.scoring import KindScore
from .findings import BANK_FINDING_KINDS
from .run import PayoutsAtBank


def render_payouts_at_bank(result: PayoutsAtBank, scores: dict[str, KindScore] | None = None) -> str:
    bank, rules = result.bank, result.rules
    out = ["## Payouts at the bank", "",
           f"Account {bank.iban}: statements cover {bank.covered_from} – {bank.covered_until}; a payout is matched "
           f"by its settlement reference, the exact amount and a value date within {rules.business_days} bank "
           "business days (TARGET2 closing days are not business days).", "",
           "| settlement | reference | paid out | amount | at the bank | status |", "| --- | --- | --- | ---: | --- | --- |"]
    for m in result.outcome.matches:
        p = m.payout
        at_bank = ", ".join(f"{x.entry_ref} {x.value_date} {x.amount:f}" for x in m.lines) or "—"
        out.append(f"| {p.settlement_id} | {p.reference} | {p.paid_day} | {p.amount:f} {p.currency} | {at_bank} "
                   f"| {m.status} |")
    out += ["", "### Three-way summary per month", "",
            "| month | Mollie opening | Mollie closing | transfers at Mollie | paid out | arrived at the bank "
            "| difference | unexplained |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for row in result.months:
        mollie = row.mollie
        opening, closing, transfers = ((f"{mollie.opening:f}", f"{mollie.closing:f}", f"{mollie.transfers:f}")
                                       if mollie else ("—", "—", "—"))
        out.append(f"| {row.month} | {opening} | {closing} | {transfers} | {row.paid_out:f} | {row.arrived:f} "
                   f"| {row.difference:f} | {row.unexplained:f} |")
    for row in result.months:
        for e in row.explanations:
            out.append(f"- {row.month}: {e.what} — {e.status}: {e.amount:f} {row.currency}")
    findings = result.outcome.findings
    out += ["", f"### Findings ({len(findings)})", ""]
    if not findings:
        out.append("Every payout that is due arrived at the bank with its exact amount; no credit from Mollie is unexplained.")
    for f in findings:
        evidence = "; ".join(f"{k}: {v}" for k, v in f.evidence.items() if v not in ("", [], None))
        out += [f"- **{f.kind}** {', '.join(f.ids)} — {f.amount:f} {f.currency}", f"  - evidence: {evidence}",
                f"  - what to do: {f.action}"]
    if scores is not None:
        out += ["", "### Scored against the scenario's bank ground truth", "",
                "| kind | planted | reported | found | precision | recall |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
        for kind in BANK_FINDING_KINDS:
            s = scores.get(kind)
            if s is not None:
                out.append(f"| {kind} | {s.planted} | {s.reported} | {s.true_positives} | {s.precision:.2f} "
                           f"| {s.recall:.2f} |")
        if not scores:
            out.append("| (nothing planted, nothing reported) | 0 | 0 | 0 | — | — |")
    return "\n".join(out) + "\n"
