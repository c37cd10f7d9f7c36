"""The daily chargeback sync over `/v2/chargebacks`, and discovery from a settlement's chargebacks.

Every chargeback seen opens (or finds) its case through `DisputeService.open_case_for_chargeback`,
so a sync that runs twice, overlaps a webhook, or stops halfway and is run again never makes a
second case. The payment is fetched only for a chargeback without a case yet (member, method).
Mollie lists chargebacks newest first: the sync stops at the first one older than the lookback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from ..clients import ChargebacksClient, PaymentsClient, SettlementsClient
from ..core.errors import NotFoundError
from ..core.models import Chargeback
from ..observability.recorders import record_open_disputes
from .metrics import compute_dispute_metrics
from .model import REVERSED
from .service import DisputeService

logger = logging.getLogger(__name__)
DEFAULT_LOOKBACK = timedelta(days=120)  # a SEPA refund request may come up to 8 weeks (13 months if unauthorised)


@dataclass
class SyncReport:
    account: str
    seen: int = 0
    opened: int = 0
    reversed: int = 0
    case_ids: list[str] = field(default_factory=list)


class ChargebackSync:
    def __init__(self, service: DisputeService, settings, *, clock: Callable[[], datetime] | None = None) -> None:
        self._service = service
        self._chargebacks = ChargebacksClient(settings)
        self._payments = PaymentsClient(settings)
        self._settlements_settings = settings
        self.account = self._chargebacks.config.account
        self._clock = clock or (lambda: datetime.now(timezone.utc))

    def _open(self, cb: Chargeback, report: SyncReport) -> None:
        report.seen += 1
        before = self._service.store.find_by_chargeback(self.account, cb.id)
        payment = None
        if before is None:
            try:
                payment = self._payments.get_payment(cb.payment_id)
            except NotFoundError:
                logger.warning("chargeback %s names payment %s, which Mollie does not know", cb.id, cb.payment_id)
        case, created = self._service.open_case_for_chargeback(self.account, cb, payment=payment)
        report.opened += int(created)
        if case.status == REVERSED and (before is None or before.status != REVERSED):
            report.reversed += 1
        report.case_ids.append(case.case_id)

    def _run(self, chargebacks: Iterable[Chargeback], since: datetime | None) -> SyncReport:
        report = SyncReport(self.account)
        for cb in chargebacks:
            cb.validate()
            if since is not None and cb.created_at < since:
                continue  # the emulator lists oldest first; Mollie newest first (see below)
            self._open(cb, report)
        return report

    def sync(self, *, lookback: timedelta = DEFAULT_LOOKBACK) -> SyncReport:
        since = self._clock() - lookback
        report = self._run(_newest_until(self._chargebacks.iter_chargebacks(), since), since)
        record_open_disputes(self.account, compute_dispute_metrics(self._service.store.list_cases(self.account)).open)
        return report

    def sync_settlement(self, settlement_id: str) -> SyncReport:
        """Open cases for the chargebacks a settlement deducts (reconciliation's discovery path)."""
        return self._run(SettlementsClient(self._settlements_settings).iter_chargebacks(settlement_id), None)


def _newest_until(items: Iterable[Chargeback], since: datetime) -> Iterable[Chargeback]:
    """Stop once a newest-first listing passes `since`; an oldest-first one is read to its end."""
    previous = None
    for item in items:
        created = item.created_at
        if previous is not None and created <= previous and created < since:
            return
        previous = created
        yield item


def run_daily_chargeback_sync(accounts: Iterable, *, service: DisputeService | None = None) -> dict[str, SyncReport | Exception]:
    """Sync every account; one account's failure is logged and does not stop the others."""
    from ..store.sql import create_store_engine
    from ..store.sql.dispute_store import SqlDisputeStore

    service = service or DisputeService(SqlDisputeStore(create_store_engine()))
    results: dict[str, SyncReport | Exception] = {}
    for account in accounts:
        name = getattr(account, "account", account)
        try:
            results[name] = ChargebackSync(service, account).sync()
        except Exception as exc:  # noqa: BLE001 - reported per account
            logger.exception("chargeback sync of account %s failed", name)
            results[name] = exc
    return results
