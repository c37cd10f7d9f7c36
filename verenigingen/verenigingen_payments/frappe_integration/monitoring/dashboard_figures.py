"""`LocalFigures` for the dashboard inside a site: the Dispute Case DocType, and the ledger,
reconciliation and Mollie Subscription DocTypes when those features are installed (None otherwise).
The ledger counts as synced once it holds a payment of the account or a backfill finished."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import frappe

from verenigingen.verenigingen_payments.core.models.money import currency_quantum
from verenigingen.verenigingen_payments.frappe_integration.common.site_time import (
    from_site_value,
    to_site_naive,
)
from verenigingen.verenigingen_payments.frappe_integration.reconciliation.stores import (
    FrappePaymentLedger,
    payment_name,
)

PAYMENT_DOCTYPE = "Mollie Payment"
RUN_DOCTYPE = "Mollie Reconciliation Run"
SUBSCRIPTION_DOCTYPE = "Mollie Subscription"


def _exact(value, currency: str) -> Decimal:
    """A Currency field (DECIMAL(21,9), float in Python) or exact text, to the currency's decimals."""
    return Decimal(str(value or 0)).quantize(currency_quantum(currency))


def _exists(doctype: str) -> bool:
    return bool(frappe.db.exists("DocType", doctype)) and frappe.db.table_exists(doctype)


class FrappeLocalFigures:
    def paid_payments_since(self, account: str, since: datetime):
        if not _exists(PAYMENT_DOCTYPE):
            return None
        meta = frappe.get_meta(PAYMENT_DOCTYPE)
        account_field = "settings_name" if meta.has_field("settings_name") else "account"
        rows = frappe.get_all(PAYMENT_DOCTYPE, filters={account_field: account, "status": "paid",
                                                        "paid_at": [">=", to_site_naive(since)]},
                              fields=["currency", "amount", "amount_refunded", "paid_at"])
        return [(r.currency, _exact(r.amount, r.currency), _exact(r.amount_refunded, r.currency), from_site_value(r.paid_at))
                for r in rows]

    def ledger_synced(self, account: str) -> bool | None:
        if not _exists(PAYMENT_DOCTYPE):
            return None
        if FrappePaymentLedger(commit=False).get_sync_cursor(account).completed_at is not None:
            return True
        # Payments are named `<account>:<payment id>`: a prefix range on the primary key, no table scan.
        prefix = payment_name(account, "").replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = f"select 1 from `tab{PAYMENT_DOCTYPE}` where name like %s limit 1"
        return bool(frappe.db.sql(query, (f"{prefix}%",)))

    def chargebacks_since(self, account: str, since: datetime):
        rows = frappe.get_all("Dispute Case", filters={"settings_name": account,
                                                       "chargeback_created_at": [">=", to_site_naive(since)]},
                              fields=["currency", "amount", "chargeback_created_at", "status"])
        return [(r.currency, _exact(r.amount, r.currency), from_site_value(r.chargeback_created_at), r.status) for r in rows]

    def dispute_status_counts(self, account: str):
        rows = frappe.get_all("Dispute Case", filters={"settings_name": account}, fields=["status", "count(name) as n"],
                              group_by="status")
        return {r.status: int(r.n) for r in rows}

    def latest_reconciliation_run(self, account: str):
        if not _exists(RUN_DOCTYPE):
            return None
        meta = frappe.get_meta(RUN_DOCTYPE)
        account_field = "settings_name" if meta.has_field("settings_name") else "account"
        rows = frappe.get_all(RUN_DOCTYPE, filters={account_field: account}, fields=["*"], order_by="creation desc",
                              limit=1)
        if not rows:
            return None
        run = rows[0]
        return {"run_id": run.name, "status": run.get("status"), "period_from": str(run.get("period_from")),
                "period_until": str(run.get("period_until")), "discrepancy_count": run.get("discrepancy_count"),
                "finished_at": str(run.get("finished_at")) if run.get("finished_at") else None}

    def subscription_store(self):
        """The subscriptions' DocType-backed store (read only here, so it never commits)."""
        if not _exists(SUBSCRIPTION_DOCTYPE):
            return None
        from verenigingen.verenigingen_payments.frappe_integration.subscriptions.store import (
            FrappeSubscriptionStore,
        )

        return FrappeSubscriptionStore(commit=False)
