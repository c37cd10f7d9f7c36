"""The morning cards: what each says in every state (never a zero it cannot vouch for) and the list
it opens, with the filters the desk list view applies."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

from verenigingen.verenigingen_payments.monitoring.desk_cards import DeskCard, ListLink, age_text
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


def test_reconciliation_card():
    assert recon(accounts=()).text == "no Mollie account yet" and recon(accounts=()).link is None
    assert recon(ever=False).text == "not reconciled yet"
    done = {"Main": "completed", "Youth": "completed"}
    assert recon(runs=done).text == "adds up · 0 open (2025-03-27)"
    assert path(recon(runs=done)) == "/app/mollie-reconciliation-run" and filters(recon(runs=done)) == {}
    card = recon(runs={"Main": "completed", "Youth": "failed"}, open_rows=3)
    assert card.text == "3 open discrepancies · run failed: Youth"
    assert filters(card) == {"open_discrepancy_count": [">", 0]}
    assert recon(runs={"Main": "completed", "Youth": "running"}, open_rows=1).text == (
        "1 open discrepancy · 2025-03-27 not reconciled: Youth")
    assert recon(runs={"Main": "completed"}).text == "0 open discrepancies · 2025-03-27 not reconciled: Youth"


def test_payout_card():
    expected = datetime(2025, 3, 30, 10, tzinfo=timezone.utc)
    card = payout_card({"Main": {"EUR": Decimal("812.4")}, "Youth": {"EUR": Decimal("10.00")}}, expected, TODAY)
    assert card.text == "EUR 822.40 · expected about 2025-03-30"
    assert card.link == ListLink("Settlement Reconciliation", report=True)
    assert path(card) == "/app/query-report/Settlement%20Reconciliation"
    assert payout_card({"Main": {"EUR": Decimal("5.00")}}, None, TODAY).text == "EUR 5.00"
    assert payout_card({"Main": {"EUR": Decimal("5.00")}}, NOW - timedelta(days=2), TODAY
                       ).text == "EUR 5.00 · was due about 2025-03-26"
    assert payout_card({"Main": {}, "Youth": {}}, None, TODAY).text == "no payout pending"
    assert payout_card({"Main": {"EUR": Decimal("5.00")}, "Youth": None}, None, TODAY
                       ).text == "EUR 5.00 (partial: Youth not read)"
    assert payout_card({"Main": None}, None, TODAY).text == "not readable: Main"
    assert payout_card({}, None, TODAY).text == "no Mollie account yet"


def test_webhook_card():
    assert webhook_card(WebhookBacklog(False, 0, 0, 0, None), NOW).text == "no webhooks received yet"
    calm = webhook_card(WebhookBacklog(True, 0, 0, 0, None), NOW)
    assert calm.text == "keeping up · 0 waiting" and path(calm) == "/app/mollie-webhook-log"
    busy = webhook_card(WebhookBacklog(True, 3, 1, 2, NOW - timedelta(hours=2, minutes=5)), NOW)
    assert busy.text == "3 waiting (1 due) · oldest 2 h 5 min · 2 gave up"
    assert filters(busy) == {"status": ["in", ["received", "processing", "failed"]]}
    assert webhook_card(WebhookBacklog(True, 0, 0, 1, None), NOW).text == "0 waiting · 1 gave up"


def test_dispute_card():
    assert dispute_card(DisputeFacts(0, 0, 0, 0), TODAY).text == "no disputes yet"
    calm = dispute_card(DisputeFacts(4, 2, 0, 0), TODAY)
    assert calm.text == "none due · 2 open"
    assert filters(calm) == {"status": ["in", ["open", "investigating", "awaiting-member"]]}
    due = dispute_card(DisputeFacts(9, 5, 3, 1), TODAY)
    assert due.text == "3 due (1 overdue) · 5 open"
    assert filters(due) == {"status": ["in", ["open", "investigating", "awaiting-member"]],
                            "deadline": ["<=", "2025-03-28"]}


def test_card_html_links_with_an_escaped_href_and_text():
    card = DeskCard('2 < 3 & "x"', ListLink("Dispute Case", filters=(("status", "open"),)))
    assert card.html() == ('<a href="/app/dispute-case?status=open" style="color: inherit">'
                           '2 &lt; 3 &amp; &quot;x&quot;</a>')
    assert DeskCard("no data yet").html() == "no data yet"


def test_ages():
    assert [age_text(timedelta(seconds=s)) for s in (-5, 40, 600, 3 * 3600 + 300, 2 * 86400 + 4 * 3600)] == [
        "0 s", "40 s", "10 min", "3 h 5 min", "2 d 4 h"]
