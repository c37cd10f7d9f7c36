"""Webhooks in a site: the Mollie Webhook Log store, the RQ jobs that process and retry deliveries,
the handlers hooks.py registers, and webhook registration at Mollie.

Other domains and entry points (DocTypes, api, commands, utils, hooks) may import only PUBLIC_MODULES.
"""

PUBLIC_MODULES = ("store", "jobs", "handlers", "registration", "endpoint")
