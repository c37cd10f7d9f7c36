"""Frappe-bound helpers named in hooks.py (install steps, boot info, later the webhook endpoint)."""
