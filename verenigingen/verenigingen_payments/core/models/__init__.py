"""Typed values shared by the clients and the workflows."""

from .money import Amount, currency_decimals

__all__ = ["Amount", "currency_decimals"]
