"""Run the connection check for a Mollie Settings record and record its outcome on the record.

The status fields (connection status, last check, last success, last error) are written with
`db_set(update_modified=False)`: they describe Mollie, not an edit of the settings, so they neither
bump `modified` (no "document has been modified" clash with an open form) nor add a version.
"""

from __future__ import annotations

import frappe
from frappe.utils import now_datetime

from verenigingen.verenigingen_payments.frappe_integration.settings.connection_check import (
    CONNECTED,
    ConnectionReport,
    check_connection,
)
from verenigingen.verenigingen_payments.frappe_integration.settings.probes import default_probes
from verenigingen.verenigingen_payments.frappe_integration.settings.provider import (
    DOCTYPE,
    FrappeSettingsProvider,
)

LAST_ERROR_LIMIT = 1000


def run_and_record_check(name: str) -> ConnectionReport:
    config = FrappeSettingsProvider().get_config(name)
    report = check_connection(config, default_probes())
    record_report(name, report)
    return report


def record_report(name: str, report: ConnectionReport) -> None:
    checked_at = now_datetime()
    values = {
        "connection_status": report.status,
        "last_connection_check": checked_at,
        "last_error": (report.first_error or "")[:LAST_ERROR_LIMIT] or None,
    }
    if report.status == CONNECTED:
        values["last_successful_connection"] = checked_at
    frappe.db.set_value(DOCTYPE, name, values, update_modified=False)
