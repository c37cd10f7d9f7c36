"""Reconciliation in a site: the DocType-backed ledger and run stores, the scheduled and on-demand
jobs, and resolving a discrepancy.

Other domains and entry points (DocTypes, api, commands, utils, hooks) may import only PUBLIC_MODULES.
"""

PUBLIC_MODULES = ("stores", "jobs", "resolution")
