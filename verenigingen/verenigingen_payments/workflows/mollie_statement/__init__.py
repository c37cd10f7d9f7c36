"""Mollie's balance as a bank account for the bookkeeping: a period's balance transactions as a
CAMT.053 statement of a virtual "Mollie" account. Framework-free."""
