"""Mollie Settings in a site: the settings provider, its validation rules, the connection check.

Other domains and entry points (DocTypes, api, commands, utils) may import only PUBLIC_MODULES.
"""

PUBLIC_MODULES = ("provider", "rules", "account_status", "job_gate")
