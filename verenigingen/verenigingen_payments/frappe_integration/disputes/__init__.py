"""Disputes in a site: the Dispute Case store and the dispute jobs (chargeback sync, recovery follow-up,
the chargeback webhook handler).

Other domains and entry points (DocTypes, api, commands, hooks) may import only PUBLIC_MODULES.
"""

PUBLIC_MODULES = ("store", "jobs")
