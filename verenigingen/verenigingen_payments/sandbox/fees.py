"""Mollie's per-payment fees as the scenarios charge them, with 21% Dutch VAT on the fee."""

from __future__ import annotations

VAT_PERCENT = 21
FIXED_FEE = {0: 25, 1: 29, 2: 25}  # method row code -> cents: directdebit, ideal, creditcard
PERCENT_FEE_BP = {0: 0, 1: 0, 2: 180}  # basis points of the amount (cards: 1.8%)


def fee_net(method: int, amount: int) -> int:
    return FIXED_FEE[method] + (amount * PERCENT_FEE_BP[method] + 5000) // 10000


def fee_vat(net: int) -> int:
    return (net * VAT_PERCENT + 50) // 100
