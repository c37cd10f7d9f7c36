"""Collections in a site: the staff-editable Email Templates (Dutch and English) and the postbox that
renders them into Frappe's email queue.

Other domains and entry points (DocTypes, api, commands, hooks) may import only PUBLIC_MODULES.
"""

PUBLIC_MODULES = ("email_templates", "email_postbox")
