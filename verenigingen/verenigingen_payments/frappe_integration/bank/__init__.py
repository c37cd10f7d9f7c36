"""The bank side in a site: imported statements and their lines as DocTypes, importing a file, and
matching Mollie's payouts to them for an account.

Other domains and entry points (DocTypes, api, commands, report) may import only PUBLIC_MODULES.
"""

PUBLIC_MODULES = ("stores", "matching")
