"""The "Collections" section of the finance cycle: pre-notifications, retries, reminders, what was
recovered per month, the exceptions staff must look at, and the outbox printed."""

from __future__ import annotations

from collections import Counter
from datetime import date

from .dunning import CANCELED, PAID, REMINDER_1, REMINDER_2, RETRIED, RETRY_SCHEDULED, SUSPENDED, DunningCase, Transition
from .figures import monthly_figures
from .store import EXCEPTION, OutboxMessage, PreNotification


def render_collections(cases: list[DunningCase], transitions: list[Transition], notifications: list[PreNotification],
                       outbox: list[OutboxMessage], today: date, extra: list[str] = ()) -> str:
    lines = ["## Collections", ""]
    sent = [n for n in notifications if n.status != EXCEPTION]
    exceptions = [n for n in notifications if n.status == EXCEPTION]
    lines.append(f"Pre-notifications: {sum(1 for n in sent if n.version == 1)} sent, "
                 f"{sum(1 for n in sent if n.version > 1)} re-sent after a change, {len(exceptions)} exceptions; "
                 f"{sum(1 for n in notifications if n.payment_id)} kept with the payment they announced; "
                 f"{sum(1 for n in sent if n.collection_date > today)} announce collections still due after {today}.")
    moves = Counter(t.to_state for t in transitions)
    retry_moves = [t for t in transitions if t.from_state == RETRIED]
    paid_by_retry = sum(1 for t in retry_moves if t.to_state == PAID)
    lines.append(f"Failed collections: {moves['due']} (by reason: "
                 + ", ".join(f"{code} {n}" for code, n in sorted(Counter(c.reason_code or '—' for c in cases).items()))
                 + ").")
    lines.append(f"Retries: {moves[RETRY_SCHEDULED]} scheduled on a payday, {moves[RETRIED]} done "
                 f"({paid_by_retry} paid, {sum(1 for t in retry_moves if t.to_state != PAID and t.to_state != 'canceled')} "
                 f"failed again), {sum(1 for c in cases if c.state == RETRY_SCHEDULED)} still to come.")
    lines.append(f"Reminders sent: {moves[REMINDER_1]} first (with a payment link; "
                 f"{sum(1 for c in cases if c.new_mandate)} asking for a new mandate by iDEAL), {moves[REMINDER_2]} second; "
                 f"{moves[SUSPENDED]} memberships suspended, {moves[CANCELED]} periods canceled (membership ended).")
    lines.append(f"Open now: " + ", ".join(f"{state} {sum(1 for c in cases if c.state == state)}"
                                          for state in (RETRY_SCHEDULED, RETRIED, REMINDER_1, REMINDER_2, SUSPENDED)) + ".")
    lines += ["", "| month | failed | at risk | recovered | rate | days to recover | written off |",
              "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for f in monthly_figures(cases):
        rate = f"{f.recovery_rate * 100:.1f} %" if f.recovery_rate is not None else "—"
        lines.append(f"| {f.month} | {f.cases} | {f.at_risk} | {f.recovered} ({f.recovered_cases}) | {rate} | "
                     f"{f.mean_days_to_recover if f.mean_days_to_recover is not None else '—'} | {f.written_off} |")
    lines.append("")
    if exceptions:
        lines.append("Exceptions (no message went out; contact these members another way):")
        lines += [f"- member {n.member_reference}: pre-notification of {n.collection_date} — {n.detail}"
                  for n in exceptions]
        lines.append("")
    lines += list(extra)
    lines += _outbox(outbox)
    return "\n".join(lines) + "\n"


def _outbox(outbox: list[OutboxMessage]) -> list[str]:
    if not outbox:
        return ["Outbox: empty."]
    kinds = Counter(m.kind for m in outbox)
    lines = ["", f"Outbox: {len(outbox)} messages (" + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) + ")."]
    shown = set()
    for message in outbox:
        kind = message.kind.split(" ")[0] + message.language
        if kind in shown or message.kind.endswith(")"):
            continue
        shown.add(kind)
        lines += ["", f"> To: {message.recipient} ({message.language}) — {message.subject}", ">"]
        lines += [f"> {line}" if line else ">" for line in message.body.rstrip().split("\n")]
    return lines
