"""The site's totals over every enabled account, from each account's dashboard figures
(`DashboardMetrics`): available and pending balance and the next payout per currency. An account
whose live part could not be read is named under `missing` and the total is marked incomplete,
never silently left out."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from .account_totals import AccountTotal, add_up

DEFAULT_CURRENCY = "EUR"
UNREADABLE = "account"  # the part an account gets when not even its settings could be read


def unreadable(account: str, error: Exception) -> dict:
    """The dashboard figures of an account that could not be read at all (e.g. its settings)."""
    return {"account": account, "balances": None, "next_settlement": None,
            "errors": [{"part": UNREADABLE, "error": type(error).__name__, "message": str(error)}]}


def _failed(metrics: dict, part: str) -> bool:
    return any(e.get("part") in (part, UNREADABLE) for e in metrics.get("errors") or [])


def _sum_by_currency(pairs) -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for currency, value in pairs:
        out[currency] = out.get(currency, Decimal(0)) + Decimal(value)
    return out


def balance_readings(metrics: Mapping[str, dict], side: str) -> dict[str, dict[str, Decimal] | None]:
    """Per account its `side` ("available" or "pending") balance per currency; None if unread."""
    return {name: None if m.get("balances") is None else
            _sum_by_currency((b["currency"], b[side]["value"]) for b in m["balances"])
            for name, m in metrics.items()}


def payout_readings(metrics: Mapping[str, dict]) -> dict[str, dict[str, Decimal] | None]:
    """Per account its next payout per currency ({} when Mollie has none pending); None if unread."""
    readings = {}
    for name, m in metrics.items():
        s = m.get("next_settlement")
        if s is None:
            readings[name] = None if _failed(m, "next_settlement") else {}
        else:
            readings[name] = {s["amount"]["currency"]: Decimal(s["amount"]["value"])}
    return readings


def earliest_payout(metrics: Mapping[str, dict]) -> str | None:
    """The soonest expected payout (ISO text) among the accounts' next settlements, if any is known."""
    known = [m["next_settlement"]["expected_payout"] for m in metrics.values()
             if (m.get("next_settlement") or {}).get("expected_payout")]
    return min(known, key=datetime.fromisoformat) if known else None


def totals_by_currency(readings: Mapping[str, dict[str, Decimal] | None]) -> dict[str, AccountTotal]:
    currencies = sorted({c for figures in readings.values() if figures for c in figures})
    currencies = currencies or [DEFAULT_CURRENCY]
    return {currency: add_up(readings, currency) for currency in currencies}


def site_totals(metrics: Mapping[str, dict]) -> dict:
    """JSON-able totals: `{"accounts", "complete", "available"|"pending"|"next_payout": {currency:
    {"total", "complete", "accounts", "missing"}}, "next_payout_expected"}`."""
    sections = {"available": totals_by_currency(balance_readings(metrics, "available")),
                "pending": totals_by_currency(balance_readings(metrics, "pending")),
                "next_payout": totals_by_currency(payout_readings(metrics))}
    out = {"accounts": list(metrics),
           "complete": all(t.complete for section in sections.values() for t in section.values())}
    out.update({name: {c: t.as_dict() for c, t in section.items()} for name, section in sections.items()})
    out["next_payout_expected"] = earliest_payout(metrics)
    return out
