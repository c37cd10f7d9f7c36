"""Persistence seam: small store interfaces (`interfaces`) and the SQL store (`sql`).

The core depends only on `store.interfaces`; `store.sql` serves outside Frappe and the Frappe
layer implements the same Protocols on DocTypes.
"""
