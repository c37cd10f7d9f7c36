"""The organization behind the account and Mollie's invoices to it."""

from __future__ import annotations

from .base import MollieObject
from .enums import InvoiceStatus
from .fields import Choice, Day, Json, Money, Str


class Organization(MollieObject):
    __slots__ = ()
    name = Str("name", required=True)
    email = Str("email", required=True)
    locale = Str("locale", nullable=True, required=True)
    address = Json("address", nullable=True)
    registration_number = Str("registrationNumber", nullable=True)
    vat_number = Str("vatNumber", nullable=True)
    vat_regulation = Str("vatRegulation", nullable=True)


class Invoice(MollieObject):
    __slots__ = ()
    reference = Str("reference", required=True)
    vat_number = Str("vatNumber", nullable=True, required=True)
    status = Choice("status", InvoiceStatus, required=True)
    net_amount = Money("netAmount", required=True)
    vat_amount = Money("vatAmount", required=True)
    gross_amount = Money("grossAmount", required=True)
    lines = Json("lines", required=True)
    issued_at = Day("issuedAt", required=True)
    paid_at = Day("paidAt", nullable=True)
    due_at = Day("dueAt", nullable=True)
