"""The site's WSGI entry for gunicorn: Frappe's application behind the webhook raw-body guard.

Run gunicorn with `verenigingen.utils.wsgi:application` instead of `frappe.app:application` (see
config/supervisor/) so that a malformed JSON body to the webhook endpoint gets this app's 400 and
a Webhook Log row rather than Frappe's 500, and a JSON body to any other endpoint of this app that
Frappe's parser would crash on (nested thousands deep, a 5000-digit number) gets a 400 too. Every
other request passes through unchanged.
"""

from frappe.app import application as frappe_application

from verenigingen.verenigingen_payments.core.json_body_guard import JsonBodyGuard
from verenigingen.verenigingen_payments.webhooks.raw_body_guard import RawWebhookBody

application = RawWebhookBody(JsonBodyGuard(frappe_application))
