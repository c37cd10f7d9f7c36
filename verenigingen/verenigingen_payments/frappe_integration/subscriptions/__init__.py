"""Subscriptions in a site: the DocType-backed subscription, payment, event, drift and sync stores.

Other domains and entry points (DocTypes, api, commands, reports) may import only PUBLIC_MODULES.
"""

PUBLIC_MODULES = ("store",)
