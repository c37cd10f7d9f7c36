"""The app's roles, named once. DocType permissions, the workspace and the endpoints use these names.

`System Manager` keeps full access everywhere; the two Mollie roles split configuring from reading.
"""

from __future__ import annotations

MANAGER = "Mollie Finance Manager"
VIEWER = "Mollie Finance Viewer"
SYSTEM_MANAGER = "System Manager"

APP_ROLES = (MANAGER, VIEWER)

# Who may configure accounts, run jobs and act on disputes.
MANAGE_ROLES = (MANAGER, SYSTEM_MANAGER)
# Who may read balances, dashboards and reports.
VIEW_ROLES = (VIEWER, MANAGER, SYSTEM_MANAGER)

ROLE_DESCRIPTIONS = {
    MANAGER: "Configures Mollie accounts, runs Mollie jobs and acts on disputes.",
    VIEWER: "Reads Mollie balances, dashboards and reports.",
}
