"""Every Prometheus metric of the app, defined once per process.

Names carry the `mollie_` prefix and their unit (`_seconds`, `_total` for counters). Labels are
bounded: account (a Mollie Settings name), endpoint template (`/v2/payments/{id}`), status class
(`2xx`, `timeout` …), reason/kind/state words from fixed vocabularies, currency, job name. Never an
id, an amount, a member or a secret.

Gauges carry a multiprocess mode (used when PROMETHEUS_MULTIPROC_DIR is set, see `exposition`):
- `mostrecent` for facts a job or a worker observed (balances, breaker state): the latest write of
  any process wins, and it survives the process that wrote it (RQ forks a work-horse per job);
- `max` for "last success" timestamps.
Monetary gauges are floats by nature of Prometheus; the exact Decimal stays in the app's records.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
JOB_BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0)

# --- Mollie API (resilience pipeline listener) ---------------------------------------------------
API_REQUESTS = Counter(
    "mollie_api_requests_total", "Mollie API attempts by endpoint template and status class.",
    ["account", "method", "endpoint", "status_class"],
)
API_REQUEST_DURATION = Histogram(
    "mollie_api_request_duration_seconds", "Latency of one Mollie API attempt.",
    ["account", "method", "endpoint"], buckets=LATENCY_BUCKETS,
)
API_RETRIES = Counter(
    "mollie_api_retries_total", "Retries scheduled by the retry layer, by reason.", ["account", "endpoint", "reason"],
)
API_LAST_SUCCESS = Gauge(
    "mollie_api_last_success_timestamp_seconds", "Unix time of the last 2xx answer from Mollie.",
    ["account"], multiprocess_mode="max",
)
RATE_LIMITER_WAITS = Counter(
    "mollie_rate_limiter_waits_total", "Calls that waited for a rate-limiter slot.", ["account", "shared"],
)
RATE_LIMITER_WAIT = Histogram(
    "mollie_rate_limiter_wait_seconds", "Time callers waited for a rate-limiter slot.", ["account"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
BREAKER_STATE = Gauge(
    "mollie_circuit_breaker_state", "Circuit breaker state: 0 closed, 1 open, 2 half-open.",
    ["account", "host"], multiprocess_mode="mostrecent",
)
BREAKER_TRANSITIONS = Counter(
    "mollie_circuit_breaker_transitions_total", "Circuit breaker state changes.",
    ["account", "host", "from_state", "to_state"],
)

# --- Webhooks ---------------------------------------------------------------------------------------
WEBHOOKS_RECEIVED = Counter(
    "mollie_webhooks_received_total", "Authenticated webhook deliveries accepted and logged.", ["source"],
)
WEBHOOKS_REJECTED = Counter(
    "mollie_webhooks_rejected_total", "Webhook deliveries refused, by reason.", ["reason"],
)
WEBHOOKS_PROCESSED = Counter(
    "mollie_webhooks_processed_total", "Webhook rows finished, by outcome (processed, ignored, duplicate).",
    ["outcome"],
)
WEBHOOKS_FAILED = Counter(
    "mollie_webhooks_failed_total", "Webhook processing failures; final=true when retries are exhausted.",
    ["final"],
)
WEBHOOK_LAG = Histogram(
    "mollie_webhook_processing_lag_seconds", "From receipt of a webhook to the end of its processing.",
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 15.0, 60.0, 300.0, 900.0, 3600.0),
)
WEBHOOK_QUEUE_DEPTH = Gauge(
    "mollie_webhook_queue_depth", "Webhook rows waiting for processing (received or failed, retry due).",
    multiprocess_mode="mostrecent",
)
WEBHOOK_OLDEST_PENDING_AGE = Gauge(
    "mollie_webhook_oldest_pending_age_seconds",
    "Age of the oldest webhook row not yet processed (received, processing, or failed with a retry ahead); 0 if none.",
    multiprocess_mode="mostrecent",
)

# --- Reconciliation ---------------------------------------------------------------------------------
RECONCILIATION_RUNS = Counter(
    "mollie_reconciliation_runs_total", "Reconciliation runs finished, by status.", ["account", "status"],
)
RECONCILIATION_DURATION = Histogram(
    "mollie_reconciliation_duration_seconds", "Duration of one account's reconciliation run.", ["account"],
    buckets=JOB_BUCKETS,
)
RECONCILIATION_LAST_SUCCESS = Gauge(
    "mollie_reconciliation_last_success_timestamp_seconds", "Unix time the last completed run finished.",
    ["account"], multiprocess_mode="max",
)
RECONCILIATION_DISCREPANCIES = Gauge(
    "mollie_reconciliation_discrepancies", "Discrepancies found by the account's latest run, by kind.",
    ["account", "kind"], multiprocess_mode="mostrecent",
)
RECONCILIATION_DISCREPANCY_AMOUNT = Gauge(
    "mollie_reconciliation_discrepancy_amount", "Absolute amount of the latest run's discrepancies, by kind.",
    ["account", "kind", "currency"], multiprocess_mode="mostrecent",
)

# --- Balances, disputes, subscriptions --------------------------------------------------------------
BALANCE_AVAILABLE = Gauge(
    "mollie_balance_available", "Available balance at the last monitoring cycle (currency units).",
    ["account", "currency"], multiprocess_mode="mostrecent",
)
BALANCE_PENDING = Gauge(
    "mollie_balance_pending", "Pending balance at the last monitoring cycle (currency units).",
    ["account", "currency"], multiprocess_mode="mostrecent",
)
BALANCE_STATUS = Gauge(
    "mollie_balance_status", "Balance monitor verdict against its thresholds: 0 healthy, 1 warning, 2 critical.",
    ["account", "currency"], multiprocess_mode="mostrecent",
)
DISPUTES_OPEN = Gauge(
    "mollie_disputes_open", "Dispute cases not yet closed.", ["account"], multiprocess_mode="mostrecent",
)
SUBSCRIPTIONS = Gauge(
    "mollie_subscriptions", "Locally tracked subscriptions by status (active, past_due …).",
    ["account", "status"], multiprocess_mode="mostrecent",
)

# --- Security and jobs --------------------------------------------------------------------------------
AUDIT_CHAIN_VALID = Gauge(
    "mollie_audit_chain_valid", "Result of the last audit-chain verification: 1 intact, 0 broken.",
    ["chain"], multiprocess_mode="mostrecent",
)
AUDIT_CHAIN_VERIFIED_AT = Gauge(
    "mollie_audit_chain_last_verification_timestamp_seconds", "Unix time of the last audit-chain verification.",
    ["chain"], multiprocess_mode="max",
)
JOB_LAST_SUCCESS = Gauge(
    "mollie_scheduled_job_last_success_timestamp_seconds", "Unix time a scheduled job last finished without error.",
    ["job"], multiprocess_mode="max",
)
CONFIG_PROBLEMS = Gauge(
    "mollie_config_problems", "Problems found by the last configuration check (0 when production-ready).",
    multiprocess_mode="mostrecent",
)
