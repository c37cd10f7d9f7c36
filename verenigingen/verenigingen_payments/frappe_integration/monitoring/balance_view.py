"""Balances as finance staff read them: JSON-able dicts with Decimal-exact amounts as strings."""

from __future__ import annotations

from typing import Any

from verenigingen.verenigingen_payments.clients.balances_client import BalancesClient
from verenigingen.verenigingen_payments.clients.config import MollieConfig
from verenigingen.verenigingen_payments.core.models.money import Amount


def amount_as_dict(amount: Amount | None) -> dict[str, str] | None:
    """`{"value": "1234.50", "currency": "EUR"}`: the exact Decimal, never a float."""
    if amount is None:
        return None
    return {"value": f"{amount.value:f}", "currency": amount.currency}


def balance_as_dict(balance) -> dict[str, Any]:
    return {
        "id": balance.id,
        "mode": balance.mode.value if balance.mode is not None else None,
        "currency": balance.currency,
        "description": balance.description,
        "status": balance.status.value if balance.status is not None else None,
        "transfer_frequency": balance.transfer_frequency,
        "available_amount": amount_as_dict(balance.available_amount),
        "pending_amount": amount_as_dict(balance.pending_amount),
        "created_at": balance.created_at.isoformat() if balance.created_at else None,
    }


def fetch_balances(account: str | MollieConfig) -> list[dict[str, Any]]:
    """Every balance of the account, through the clients (and so their switches and resilience)."""
    return [balance_as_dict(balance) for balance in BalancesClient(account).list_balances()]
