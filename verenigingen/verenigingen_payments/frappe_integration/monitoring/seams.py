"""Balance monitoring's seams inside a site (see `monitoring.seams`): thresholds from the Balance
Threshold DocType, account-wide defaults from Mollie Settings, alerts by e-mail (Frappe's queue)
and desk notification to the Mollie Finance Managers.

Alert state and the cached forecast use the same SQL tables as outside a site
(`store.sql.monitoring_store`, tested on MariaDB), created in the site's own database: the claim
to notify is a compare-and-set committed on its own connection, so it holds across workers
whatever happens to the job's Frappe transaction afterwards.
"""

from __future__ import annotations

from urllib.parse import quote_plus

import frappe

from verenigingen.verenigingen_payments.frappe_integration.settings.provider import FrappeSettingsProvider
from verenigingen.verenigingen_payments.monitoring.alerts import BalanceAlert
from verenigingen.verenigingen_payments.monitoring.seams import AlertDefaults, MonitoringSeams
from verenigingen.verenigingen_payments.monitoring.thresholds import BalanceThreshold as ThresholdRecord

from .thresholds import to_threshold

DOCTYPE = "Balance Threshold"
MANAGER_ROLE = "Mollie Finance Manager"
_engines: dict[str, object] = {}


class FrappeThresholdStore:
    def active_thresholds(self, settings_name: str) -> list[ThresholdRecord]:
        names = frappe.get_all(DOCTYPE, filters={"settings_name": settings_name, "active": 1}, pluck="name",
                               order_by="name")
        return [to_threshold(frappe.get_doc(DOCTYPE, name)) for name in names]

    def save_threshold(self, t: ThresholdRecord) -> ThresholdRecord:
        values = {"settings_name": t.settings_name, "kind": t.kind, "amount": t.amount, "balance_id": t.balance_id,
                  "currency": t.currency, "period_hours": t.period_hours, "forecast_days": t.forecast_days,
                  "active": int(t.active), "recipients": "\n".join(t.recipients),
                  "cooldown_minutes": t.cooldown_minutes}
        if frappe.db.exists(DOCTYPE, t.threshold_id):
            doc = frappe.get_doc(DOCTYPE, t.threshold_id)
            doc.update(values)
            doc.save(ignore_permissions=True)
        else:
            frappe.get_doc({"doctype": DOCTYPE, **values}).insert(ignore_permissions=True, set_name=t.threshold_id)
        return t

    def delete_threshold(self, threshold_id: str) -> None:
        frappe.delete_doc(DOCTYPE, threshold_id, ignore_permissions=True, force=True)


class FrappeNotifier:
    """E-mail through Frappe's queue to the recipients, and a desk notification for every enabled
    Mollie Finance Manager."""

    def send(self, alert: BalanceAlert) -> None:
        subject = f"[{alert.severity.upper()}] Mollie balance {alert.account}: {alert.kind}"
        body = (f"<p>{frappe.utils.escape_html(alert.message)}</p><p>Balance {alert.balance_id} "
                f"({alert.currency}), checked at {alert.raised_at.isoformat()}.</p>")
        for user in _managers():
            frappe.get_doc({"doctype": "Notification Log", "for_user": user, "type": "Alert", "subject": subject,
                            "email_content": body, "document_type": "Mollie Settings",
                            "document_name": alert.account}).insert(ignore_permissions=True)
        if alert.recipients:
            self._mail(alert, subject, body)
        frappe.db.commit()

    @staticmethod
    def _mail(alert: BalanceAlert, subject: str, body: str) -> None:
        """Queue the e-mail; a site without an outgoing account still gets the desk notification,
        and the missing account is logged for the administrator."""
        threshold = alert.threshold_id if frappe.db.exists(DOCTYPE, alert.threshold_id) else None
        try:
            frappe.sendmail(recipients=list(alert.recipients), subject=subject, message=body,
                            reference_doctype=DOCTYPE if threshold else None, reference_name=threshold)
        except frappe.OutgoingEmailError:
            frappe.log_error(title="Mollie balance alert not e-mailed",
                             message=f"No outgoing e-mail account: {subject} for {', '.join(alert.recipients)}")


def _managers() -> list[str]:
    users = frappe.get_all("Has Role", filters={"role": MANAGER_ROLE, "parenttype": "User"}, pluck="parent")
    return [u for u in set(users) if frappe.db.get_value("User", u, "enabled")]


def defaults_for(settings_name: str) -> AlertDefaults:
    values = frappe.db.get_value("Mollie Settings", settings_name,
                                 ["low_balance_threshold", "enable_balance_alerts", "alert_recipients"], as_dict=True)
    return AlertDefaults.from_mapping(values or {})


def _site_engine():
    """An SQLAlchemy engine on this site's database (SqlMonitoringStore creates only its own tables)."""
    from verenigingen.verenigingen_payments.store.sql import create_store_engine

    site = frappe.local.site
    if site not in _engines:
        conf = frappe.conf
        user = conf.get("db_user") or conf.db_name
        url = (f"mysql+pymysql://{quote_plus(user)}:{quote_plus(conf.db_password)}@"
               f"{conf.get('db_host') or '127.0.0.1'}:{int(conf.get('db_port') or 3306)}/{conf.db_name}?charset=utf8mb4")
        _engines[site] = create_store_engine(url)
    return _engines[site]


def monitoring_seams() -> MonitoringSeams:
    from verenigingen.verenigingen_payments.store.sql.monitoring_store import SqlMonitoringStore

    state = SqlMonitoringStore(_site_engine())
    return MonitoringSeams(FrappeThresholdStore(), state, state, FrappeNotifier(), defaults_for,
                           FrappeSettingsProvider().enabled_accounts)
