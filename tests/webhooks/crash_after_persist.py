"""A webhook server that dies (os._exit) right after a delivery was persisted, before processing.

Run as `python -m tests.webhooks.crash_after_persist <store url>`; prints its port, then serves.
"""

from __future__ import annotations

import os
import sys

from verenigingen.verenigingen_payments.store.webhook_log import WebhookLogStore
from verenigingen.verenigingen_payments.webhooks import StaticSecrets, WebhookApp, WebhookIngestService
from verenigingen.verenigingen_payments.webhooks.wsgi import make_webhook_server

from .wiring import DEFAULT_SECRETS

CRASH_EXIT_CODE = 70


class CrashingQueue:
    def submit(self, log_id: str) -> None:
        os._exit(CRASH_EXIT_CODE)


def main(store_url: str) -> None:
    service = WebhookIngestService(WebhookLogStore.from_url(store_url), CrashingQueue(), StaticSecrets(DEFAULT_SECRETS))
    server = make_webhook_server(WebhookApp(service))
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1])
