"""What finance staff read after a run, as Markdown: per settlement whether it adds up, each
discrepancy with its evidence and the suggested action, and (against the emulator) the score.

Used by the README's main job and by scripts; the Frappe script reports read the same records.
"""

from __future__ import annotations

from typing import Iterable, Mapping

from ...store.reconciliation_runs import RunRecord, StoredDiscrepancy


def _evidence_lines(evidence: Mapping) -> list[str]:
    lines = []
    for key, value in evidence.items():
        if isinstance(value, (list, tuple)):
            value = ", ".join(str(v) for v in value[:10]) + (" …" if len(value) > 10 else "")
        elif isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items())
        lines.append(f"    - {key.replace('_', ' ')}: {value}")
    return lines


def _settlement_row(s: Mapping) -> str:
    cur = s["currency"]

    def cell(key: str, count: str | None = None) -> str:
        if key not in s:
            return "—"
        return f"{cur} {s[key]}" + (f" ({s[count]})" if count and s.get(count) else "")

    verdict = "pending" if s.get("pending") else "yes" if s["adds_up"] else "**no**"
    return (f"| {s['id']} | {s['status']} | {cell('lines_total')} | {cell('captures', 'capture_count')} "
            f"| {cell('reversals')} | {cell('costs_gross')} | {cell('expected')} | {cur} {s['amount']} "
            f"| {verdict} | {s['discrepancies']} |")


def _pending_lines(totals: Mapping) -> list[str]:
    """Per currency and balance: what is pending and what is available, and the paid payments
    that no closed settlement is due to hold yet."""
    out = []
    balances = totals.get("balances") or []
    if balances:
        out += ["", "| balance | currency | pending | available |", "| --- | --- | ---: | ---: |"]
        out += [f"| {b['id']} | {b['currency']} | {b['pending']} | {b['available']} |" for b in balances]
    pending = totals.get("pending_payments") or {}
    if pending.get("count"):
        amounts = ", ".join(f"{cur} {value}" for cur, value in pending.get("amounts", {}).items())
        out += ["", f"Pending: {pending['count']} paid payments ({amounts}) not yet due in a closed settlement."]
    return out


def render_markdown(run: RunRecord, discrepancies: Iterable[StoredDiscrepancy], scores: Mapping | None = None) -> str:
    discrepancies = list(discrepancies)
    out = [
        f"# Reconciliation {run.account}: {run.period_from} – {run.period_until}",
        "",
        f"Run `{run.run_id}`: **{run.status}**, {run.settlements_checked} settlements and "
        f"{run.transactions_checked} balance transactions checked, {len(discrepancies)} discrepancies"
        + (f", {run.duration_ms / 1000:.1f} s." if run.duration_ms is not None else "."),
        "",
        "## Settlements",
        "",
        "Expected = the settlement's payments + captures − refunds − chargebacks + reversals (and every other "
        "term Mollie pays out without listing it), less its costs incl. VAT. The open settlement is still being "
        "built: its lines are pending, not checked.",
        "",
        "| settlement | status | lines | captures | reversals | costs | expected | paid out | adds up | discrepancies |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | :---: | ---: |",
    ]
    for s in run.totals.get("settlements", []):
        out.append(_settlement_row(s))
    out += _pending_lines(run.totals)
    out += ["", "## Discrepancies", ""]
    if not discrepancies:
        out.append("Everything adds up: no discrepancies.")
    for d in discrepancies:
        status = "resolved" if d.status == "resolved" else "open"
        out.append(f"- **{d.kind.replace('_', ' ')}** ({status}) {d.currency} {d.amount} — {', '.join(d.ids)}")
        out += _evidence_lines(d.evidence)
        out.append(f"    - what to do: {d.suggested_action}")
        if d.resolution_note:
            out.append(f"    - resolved by {d.resolved_by}: {d.resolution_note}")
    if scores:
        out += ["", "## Score against the scenario's ground truth", "",
                "| kind | planted | reported | precision | recall |", "| --- | ---: | ---: | ---: | ---: |"]
        for kind, s in sorted(scores.items()):
            out.append(f"| {kind} | {s.planted} | {s.reported} | {s.precision:.2f} | {s.recall:.2f} |")
    return "\n".join(out) + "\n"
