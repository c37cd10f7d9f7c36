"""The site's WSGI entry for gunicorn: Frappe's application behind the webhook raw-body guard.

Run gunicorn with `verenigingen.utils.wsgi:application` instead of `frappe.app:application` (see
config/supervisor/) so that a malformed JSON body to the webhook endpoint gets this app's 400 and
a Webhook Log row rather than Frappe's 500. Every other request passes through unchanged.
"""

from frappe.app import application as frappe_application

from verenigingen.verenigingen_payments.webhooks.raw_body_guard import RawWebhookBody

application = RawWebhookBody(frappe_application)
