"""Alert rules and dashboards reference only metrics the code really emits.

The flows run against the emulator (clients with retries, a rate-limiter wait and an opening breaker;
webhooks through the instrumented log store; a reconciliation run; a balance-monitor cycle; an audit
chain verification), then the test scrapes the exposition and compares names. `promtool check
rules` runs too when Debian's prometheus package is installed (in CI it must be).
"""

from __future__ import annotations

import subprocess
from contextlib import ExitStack
from datetime import date, datetime, timezone

import pytest

from verenigingen.verenigingen_payments.clients import BalancesClient, MollieConfig
from verenigingen.verenigingen_payments.core.errors import CircuitOpenError, ServerError
from verenigingen.verenigingen_payments.core.security.audit import AuditTrail
from verenigingen.verenigingen_payments.core.security.audit_verify import verify_chain
from verenigingen.verenigingen_payments.core.security.keys import KeyRing
from verenigingen.verenigingen_payments.disputes import DisputeService
from verenigingen.verenigingen_payments.disputes.sync import run_daily_chargeback_sync
from verenigingen.verenigingen_payments.monitoring.balance_monitor import run_balance_monitoring
from verenigingen.verenigingen_payments.monitoring.seams import local_seams
from verenigingen.verenigingen_payments.observability import install_pipeline_metrics, render_metrics
from verenigingen.verenigingen_payments.observability.config_check import SiteFacts, check_site
from verenigingen.verenigingen_payments.observability.recorders import (
    observe_audit_verification,
    record_config_problems,
    record_job_success,
)
from verenigingen.verenigingen_payments.observability.webhook_metrics import (
    InstrumentedWebhookLogStore,
    record_webhook_backlog,
)
from verenigingen.verenigingen_payments.store.sql.audit_store import SqlAuditLogStore
from verenigingen.verenigingen_payments.store.sql.dispute_store import SqlDisputeStore
from verenigingen.verenigingen_payments.store.sql.engine import create_store_engine
from verenigingen.verenigingen_payments.store.webhook_log import WebhookLogStore
from verenigingen.verenigingen_payments.workflows.reconciliation_engine import (
    Period,
    ReconciliationStores,
    reconcile_account,
)
from verenigingen.verenigingen_payments.workflows.subscription_manager import sync_all_subscription_payments

from tests.plugins.required_tools import require_tool

from .references import dashboard_expressions, names_in, rule_expressions, sample_names


def _config(emu, account: str, **changes) -> MollieConfig:
    values = dict(api_key=emu.api_key, organization_token=emu.organization_token, base_url=emu.base_url,
                  account=account, retry_max_attempts=1)
    return MollieConfig(**{**values, **changes})


def _client_flows(emu, redis_url: str, redis_prefix: str) -> None:
    shared = dict(redis_url=redis_url, redis_key_prefix=redis_prefix)
    BalancesClient(_config(emu, "ops-ok", **shared)).list_balances()
    emu.control.inject_fault(method="GET", path="/v2/balances", status=503, count=1)
    BalancesClient(_config(emu, "ops-retry", retry_max_attempts=2, retry_backoff_base=0.001,
                           retry_backoff_cap=0.001, **shared)).list_balances()
    slow = _config(emu, "ops-limited", rate_limit_requests_per_second=50.0, rate_limit_burst=1.0, **shared)
    for _ in range(2):
        BalancesClient(slow).list_balances()
    emu.control.inject_fault(method="GET", path="/v2/balances", status=500, count=5)
    fragile = BalancesClient(_config(emu, "ops-breaker", circuit_breaker_failure_threshold=1, **shared))
    with pytest.raises(ServerError):
        fragile.list_balances()
    with pytest.raises(CircuitOpenError):
        fragile.list_balances()
    emu.control.clear_faults()


def _webhook_flows(emu, store_url: str, redis_url: str, redis_prefix: str) -> WebhookLogStore:
    from tests.webhooks.wiring import wire

    store = WebhookLogStore.from_url(store_url)
    with ExitStack() as stack:
        wired = wire(stack, emu, InstrumentedWebhookLogStore(store), redis_url, redis_prefix)
        wired.paid_payment()
        wired.post_classic("tr_doesnotexist")
        failing = wired.open_payment()
        emu.control.inject_fault(method="GET", path="/v2/payments/*", status=500, count=1)
        wired.post_classic(failing)
        wired.drain()
        emu.control.clear_faults()
        import requests

        requests.post(wired.url + "?secret=wrong", data={"id": "tr_x"}, timeout=10)
        wired.drain()
    record_webhook_backlog(store, datetime.now(timezone.utc))
    return store


