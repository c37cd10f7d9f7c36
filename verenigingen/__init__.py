"""Verenigingen: Mollie finance operations for Dutch associations, as a Frappe v15 app."""

__version__ = "0.1.0"
