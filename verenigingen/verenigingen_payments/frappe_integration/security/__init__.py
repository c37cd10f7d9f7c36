"""Security in a site: the audit trail and its store, field encryption seams, re-encryption sources,
the daily security jobs, and the audit events of settings changes.

Other domains and entry points (DocTypes, api, commands, utils) may import only PUBLIC_MODULES.
"""

PUBLIC_MODULES = ("seams", "audit_store", "audit_events", "encrypted_sources", "jobs")
