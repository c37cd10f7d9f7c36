"""The Frappe implementation of the clients' `SettingsProvider`: Mollie Settings -> MollieConfig.

The clients load this class by its dotted name when a site is bound, so `BalancesClient("Production")`
works in `bench console`. Each call reads the record afresh (a few indexed queries), so a change to
the record or `frappe.db.set_value(...)` takes effect in running workers without a restart.
"""

from __future__ import annotations

import frappe

from verenigingen.verenigingen_payments.clients.config import MollieConfig
from verenigingen.verenigingen_payments.core.errors import ConfigurationError
from verenigingen.verenigingen_payments.frappe_integration.settings.config_mapping import build_config
from verenigingen.verenigingen_payments.frappe_integration.settings.job_gate import usable
from verenigingen.verenigingen_payments.frappe_integration.settings.rules import ALLOW_CUSTOM_BASE_URL_FLAG

DOCTYPE = "Mollie Settings"


def custom_base_url_allowed() -> bool:
    """Whether this site may point a record at another API host (the emulator in tests)."""
    conf = frappe.conf
    return bool(conf.get("developer_mode") or conf.get(ALLOW_CUSTOM_BASE_URL_FLAG))


class FrappeSettingsProvider:
    """Reads one Mollie Settings record, decrypting its Password fields with the site's key."""

    def get_config(self, name: str) -> MollieConfig:
        if not name or not frappe.db.exists(DOCTYPE, name):
            raise ConfigurationError(f"There is no Mollie Settings record named {name!r}.")
        doc = frappe.get_doc(DOCTYPE, name)
        return build_config(
            doc.as_dict(),
            api_key=doc.get_password("secret_key", raise_exception=False),
            organization_token=doc.get_password("organization_access_token", raise_exception=False),
            base_url_allowed=custom_base_url_allowed(),
            redis_url=frappe.conf.get("redis_cache"),
        )

    def enabled_accounts(self) -> list[str]:
        """Names of the records whose backend API is switched on (what scheduled jobs cover), less the
        accounts the job gate refused in this job."""
        return usable(frappe.get_all(DOCTYPE, filters={"enable_backend_api": 1}, pluck="name", order_by="name"))
