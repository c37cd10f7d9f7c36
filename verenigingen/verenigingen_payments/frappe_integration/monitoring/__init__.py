"""Balance monitoring in a site: live balances for the desk, thresholds from the Balance Threshold
DocType, and the monitor's seams (alerts by e-mail and desk notification).

Other domains and entry points (DocTypes, api, commands, reports) may import only PUBLIC_MODULES.
"""

PUBLIC_MODULES = ("balance_view", "seams", "thresholds")
