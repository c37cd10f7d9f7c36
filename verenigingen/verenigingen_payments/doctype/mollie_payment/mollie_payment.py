"""Mollie Payment: the local payment ledger, one record per (account, Mollie payment id).

Rows are written by the payment sync and the reconciliation through
`frappe_integration.reconciliation.stores.FrappePaymentLedger` (and by webhooks); the desk only
reads them. Optional amounts are exact decimal text: empty means Mollie did not say, not zero.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

import frappe
from frappe import _
from frappe.model.document import Document

from verenigingen.verenigingen_payments.frappe_integration.reconciliation.stores import payment_name

EXACT_AMOUNT_FIELDS = ("amount_refunded", "amount_charged_back", "amount_captured", "settlement_amount", "fees")


class MolliePayment(Document):
    def autoname(self):
        self.name = payment_name(self.account, self.payment_id)

    def validate(self):
        for fieldname in EXACT_AMOUNT_FIELDS:
            value = self.get(fieldname)
            if value in (None, ""):
                continue
            try:
                Decimal(str(value))
            except InvalidOperation:
                frappe.throw(_("{0} must be an exact decimal amount, not {1!r}.").format(
                    self.meta.get_label(fieldname), value), title=_("Invalid amount"))
