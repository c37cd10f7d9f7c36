"""Adopting an existing Mollie account in a site: the site's stores (Mollie Subscription DocTypes, the
Mollie Payment ledger, Dispute Cases), the member register hook, progress in the desk, the job.

Other domains and entry points (DocTypes, api, commands) may import only PUBLIC_MODULES.
"""

PUBLIC_MODULES = ("site",)
