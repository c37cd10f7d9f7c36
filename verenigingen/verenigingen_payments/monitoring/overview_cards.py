"""The workspace's overview cards over every enabled account, from each account's dashboard figures:
available balance, 30-day volume, fee rate, MRR and active members. An account that could not be
read makes a total partial and is named; a ledger never synced or a site without subscriptions says
so in words instead of showing zero."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from .account_totals import AccountTotal, add_up, money_text, names
from .dashboard_totals import balance_readings
from .desk_cards import NO_ACCOUNT, DeskCard, ListLink, partial

CURRENCY = "EUR"
BALANCE_REPORT = "Mollie Balance Overview"
PAYMENT = "Mollie Payment"
SUBSCRIPTION = "Mollie Subscription"
REVENUE_REPORT = "Membership Revenue"
NO_SUBSCRIPTIONS = "no subscriptions yet"


def total_card(total: AccountTotal, link: ListLink, *, missing_means: str = "not read",
               none_read: str | None = None) -> DeskCard:
    """The amount, noted as partial with the missing accounts named; or why there is no amount."""
    if total.value is None:
        if not total.missing:
            return DeskCard(NO_ACCOUNT)
        return DeskCard(none_read or f"not readable: {names(total.missing)}", link)
    return DeskCard(money_text(total.value, total.currency), link, partial(total.missing, missing_means))


def _figure(node, *path: str) -> Decimal | None:
    for key in path:
        node = node.get(key) if isinstance(node, dict) else None
    return None if node is None else Decimal(node)


def _eur(value: Decimal | None) -> dict[str, Decimal]:
    return {} if value is None else {CURRENCY: value}


def balance_card(metrics: Mapping[str, dict]) -> DeskCard:
    total = add_up(balance_readings(metrics, "available"), CURRENCY)
    return total_card(total, ListLink(BALANCE_REPORT, report=True))


def volume_card(metrics: Mapping[str, dict]) -> DeskCard:
    """Paid EUR volume of the last 30 days from the local ledger; an account whose ledger was never
    synced is not counted as zero but named."""
    readings = {name: _eur(_figure(m.get("volume"), "30d", CURRENCY, "amount", "value"))
                if (m.get("ledger") or {}).get("synced") else None for name, m in metrics.items()}
    return total_card(add_up(readings, CURRENCY), ListLink(PAYMENT, filters=(("status", "paid"),)),
                      missing_means="not synced", none_read="not synced yet")


def fee_rate_card(metrics: Mapping[str, dict]) -> DeskCard:
    """Mollie fees as a percentage of the last 30 days' payments (Mollie's balance report)."""
    def readings(side: str):
        return {name: None if m.get("balances") is None
                else _eur(_figure(m.get("fees"), "30d", CURRENCY, side, "value"))
                for name, m in metrics.items()}

    fees, payments = add_up(readings("fees"), CURRENCY), add_up(readings("payments"), CURRENCY)
    if payments.value is None:
        return DeskCard(f"not readable: {names(payments.missing)}" if payments.missing else NO_ACCOUNT)
    text = f"{fees.value / payments.value * 100:.2f}%" if payments.value else "no payments in 30 days"
    return DeskCard(text, note=partial(payments.missing))


def _subscriptions(metrics: Mapping[str, dict]) -> list[dict]:
    return [m["subscriptions"] for m in metrics.values()
            if m.get("subscriptions") and sum((m["subscriptions"].get("counts") or {}).values())]


def mrr_card(metrics: Mapping[str, dict]) -> DeskCard:
    """Monthly recurring revenue (EUR) of the paying members of every account with subscriptions."""
    if not metrics:
        return DeskCard(NO_ACCOUNT)
    recorded = _subscriptions(metrics)
    if not recorded:
        return DeskCard(NO_SUBSCRIPTIONS, ListLink(SUBSCRIPTION))
    mrr = sum((_figure(s.get("mrr"), CURRENCY, "total", "value") or Decimal(0) for s in recorded), Decimal(0))
    return DeskCard(money_text(mrr, CURRENCY), ListLink(REVENUE_REPORT, report=True))


def active_members(metrics: Mapping[str, dict]) -> int | DeskCard:
    """Active membership subscriptions, or a card saying why there is no count yet."""
    recorded = _subscriptions(metrics)
    if not recorded:
        return DeskCard(NO_SUBSCRIPTIONS if metrics else NO_ACCOUNT)
    return sum(s["counts"].get("active", 0) for s in recorded)
