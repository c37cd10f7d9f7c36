"""Totals over several accounts never pass a partial sum off as the whole: the accounts that could not
be read are named, in the JSON (`site_totals`) and on the cards (`overview_cards`)."""

from __future__ import annotations

from decimal import Decimal

from verenigingen.verenigingen_payments.monitoring.account_totals import add_up, money_text
from verenigingen.verenigingen_payments.monitoring.dashboard_totals import site_totals, unreadable
from verenigingen.verenigingen_payments.monitoring.overview_cards import (
    active_members,
    balance_card,
    fee_rate_card,
    mrr_card,
    volume_card,
)


def eur(value: str) -> dict:
    return {"value": value, "currency": "EUR"}


def account(available: str | None, *, next_payout: str | None = None, expected: str | None = None,
            volume: str | None = None, synced: bool = True, fees=("1.20", "100.00"), subscriptions=None) -> dict:
    """An account's dashboard figures as `DashboardMetrics` gives them; available None = Mollie unread."""
    unread = available is None
    errors = [{"part": "balances", "error": "ServerError", "message": "Mollie: 503"}] if unread else []
    if unread:
        errors.append({"part": "next_settlement", "error": "ServerError", "message": "Mollie: 503"})
    settlement = None if next_payout is None else {"id": "next", "status": "pending", "amount": eur(next_payout),
                                                   "created_at": "2025-03-16T00:00:00+01:00",
                                                   "expected_payout": expected}
    return {"errors": errors,
            "balances": None if unread else [{"currency": "EUR", "available": eur(available), "pending": eur("0.00")}],
            "fees": {} if unread else {"30d": {"EUR": {"fees": eur(fees[0]), "payments": eur(fees[1])}}},
            "next_settlement": settlement, "ledger": {"synced": synced},
            "volume": {"30d": {"EUR": {"count": 1, "amount": eur(volume)}} if volume else {}} if synced else None,
            "subscriptions": subscriptions}


def test_a_total_counts_the_read_accounts_and_names_the_missing_ones():
    total = add_up({"A": {"EUR": Decimal("10.50")}, "B": None, "C": {"USD": Decimal("3.00")}}, "EUR")
    assert (total.value, total.counted, total.missing, total.complete) == (Decimal("10.50"), ("A", "C"), ("B",), False)
    assert total.as_dict() == {"total": eur("10.50"), "complete": False, "accounts": ["A", "C"], "missing": ["B"]}
    assert add_up({"B": None}, "EUR").as_dict() == {"total": None, "complete": False, "accounts": [], "missing": ["B"]}
    assert money_text(Decimal("1234567.5"), "EUR") == "EUR 1,234,567.50"
    assert money_text(Decimal(1500), "JPY") == "JPY 1,500"


def test_site_totals_say_which_account_is_missing_from_balance_and_payout():
    totals = site_totals({"Main": account("100.00", next_payout="40.00", expected="2025-03-18T00:00:00+01:00"),
                          "Youth": account(None),
                          "Sport": account("5.25", expected="2025-03-17T12:00:00+00:00")})
    assert totals["complete"] is False and totals["accounts"] == ["Main", "Youth", "Sport"]
    assert totals["available"]["EUR"] == {"total": eur("105.25"), "complete": False, "accounts": ["Main", "Sport"],
                                          "missing": ["Youth"]}
    assert totals["next_payout"]["EUR"]["total"] == eur("40.00")
    assert totals["next_payout"]["EUR"]["missing"] == ["Youth"]
    assert totals["next_payout_expected"] == "2025-03-18T00:00:00+01:00"  # Sport has no next settlement


def test_an_account_without_a_next_settlement_is_read_not_missing():
    totals = site_totals({"Main": account("1.00")})
    assert totals["complete"] is True
    assert totals["next_payout"]["EUR"] == {"total": eur("0.00"), "complete": True, "accounts": ["Main"], "missing": []}


def test_an_account_whose_settings_fail_counts_as_missing_everywhere():
    totals = site_totals({"Main": account("1.00"), "Broken": unreadable("Broken", ValueError("no key"))})
    assert totals["available"]["EUR"]["missing"] == totals["next_payout"]["EUR"]["missing"] == ["Broken"]


def says(card) -> tuple[str, str | None]:
    return card.text, card.note


def test_the_balance_card_is_marked_partial_and_names_the_unread_account():
    assert says(balance_card({"Main": account("100.00"), "Youth": account("5.25")})) == ("EUR 105.25", None)
    card = balance_card({"Main": account("100.00"), "Youth": account(None)})
    assert says(card) == ("EUR 100.00", "partial: Youth not read")
    assert balance_card({"Main": account(None), "Youth": account(None)}).text == "not readable: Main, Youth"
    assert balance_card({}).text == "no Mollie account yet" and balance_card({}).link is None


def test_the_card_html_escapes_account_names():
    html = balance_card({"<b>Main</b>": account(None), "Youth": account("1.00")}).html()
    assert "partial: &lt;b&gt;Main&lt;/b&gt; not read" in html and "<b>" not in html
    assert html.startswith('<a href="/app/query-report/Mollie%20Balance%20Overview"')


def test_volume_says_not_synced_instead_of_zero():
    assert says(volume_card({"Main": account("1.00", synced=False)})) == ("not synced yet", None)
    assert says(volume_card({"Main": account("1.00", volume="80.00"), "Youth": account("1.00", synced=False)})
                ) == ("EUR 80.00", "partial: Youth not synced")
    assert says(volume_card({"Main": account("1.00")})) == ("EUR 0.00", None)  # synced, no payments: a true zero


def test_fee_rate_over_the_read_accounts():
    assert fee_rate_card({"Main": account("1.00"), "Youth": account("1.00", fees=("0.80", "100.00"))}
                         ).text == "1.00%"
    assert says(fee_rate_card({"Main": account("1.00"), "Youth": account(None)})) == ("1.20%", "partial: Youth not read")
    assert says(fee_rate_card({"Main": account(None)})) == ("not readable: Main", None)
    assert fee_rate_card({"Main": account("1.00", fees=("0.00", "0.00"))}).text == "no payments in 30 days"


def test_member_cards_say_when_no_subscription_is_recorded():
    none = {"counts": {"active": 0, "trialing": 0}, "mrr": {}}
    some = {"counts": {"active": 2, "trialing": 1}, "mrr": {"EUR": {"total": eur("22.50")}}}
    assert mrr_card({"Main": account("1.00", subscriptions=none)}).text == "no subscriptions yet"
    assert active_members({"Main": account("1.00", subscriptions=None)}).text == "no subscriptions yet"
    assert (active_members({}).text, mrr_card({}).text) == ("no Mollie account yet", "no Mollie account yet")
    metrics = {"Main": account("1.00", subscriptions=some), "Youth": account("1.00", subscriptions=none)}
    assert (mrr_card(metrics).text, active_members(metrics)) == ("EUR 22.50", 2)
