"""Operations endpoints: Prometheus metrics (token from site_config), liveness and readiness (guest),
plus the process hooks that install the metrics listener and gate scheduled jobs on the config check.

    GET /api/method/verenigingen.verenigingen_payments.api.operations.metrics   (X-Mollie-Metrics-Token)
    GET /api/method/verenigingen.verenigingen_payments.api.operations.liveness
    GET /api/method/verenigingen.verenigingen_payments.api.operations.readiness
"""

from __future__ import annotations

import hmac
import json

import frappe
from werkzeug.wrappers import Response

from verenigingen.verenigingen_payments.api.conventions import checked_arguments, require_role
from verenigingen.verenigingen_payments.api.operations_site import (
    APP_JOB_PREFIX,
    METRICS_TOKEN_SITE_CONFIG,
    config_problems,
    readiness_checks,
    refresh_site_gauges,
    refused_accounts_by_problem,
)
from verenigingen.verenigingen_payments.core.errors import ConfigurationError
from verenigingen.verenigingen_payments.frappe_integration.common.roles import VIEW_ROLES
from verenigingen.verenigingen_payments.frappe_integration.settings import job_gate
from verenigingen.verenigingen_payments.observability import health, install_pipeline_metrics
from verenigingen.verenigingen_payments.observability.exposition import CONTENT_TYPE, render_metrics

METRICS_TOKEN_HEADER = "X-Mollie-Metrics-Token"
SCHEDULED_JOB_RUNNER = "frappe.core.doctype.scheduled_job_type.scheduled_job_type.run_scheduled_job"
ACCOUNT_KWARGS = ("account", "settings", "settings_name")


def _json(status: int, body: dict) -> Response:
    return Response(json.dumps(body), status=status, mimetype="application/json",
                    headers={"Cache-Control": "no-store"})


def _token_ok(given: str | None) -> bool:
    expected = frappe.conf.get(METRICS_TOKEN_SITE_CONFIG)
    return bool(expected and given) and hmac.compare_digest(str(given).encode(), str(expected).encode())


@frappe.whitelist(allow_guest=True, methods=["GET"])
@checked_arguments
def metrics(token: str | None = None) -> Response:
    """Prometheus text format of every process of this bench; 403 without the site's metrics token."""
    request = getattr(frappe.local, "request", None)
    given = (request.headers.get(METRICS_TOKEN_HEADER) if request is not None else None) or token
    if not _token_ok(given):
        return _json(403, {"status": "forbidden"})
    refresh_site_gauges()
    return Response(render_metrics(), status=200, content_type=CONTENT_TYPE)


@frappe.whitelist(allow_guest=True, methods=["GET"])
def liveness() -> Response:
    """200 while the web process answers; no I/O."""
    return _json(*health.liveness())


@frappe.whitelist(allow_guest=True, methods=["GET"])
def readiness() -> Response:
    """200 {"status": "ready"} or 503 {"status": "unready", "unhealthy": [check names]}."""
    try:
        checks = readiness_checks()
    except Exception:  # noqa: BLE001 - building the checks needs the database: that itself is unready
        frappe.log_error(title="Mollie readiness checks could not be built")
        return _json(503, {"status": "unready", "unhealthy": ["database"]})
    return _json(*health.readiness_response(health.run_checks(checks)))


def install_metrics_listener(*args, **kwargs) -> None:
    """`before_request` / `before_job` hook: every web and RQ process reports its Mollie calls."""
    install_pipeline_metrics()


@frappe.whitelist(methods=["GET"])
def configuration_problems() -> list[dict]:
    """What `mollie check-config` names, for the desk (Mollie Settings shows its record's problems)."""
    require_role(VIEW_ROLES)
    return [{"account": p.account, "message": p.message} for p in config_problems()]


def gate_scheduled_job(method: str | None = None, kwargs: dict | None = None, **_ignored) -> None:
    """`before_job` hook: the app's jobs leave out every account the safety check refuses (one Error Log
    entry per account and day says so); a job queued for one refused account does not start."""
    install_pipeline_metrics()
    job_type = (kwargs or {}).get("job_type") if method == SCHEDULED_JOB_RUNNER else method
    if not job_type or not str(job_type).startswith(APP_JOB_PREFIX):
        return
    if str(job_type).startswith("verenigingen.verenigingen_payments.frappe_integration.security.jobs."):
        return  # the credential check must still run and warn when the configuration is broken
    refused = job_gate.refuse(refused_accounts_by_problem())
    named = next((kwargs[k] for k in ACCOUNT_KWARGS if (kwargs or {}).get(k)), None)
    if named in refused:
        raise ConfigurationError(f"{job_gate.refusal_title(named)} (see the Error Log)")
