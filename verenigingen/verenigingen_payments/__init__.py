"""Verenigingen Payments: the Mollie finance-operations module.

Framework-free packages (clients, core, workflows, monitoring, sandbox, store) import without
Frappe; the Frappe-bound packages (doctype, api, frappe_integration, report, workspace) are a thin
layer over them. See docs/ARCHITECTURE.md.
"""
