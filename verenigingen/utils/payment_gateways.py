"""Mollie's webhook endpoint in a site: `/api/method/verenigingen.utils.payment_gateways.mollie_webhook`
(the deployment guide's nginx path).

Guest-allowed; every method reaches the ingest service, which refuses all but POST (405, logged).
The raw body is read only after its declared length is checked against the cap and handed over
unparsed (never `frappe.form_dict`): the signature is verified over the raw bytes before anything
reads them. The answer is the ingest service's status and JSON, as a plain response (not wrapped
in Frappe's `message`); any unexpected failure is a 503 with `Retry-After`, never a 500, so Mollie retries and the row
(if written) is picked up by the retry job. Per request: verify, insert the row, wake at most one
drain job (`frappe_integration.webhooks.endpoint`: settings and secrets cached per process).
"""

from __future__ import annotations

import json
import logging

import frappe
from werkzeug.wrappers import Response

from verenigingen.verenigingen_payments.webhooks.ingest import IncomingDelivery, IngestResponse, unavailable
from verenigingen.verenigingen_payments.webhooks.raw_body_guard import declared_content_type
from verenigingen.verenigingen_payments.webhooks.settings import WebhookSettings

logger = logging.getLogger(__name__)


def read_capped_body(request, cap: int) -> bytes | None:
    """The raw body, or None if it (or its declared length) exceeds `cap` bytes."""
    if request.content_length is not None and request.content_length > cap:
        return None
    body = request.get_data(cache=True)
    return None if len(body) > cap else body


def delivery_from_request(request, cap: int) -> IncomingDelivery:
    return IncomingDelivery(
        method=request.method,
        content_type=declared_content_type(request.headers),
        headers=dict(request.headers.items()),
        body=read_capped_body(request, cap),
        query=request.args.to_dict(flat=True),
        client_ip=frappe.local.request_ip or request.remote_addr or "",
    )


def _response(result: IngestResponse) -> Response:
    response = Response(json.dumps(result.body), status=result.http_status, mimetype="application/json")
    response.headers.extend(result.headers)
    return response


@frappe.whitelist(allow_guest=True)
def mollie_webhook():
    """Mollie webhooks, classic (`?secret=`, form `id=`) and next-gen (signed JSON events)."""
    from verenigingen.verenigingen_payments.frappe_integration.webhooks.endpoint import site_ingest

    try:
        ingest = site_ingest()
        result = ingest.ingest(delivery_from_request(frappe.request, ingest.settings.max_body_bytes))
    except Exception:  # last line of defence: Mollie retries a 503, a 500 would show a traceback
        frappe.db.rollback()
        logger.exception("Mollie webhook endpoint failed")
        return _response(unavailable(WebhookSettings().unavailable_retry_after_seconds))
    return _response(result)
