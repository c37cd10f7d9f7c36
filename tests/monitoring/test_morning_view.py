"""The morning cards: what each says in every state (never a zero it cannot vouch for) and the list
it opens, with the filters the desk list view applies."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

from verenigingen.verenigingen_payments.monitoring.desk_cards import NOTE_STYLE, DeskCard, ListLink, age_text
from verenigingen.verenigingen_payments.monitoring.morning_view import (
    DisputeFacts,
    ReconciliationFacts,
    WebhookBacklog,
    dispute_card,
    payout_card,
    reconciliation_card,
    webhook_card,
)

YESTERDAY = date(2025, 3, 27)
TODAY = YESTERDAY + timedelta(days=1)
NOW = datetime(2025, 3, 28, 8, 0, tzinfo=timezone.utc)


def filters(card: DeskCard) -> dict:
    """The list-view filters of the card's link, as the desk reads them from the query string."""
    query = parse_qsl(urlsplit(card.link.href()).query)
    return {field: json.loads(value) if value.startswith("[") else value for field, value in query}


def path(card: DeskCard) -> str:
    return urlsplit(card.link.href()).path


def recon(accounts=("Main", "Youth"), runs=None, ever=True, open_rows=0) -> DeskCard:
    return reconciliation_card(ReconciliationFacts(tuple(accounts), runs or {}, ever, open_rows), YESTERDAY)


def says(card: DeskCard) -> tuple[str, str | None]:
    return card.text, card.note


def test_reconciliation_card():
    assert recon(accounts=()).text == "no Mollie account yet" and recon(accounts=()).link is None
    assert says(recon(ever=False)) == ("not reconciled yet", None)
    done = {"Main": "completed", "Youth": "completed"}
    assert says(recon(runs=done)) == ("adds up", "0 open discrepancies · 2025-03-27")
    assert path(recon(runs=done)) == "/app/mollie-reconciliation-run" and filters(recon(runs=done)) == {}
    card = recon(runs={"Main": "completed", "Youth": "failed"}, open_rows=3)
    assert says(card) == ("3 open discrepancies", "run failed: Youth")
    assert filters(card) == {"open_discrepancy_count": [">", 0]}
    assert says(recon(runs={"Main": "completed", "Youth": "running"}, open_rows=1)) == (
        "1 open discrepancy", "2025-03-27 not reconciled: Youth")
    assert says(recon(runs={"Main": "failed"}, accounts=("Main",))) == ("0 open discrepancies", "run failed: Main")


def test_payout_card():
    expected = datetime(2025, 3, 30, 10, tzinfo=timezone.utc)
    card = payout_card({"Main": {"EUR": Decimal("812.4")}, "Youth": {"EUR": Decimal("10.00")}}, expected, TODAY)
    assert says(card) == ("EUR 822.40", "expected about 2025-03-30")
    assert card.link == ListLink("Settlement Reconciliation", report=True)
    assert path(card) == "/app/query-report/Settlement%20Reconciliation"
    main = {"EUR": Decimal("5.00")}
    assert says(payout_card({"Main": main}, None, TODAY)) == ("EUR 5.00", None)
    assert says(payout_card({"Main": main}, NOW - timedelta(days=2), TODAY)) == ("EUR 5.00", "was due about 2025-03-26")
    assert says(payout_card({"Main": {}, "Youth": {}}, None, TODAY)) == ("no payout pending", None)
    assert says(payout_card({"Main": main, "Youth": None}, expected, TODAY)) == (
        "EUR 5.00", "expected about 2025-03-30 · partial: Youth not read")
    assert says(payout_card({"Main": {}, "Youth": None}, None, TODAY)) == (
        "no payout pending", "partial: Youth not read")
    assert says(payout_card({"Main": None}, None, TODAY)) == ("not readable: Main", None)
    assert payout_card({}, None, TODAY).text == "no Mollie account yet"


def test_webhook_card():
    assert says(webhook_card(WebhookBacklog(False, 0, 0, 0, None), NOW)) == ("no webhooks received yet", None)
    calm = webhook_card(WebhookBacklog(True, 0, 0, 0, None), NOW)
    assert says(calm) == ("keeping up", "0 waiting") and path(calm) == "/app/mollie-webhook-log"
    busy = webhook_card(WebhookBacklog(True, 3, 1, 2, NOW - timedelta(hours=2, minutes=5)), NOW)
    assert says(busy) == ("3 waiting (1 due)", "oldest 2 h 5 min · 2 gave up")
    assert filters(busy) == {"status": ["in", ["received", "processing", "failed"]]}
    assert says(webhook_card(WebhookBacklog(True, 0, 0, 1, None), NOW)) == ("0 waiting", "1 gave up")


def test_dispute_card():
    assert says(dispute_card(DisputeFacts(0, 0, 0, 0), TODAY)) == ("no disputes yet", None)
    calm = dispute_card(DisputeFacts(4, 2, 0, 0), TODAY)
    assert says(calm) == ("none due", "2 open")
    assert filters(calm) == {"status": ["in", ["open", "investigating", "awaiting-member"]]}
    due = dispute_card(DisputeFacts(9, 5, 3, 1), TODAY)
    assert says(due) == ("3 due (1 overdue)", "5 open")
    assert filters(due) == {"status": ["in", ["open", "investigating", "awaiting-member"]],
                            "deadline": ["<=", "2025-03-28"]}


def test_card_html_links_the_text_and_puts_the_note_under_it_all_escaped():
    card = DeskCard('2 < 3 & "x"', ListLink("Dispute Case", filters=(("status", "open"),)), "partial: <b>")
    assert card.html() == ('<a href="/app/dispute-case?status=open" style="color: inherit">'
                           '2 &lt; 3 &amp; &quot;x&quot;</a>'
                           f'<div style="{NOTE_STYLE}">partial: &lt;b&gt;</div>')
    assert DeskCard("no data yet").html() == "no data yet"


def test_ages():
    assert [age_text(timedelta(seconds=s)) for s in (-5, 40, 600, 3 * 3600 + 300, 2 * 86400 + 4 * 3600)] == [
        "0 s", "40 s", "10 min", "3 h 5 min", "2 d 4 h"]
