"""The desk's "Connect Mollie" on Mollie Settings: adopt the account as a background job on the `long`
queue, one per account at a time (a second click while it runs starts nothing), stoppable from the
form (a stop flag in the site's cache, read between items) and resumable by connecting again.

The job's outcome (counts, exceptions with what to do, or that it was stopped) is kept in the cache
for the form and sent to the user who started it (`mollie_adopt_done`)."""

from __future__ import annotations

import time

import frappe
from frappe.utils.background_jobs import enqueue, is_job_enqueued

from verenigingen.verenigingen_payments.frappe_integration.adoption.site import adopt
from verenigingen.verenigingen_payments.workflows.adoption import AdoptionReport

QUEUE = "long"
TIMEOUT = 4 * 3600
DONE_EVENT = "mollie_adopt_done"
OUTCOME_SECONDS = 7 * 24 * 3600


def job_id(settings: str) -> str:
    return f"mollie-adopt::{settings}"


def _stop_key(settings: str) -> str:
    return f"verenigingen:mollie_adopt_stop:{settings}"


def _outcome_key(settings: str) -> str:
    return f"verenigingen:mollie_adopt_outcome:{settings}"


def is_running(settings: str) -> bool:
    return is_job_enqueued(job_id(settings))


def start(settings: str) -> dict:
    """Enqueue the adoption unless one of this account is queued or running."""
    if is_running(settings):
        return {"started": False, "running": True}
    frappe.cache.delete_value(_stop_key(settings))
    enqueue("verenigingen.verenigingen_payments.frappe_integration.adoption.desk.run", queue=QUEUE,
            timeout=TIMEOUT, job_id=job_id(settings), deduplicate=True, settings=settings)
    return {"started": True, "running": True}


def request_stop(settings: str) -> dict:
    """Ask a running adoption to stop after the item it is on; its work so far is kept."""
    frappe.cache.set_value(_stop_key(settings), 1, expires_in_sec=TIMEOUT)
    return {"stopping": is_running(settings)}


def stop_requested(settings: str) -> bool:
    """Read from Redis each time (`expires=True`: not the request-local copy), so a stop clicked in
    another process is seen."""
    return bool(frappe.cache.get_value(_stop_key(settings), expires=True))


def _at_most_every(seconds: float, check):
    last = {"at": float("-inf"), "answer": False}

    def throttled() -> bool:
        now = time.monotonic()
        if now - last["at"] >= seconds:
            last["at"], last["answer"] = now, check()
        return last["answer"]

    return throttled


def outcome(report: AdoptionReport) -> dict:
    return {"account": report.account, "stopped": report.stopped, "counts": report.counts(), "held": report.held,
            "exceptions": [{"kind": e.kind, "mollie_id": e.mollie_id, "detail": e.detail,
                            "what_to_do": e.what_to_do} for e in report.exceptions]}


def last_outcome(settings: str) -> dict | None:
    return frappe.cache.get_value(_outcome_key(settings), expires=True)


def run(settings: str) -> dict:
    """The background job."""
    report = adopt(settings, desk=True, should_stop=_at_most_every(1.0, lambda: stop_requested(settings)))
    frappe.cache.delete_value(_stop_key(settings))
    result = outcome(report)
    frappe.cache.set_value(_outcome_key(settings), result, expires_in_sec=OUTCOME_SECONDS)
    frappe.publish_realtime(DONE_EVENT, result, user=frappe.session.user)
    return result
