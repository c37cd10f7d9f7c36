"""Collections in a site: the staff-editable Email Templates (Dutch and English) and the postbox that
renders them into Frappe's email queue, the DocType-backed store, the account's settings from Mollie
Settings, the daily job and the figures for the desk.

Other domains and entry points (DocTypes, api, commands, hooks) may import only PUBLIC_MODULES.
"""

PUBLIC_MODULES = ("email_templates", "email_postbox", "account", "store", "jobs", "figures")
