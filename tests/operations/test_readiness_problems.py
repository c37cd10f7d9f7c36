"""What `check-config` names besides the safety rules (issue 23): a disabled account, a missing webhook
registration, a queue no worker serves, a key due for rotation; and readiness' webhook-backlog check."""

from __future__ import annotations

from verenigingen.verenigingen_payments.observability import health
from verenigingen.verenigingen_payments.observability.config_check import (
    AccountFacts,
    QueueFacts,
    SiteFacts,
    check_ready,
    check_site,
    problems_by_account,
)


def _account(**changes) -> AccountFacts:
    values = dict(name="Production", enabled=True, api_key_kind="live", has_webhook_secret=True,
                  base_url="https://api.mollie.com/v2", webhook_registered=True)
    return AccountFacts(**{**values, **changes})


def _site(*accounts, queues=()) -> SiteFacts:
    return SiteFacts("production", True, True, tuple(accounts), tuple(queues))


SERVED = QueueFacts("mollie_webhooks", "webhook deliveries", served=True)


def test_a_ready_site_has_no_problem():
    assert check_ready(_site(_account(), queues=[SERVED])) == []


def test_a_disabled_account_is_named_although_the_safety_rules_pass_it():
    site = _site(_account(enabled=False))
    assert check_site(site) == []
    messages = [str(p) for p in check_ready(site)]
    assert "no Mollie Settings record has enable_backend_api on: nothing will run" in messages
    assert any(m.startswith("Production: the account is disabled") for m in messages)


def test_missing_webhook_registration_and_rotation_due_are_named_per_account():
    problems = check_ready(_site(_account(webhook_registered=False, rotation_due=True), queues=[SERVED]))
    grouped = problems_by_account(problems)
    assert len(grouped["Production"]) == 2
    assert "mollie webhooks register --settings Production" in grouped["Production"][0]
    assert "due for rotation" in grouped["Production"][1]


def test_unknown_registration_outside_a_site_is_not_a_problem():
    assert check_ready(_site(_account(webhook_registered=None), queues=[SERVED])) == []


def test_a_queue_without_worker_or_declaration_is_named():
    queues = [QueueFacts("mollie_webhooks", "webhook deliveries", served=False),
              QueueFacts("long", "reconciliation", served=True),
              QueueFacts("mollie_webhooks", "webhook deliveries", served=True, declared=False)]
    messages = [str(p) for p in check_ready(_site(_account(), queues=queues))]
    assert messages == [
        "no worker serves queue mollie_webhooks (webhook deliveries): start one with "
        "`bench worker --queue mollie_webhooks`",
        "queue mollie_webhooks (webhook deliveries) is not declared in common_site_config `workers`: "
        "its jobs go to `short` instead",
    ]


def test_webhook_backlog_is_unready_when_no_worker_drains_it():
    def check(waiting, served, oldest=30.0):
        return health.check_webhook_backlog(lambda: (waiting, oldest), "mollie_webhooks", lambda: served)()

    assert check(0, False).healthy
    assert check(3, True).healthy
    idle = check(3, False)
    assert not idle.healthy and idle.name == "webhook_backlog"
    assert idle.detail == "3 webhook deliveries waiting and no worker serves queue mollie_webhooks"
    assert not check(3, True, oldest=3600.0).healthy
