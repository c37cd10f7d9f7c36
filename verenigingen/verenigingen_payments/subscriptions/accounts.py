"""Which Mollie accounts the scheduled sync covers, through the clients' settings-provider seam.

A provider that can list its records (`enabled_accounts() -> list[str]`, which the Frappe provider
is expected to offer over Mollie Settings) is asked; otherwise `VERENIGINGEN_MOLLIE_ACCOUNTS`
(comma-separated names). Accounts whose config says `enabled=False` are skipped.
"""

from __future__ import annotations

import os

from ..clients import MollieConfig, get_settings_provider, resolve_config

ACCOUNTS_ENV = "VERENIGINGEN_MOLLIE_ACCOUNTS"


def enabled_accounts() -> list[MollieConfig]:
    provider = get_settings_provider()
    lister = getattr(provider, "enabled_accounts", None)
    names = list(lister()) if callable(lister) else [
        n.strip() for n in os.environ.get(ACCOUNTS_ENV, "").split(",") if n.strip()]
    configs = [resolve_config(name) for name in names]
    return [c for c in configs if c.enabled]
