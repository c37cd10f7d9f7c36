"""Readiness against the real Redis and a real SQL store, the breaker read from the key the guard
writes, the standalone WSGI app, and the fail-fast configuration rules."""

from __future__ import annotations

import json

import pytest
from werkzeug.test import Client

from verenigingen.verenigingen_payments.clients import BalancesClient, MollieConfig
from verenigingen.verenigingen_payments.core.errors import ConfigurationError, ServerError
from verenigingen.verenigingen_payments.observability import health
from verenigingen.verenigingen_payments.observability.config_check import (
    AccountFacts,
    SiteFacts,
    check_site,
    ensure_ready,
    environment_of,
)
from verenigingen.verenigingen_payments.observability.wsgi import OperationsApp
from verenigingen.verenigingen_payments.store.sql.engine import create_store_engine

TOKEN = "metrics-token-for-tests-0123456789"


def _app(checks) -> Client:
    return Client(OperationsApp(readiness_checks=checks, metrics_token=TOKEN))


def test_ready_when_store_and_redis_answer(redis_url, tmp_path):
    engine = create_store_engine(f"sqlite:///{tmp_path / 's.sqlite3'}")
    checks = [health.check_sql("store", health.sqlalchemy_select_one(engine)),
              health.check_redis("redis", health.redis_connection(redis_url))]
    response = _app(checks).get("/health/ready")
    assert response.status_code == 200
    assert response.json == {"status": "ready"}


def test_unready_names_only_what_failed(redis_url):
    dead = health.redis_connection("redis://:s3cret-password@127.0.0.1:1/0")
    checks = [health.check_redis("redis", health.redis_connection(redis_url)), health.check_redis("redis_queue", dead)]
    response = _app(checks).get("/health/ready")
    assert response.status_code == 503
    assert response.json == {"status": "unready", "unhealthy": ["redis_queue"]}
    assert "s3cret" not in response.get_data(as_text=True) and "127.0.0.1" not in response.get_data(as_text=True)


def test_breaker_opened_by_real_calls_makes_the_account_unready(emulator, redis_url, redis_prefix):
    config = MollieConfig(api_key=emulator.api_key, base_url=emulator.base_url, account="ops-health",
                          retry_max_attempts=1, circuit_breaker_failure_threshold=1,
                          redis_url=redis_url, redis_key_prefix=redis_prefix)
    client = health.redis_connection(redis_url)
    check = health.check_breaker("ops-health", client,
                                 health.breaker_key(redis_prefix, "ops-health", emulator.base_url))
    assert check().healthy
    emulator.control.inject_fault(method="GET", path="/v2/balances", status=500, count=1)
    with pytest.raises(ServerError):
        BalancesClient(config).list_balances()
    result = check()
    assert (result.name, result.healthy, result.detail) == ("breaker:ops-health", False, "circuit open")


def test_last_success_check_uses_the_metric_and_a_clock():
    check = health.check_last_success("a", lambda account: 1_000.0, max_silence_seconds=60, now=lambda: 1_050.0)
    assert check().healthy
    stale = health.check_last_success("a", lambda account: 1_000.0, max_silence_seconds=60, now=lambda: 1_100.0)
    assert not stale().healthy
    assert health.check_last_success("a", lambda account: None)().healthy


def test_liveness_and_metrics_token():
    client = _app([])
    assert client.get("/health/live").json == {"status": "alive"}
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
    ok = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 200 and ok.content_type.startswith("text/plain")
    assert b"# TYPE mollie_api_requests_total counter" in ok.data
    assert Client(OperationsApp(metrics_token=None)).get(
        "/metrics", headers={"Authorization": "Bearer "}).status_code == 401


def _account(**changes) -> AccountFacts:
    values = dict(name="Production", enabled=True, api_key_kind="live", has_webhook_secret=True,
                  base_url="https://api.mollie.com/v2")
    return AccountFacts(**{**values, **changes})


def _site(*accounts, environment="production", keys=True) -> SiteFacts:
    return SiteFacts(environment, keys, keys, tuple(accounts))


def test_a_complete_live_account_passes():
    assert check_site(_site(_account())) == []
    ensure_ready(_site(_account()))


@pytest.mark.parametrize("account,site_changes,expected", [
    (dict(has_webhook_secret=False), {}, "no webhook secret"),
    ({}, dict(keys=False), "no field encryption key"),
    (dict(api_key_kind="test"), {}, "a test_ API key on a production site"),
    (dict(base_url="http://127.0.0.1:8765/v2"), {}, "is not https://api.mollie.com"),
    (dict(base_url="http://127.0.0.1:8765/v2"), dict(environment="development"), "is not https://api.mollie.com"),
    (dict(api_key_kind=None), {}, "no API key"),
])
def test_half_configured_accounts_are_refused_with_a_clear_message(account, site_changes, expected):
    site = _site(_account(**account), **site_changes)
    with pytest.raises(ConfigurationError) as refused:
        ensure_ready(site)
    assert expected in str(refused.value) and "Production" in str(refused.value)


def test_test_sites_and_disabled_accounts_may_use_the_emulator():
    emulator = _account(api_key_kind="test", base_url="http://127.0.0.1:8765/v2", has_webhook_secret=False)
    assert check_site(_site(emulator, environment="development", keys=False)) == []
    assert check_site(_site(_account(enabled=False, api_key_kind="test", base_url="http://x"))) == []


def test_environment_defaults_to_production_and_rejects_unknown_words():
    assert environment_of({}) == "production"
    assert environment_of({"developer_mode": 1}) == "development"
    assert environment_of({"mollie_environment": "Staging", "developer_mode": 1}) == "staging"
    with pytest.raises(ConfigurationError, match="mollie_environment"):
        environment_of({"mollie_environment": "prod"})
    assert json.dumps(health.readiness_response([])[1]) == '{"status": "ready"}'
