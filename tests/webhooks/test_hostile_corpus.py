"""The seeded hostile corpus the site's test replays (sandbox/hostile_webhooks.py) against the standalone
endpoint over real HTTP, on SQLite and MariaDB: each case gets the answer it expects, never a 5xx, and
every row it leaves is one a worker processes without failing."""

from __future__ import annotations

from contextlib import ExitStack

import requests

from verenigingen.verenigingen_payments.sandbox.hostile_webhooks import ACCEPT, REFUSE, hostile_webhook_corpus
from verenigingen.verenigingen_payments.store.webhook_log import WebhookStatus
from verenigingen.verenigingen_payments.webhooks import WebhookSettings

from .conftest import CLASSIC_SECRET
from .wiring import wire

NO_INLINE = WebhookSettings(inline_budget_seconds=0, unauthenticated_rate_limit="100000/minute")


def _deliver(url: str, case) -> int:
    headers = dict(case.headers)
    if case.content_type is not None:
        headers["Content-Type"] = case.content_type
    request = requests.Request(case.method, url, params=case.query, headers=headers, data=case.body).prepare()
    if case.content_type is None:
        request.headers.pop("Content-Type", None)
    with requests.Session() as session:
        return session.send(request, timeout=20).status_code


def test_the_hostile_corpus_gets_clear_answers_and_leaves_workable_rows(emulator, webhook_store, redis_url, redis_prefix):
    with ExitStack() as stack:
        wired = wire(stack, emulator, webhook_store, redis_url, redis_prefix, settings=NO_INLINE, workers=1)
        payment_id = wired.open_payment()
        corpus = hostile_webhook_corpus(seed=16, secret=CLASSIC_SECRET, payment_id=payment_id, count=120)
        answers = {case.label: (_deliver(wired.url, case), case.expect) for case in corpus}
        wired.drain()

    assert {label: status for label, (status, _) in answers.items() if status >= 500} == {}
    assert {label: status for label, (status, expect) in answers.items()
            if (expect == ACCEPT and status != 200) or (expect == REFUSE and not 400 <= status < 500)} == {}
    kept = [row for row in webhook_store.find() if row.status != WebhookStatus.REJECTED]
    assert kept
    done = (WebhookStatus.PROCESSED, WebhookStatus.DUPLICATE)
    assert [(row.resource_id, row.status) for row in kept if row.status not in done] == []
