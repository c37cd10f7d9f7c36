"""Adopting an existing Mollie account in a site: the site's stores (Mollie Subscription DocTypes, the
Mollie Payment ledger, Dispute Cases, Mollie Customer/Mandate/Settlement), the member register hook, progress in the desk, the desk's background job.

Other domains and entry points (DocTypes, api, commands) may import only PUBLIC_MODULES.
"""

PUBLIC_MODULES = ("account_records", "desk", "site")