FLOW_ACCOUNT = "ops-recon"
FLOW_LABEL = f'account="{FLOW_ACCOUNT}"'


def _finance_flows(emu, store_url: str) -> None:
    stores = ReconciliationStores.sql(store_url)
    config = _config(emu, FLOW_ACCOUNT)
    reconcile_account(config, stores, Period(date(2025, 3, 1), date(2025, 4, 1)))
    run_balance_monitoring([config], seams=local_seams(store_url))
    run_daily_chargeback_sync([config], service=DisputeService(SqlDisputeStore(create_store_engine(store_url))))
    sync_all_subscription_payments([config], store_url=store_url)
    record_job_success("verenigingen.verenigingen_payments.workflows.reconciliation_engine.run_daily_reconciliation")
    record_config_problems(len(check_site(SiteFacts("production", True, True, ()))))


def _audit_flow(store_url: str) -> None:
    engine = create_store_engine(store_url)
    keys = KeyRing({"k1": b"k" * 32}, "k1")
    store = SqlAuditLogStore(engine)
    AuditTrail(store, keys, chain_id="ops").record("settings_changed", actor="test")
    observe_audit_verification(verify_chain(store, keys, "ops"))


@pytest.fixture(scope="module")
def exposition(tmp_path_factory, redis_url):
    from verenigingen.verenigingen_payments.sandbox.server import MollieEmulator

    import uuid

    import redis

    prefix = f"test-ops-{uuid.uuid4().hex[:8]}:"
    store_url = f"sqlite:///{tmp_path_factory.mktemp('ops') / 'store.sqlite3'}"
    install_pipeline_metrics()
    try:
        with MollieEmulator("association-small", seed=1) as emu:
            _client_flows(emu, redis_url, prefix)
            _webhook_flows(emu, store_url, redis_url, prefix)
            _finance_flows(emu, store_url)
        _audit_flow(store_url)
    finally:
        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(prefix + "*"):
            client.delete(key)
    return render_metrics().decode()


@pytest.fixture(scope="module")
def emitted(exposition):
    return sample_names(exposition)


def test_the_flows_themselves_report_their_figures(exposition):
    """These samples come from the flows' own code, not from a `record_*` call in this module."""
    of_flow_account = sample_names("\n".join(line for line in exposition.splitlines() if FLOW_LABEL in line))
    assert {
        "mollie_reconciliation_runs_total", "mollie_reconciliation_duration_seconds_count",
        "mollie_reconciliation_last_success_timestamp_seconds", "mollie_reconciliation_discrepancies",
        "mollie_reconciliation_discrepancy_amount", "mollie_balance_available", "mollie_balance_pending",
        "mollie_balance_status", "mollie_disputes_open", "mollie_subscriptions",
    } - of_flow_account == set()


def test_every_metric_the_alert_rules_use_is_emitted(emitted):
    missing = {alert: sorted(names_in([expr]) - emitted) for alert, expr in rule_expressions().items()}
    assert {alert: names for alert, names in missing.items() if names} == {}


def test_every_metric_the_dashboards_use_is_emitted(emitted):
    missing = {board: sorted(names_in(exprs) - emitted) for board, exprs in dashboard_expressions().items()}
    assert {board: names for board, names in missing.items() if names} == {}


def _family(name: str) -> str:
    for suffix in ("_bucket", "_sum", "_count", "_created", "_total"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def test_emitted_metrics_no_dashboard_shows_are_listed_and_each_is_used_somewhere(emitted):
    ours = {_family(n) for n in emitted if n.startswith("mollie_")}
    on_dashboards = {_family(n) for exprs in dashboard_expressions().values() for n in names_in(exprs)}
    in_rules = {_family(n) for n in names_in(rule_expressions().values())}
    print("emitted but on no dashboard:", sorted(ours - on_dashboards) or "none")
    assert sorted(ours - on_dashboards - in_rules) == []


def test_promtool_accepts_the_rules():
    from .references import MONITORING

    promtool = require_tool("promtool", "Debian package prometheus")
    result = subprocess.run([promtool, "check", "rules", str(MONITORING / "alerts.yml")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
