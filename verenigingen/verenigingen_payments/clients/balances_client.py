"""Balances: what Mollie holds for the organization, its transactions and period reports."""

from __future__ import annotations

from datetime import date

from ..core.models import Balance, BalanceReport, BalanceTransaction
from .base import MollieClient
from .pagination import PageIterator


class BalancesClient(MollieClient):
    prefers_organization_token = True

    def list_balances(self, *, currency: str | None = None, max_items: int | None = None) -> list[Balance]:
        return self._list(Balance, "/balances", "balances", {"currency": currency}, max_items=max_items)

    def iter_balances(
        self, *, currency: str | None = None, from_: str | None = None
    ) -> PageIterator[Balance]:
        return self._iter(Balance, "/balances", "balances", {"currency": currency}, from_=from_)

    def get_balance(self, balance_id: str) -> Balance:
        return self._get(Balance, "/balances/{id}", id=balance_id)

    def get_primary_balance(self) -> Balance:
        return self._get(Balance, "/balances/primary")

    def iter_transactions(
        self, balance_id: str, *, from_: str | None = None
    ) -> PageIterator[BalanceTransaction]:
        return self._iter(
            BalanceTransaction,
            "/balances/{id}/transactions",
            "balance_transactions",
            from_=from_,
            id=balance_id,
        )

    def list_transactions(self, balance_id: str, *, max_items: int | None = None) -> list[BalanceTransaction]:
        return self._list(
            BalanceTransaction,
            "/balances/{id}/transactions",
            "balance_transactions",
            max_items=max_items,
            id=balance_id,
        )

    def get_report(
        self, balance_id: str, from_: date, until: date, grouping: str = "transaction-categories"
    ) -> BalanceReport:
        """Totals for [from_, until) in Europe/Amsterdam days, grouped as Mollie groups them."""
        params = {"from": from_.isoformat(), "until": until.isoformat(), "grouping": str(grouping)}
        return self._get(BalanceReport, "/balances/{id}/report", params, id=balance_id)
