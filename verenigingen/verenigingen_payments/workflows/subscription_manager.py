"""The scheduled subscription sync of the deployment guide (cron `0 */6 * * *`):
`verenigingen.verenigingen_payments.workflows.subscription_manager.sync_all_subscription_payments`.

A thin entry over `verenigingen_payments.subscriptions`: every enabled account is synced; one
account's failure is logged and does not stop the others.
"""

from __future__ import annotations

import logging
from typing import Any, Iterable

from ..subscriptions.accounts import enabled_accounts
from ..subscriptions.service import SubscriptionService
from ..subscriptions.sync import SyncReport

logger = logging.getLogger(__name__)


def sync_all_subscription_payments(accounts: Iterable[Any] | None = None, *, store_url: str | None = None,
                                   **options: Any) -> dict[str, SyncReport | Exception]:
    """Sync each account (MollieConfig or Mollie Settings name); returns its report or the error."""
    results: dict[str, SyncReport | Exception] = {}
    for account in (list(accounts) if accounts is not None else enabled_accounts()):
        name = getattr(account, "account", account)
        try:
            results[name] = SubscriptionService.for_account(account, store_url=store_url, **options).sync()
        except Exception as exc:  # one account's failure never stops the others
            logger.exception("subscription sync of account %s failed", name)
            results[name] = exc
    return results
