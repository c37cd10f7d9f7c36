"""Frappe hooks of the Verenigingen app: plain data, no imports of frappe.

tests/frappe_static/test_hooks.py checks that every dotted path named here resolves to a function.
"""

app_name = "verenigingen"
app_title = "Verenigingen"
app_publisher = "Verenigingen"
app_description = "Mollie finance operations for Dutch associations"
app_email = "dev@verenigingen.local"
app_license = "agpl-3.0"
required_apps = []

after_install = "verenigingen.utils.install.after_install"
after_migrate = "verenigingen.utils.install.after_migrate"

boot_session = "verenigingen.utils.boot.boot_session"

# Short routes used by the deployment guide (/api/method/get_account_balance), beside their dotted paths.
override_whitelisted_methods = {
    "get_account_balance": "verenigingen.verenigingen_payments.api.accounts.get_account_balance",
    "get_dashboard_metrics": "verenigingen.verenigingen_payments.api.dashboard.get_dashboard_metrics",
}

# Security (issue 6): daily credential check with the rotation reminder, audit-chain verification
# (reported to Prometheus), and the retention purge.
scheduler_events = {
    "daily": [
        "verenigingen.verenigingen_payments.frappe_integration.security.jobs.check_credentials",
        "verenigingen.verenigingen_payments.frappe_integration.security.jobs.verify_audit_chain",
        "verenigingen.verenigingen_payments.frappe_integration.security.jobs.purge_expired_personal_data",
        # Disputes (issue 9): the daily chargeback sync (one case per chargeback) and the recovery-payment follow-up.
        "verenigingen.verenigingen_payments.frappe_integration.disputes.jobs.sync_chargebacks_daily",
        "verenigingen.verenigingen_payments.frappe_integration.disputes.jobs.refresh_recovery_payments",
        # Collections (issue 20): pre-notifications due, then the collections day of every account with collections on.
        "verenigingen.verenigingen_payments.frappe_integration.collections.jobs.run_collections_daily",
    ],
    "cron": {
        # Reconciliation (issue 8): the deployment guide's 02:00 job, and an hourly pass for accounts whose
        # reconciliation_hour is later (or whose run failed and should resume); both queue due accounts only.
        "0 2 * * *": ["verenigingen.verenigingen_payments.workflows.reconciliation_engine.run_daily_reconciliation"],
        "0 * * * *": ["verenigingen.verenigingen_payments.frappe_integration.reconciliation.jobs.reconcile_due_accounts"],
        # Subscriptions (issue 10): the deployment guide's 6-hourly subscription payment sync.
        "0 */6 * * *": [
            "verenigingen.verenigingen_payments.workflows.subscription_manager.sync_all_subscription_payments",
        ],
        # Balance monitoring (issue 9): the deployment guide's 15-minute job, every enabled account.
        "*/15 * * * *": [
            "verenigingen.verenigingen_payments.monitoring.balance_monitor.run_balance_monitoring",
        ],
        # Webhooks (issue 7): retries due, deliveries never picked up, dead workers' rows; queue-depth gauge.
        "* * * * *": ["verenigingen.verenigingen_payments.frappe_integration.webhooks.jobs.run_due_webhooks"],
    },
}

# Webhooks (issue 7): effects of a processed delivery by resource type ("*" = every type). Other apps
# add their own handlers the same way (each takes a webhooks.handlers.WebhookEffect, idempotent by effect_key).
mollie_webhook_handlers = {
    "payment": [
        "verenigingen.verenigingen_payments.frappe_integration.webhooks.handlers.on_payment",
        "verenigingen.verenigingen_payments.frappe_integration.webhooks.handlers.on_subscription_payment",
    ],
    "refund": ["verenigingen.verenigingen_payments.frappe_integration.webhooks.handlers.on_refund_or_chargeback"],
    "chargeback": [
        "verenigingen.verenigingen_payments.frappe_integration.webhooks.handlers.on_refund_or_chargeback",
        "verenigingen.verenigingen_payments.frappe_integration.disputes.jobs.on_chargeback_webhook",
    ],
    "subscription": ["verenigingen.verenigingen_payments.frappe_integration.webhooks.handlers.on_subscription"],
    "settlement": ["verenigingen.verenigingen_payments.frappe_integration.webhooks.handlers.on_settlement"],
}

# Security (issue 6): the daily retention purge calls each `purge(cutoff) -> int`.
mollie_retention_purgers = [
    "verenigingen.verenigingen_payments.frappe_integration.webhooks.jobs.purge_webhook_personal_data",
]

# One redaction path for every logger of the app, in web workers and background workers alike.
# Operations (issue 11): every process reports its Mollie calls to Prometheus; the app's scheduled jobs
# do not start while the fail-fast configuration check refuses the site's accounts.
before_request = [
    "verenigingen.verenigingen_payments.frappe_integration.security.seams.install_redaction",
    "verenigingen.verenigingen_payments.api.operations.install_metrics_listener",
]
before_job = [
    "verenigingen.verenigingen_payments.frappe_integration.security.seams.install_redaction",
    "verenigingen.verenigingen_payments.api.operations.gate_scheduled_job",
]

# Adoption (issue 23): the desk's stop request and last outcome survive a full cache clear, which every
# save of the payment ledger's sync cursor (a global default) triggers while the adoption runs.
persistent_cache_keys = ["verenigingen:mollie_adopt_"]
