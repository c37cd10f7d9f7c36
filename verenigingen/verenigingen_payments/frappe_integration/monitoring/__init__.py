"""Monitoring in a site: live balances for the desk, thresholds from the Balance Threshold DocType,
the monitor's seams (alerts by e-mail and desk notification), the dashboard figures of the site's
accounts (over the DocTypes) and the facts behind the workspace's morning cards.

Other domains and entry points (DocTypes, api, commands, reports) may import only PUBLIC_MODULES.
"""

PUBLIC_MODULES = ("balance_view", "seams", "thresholds", "dashboard_figures", "dashboard_site", "morning_facts")
