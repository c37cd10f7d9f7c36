"""A scheduled job's work for each account, isolated: committed per account, and one account's failure
is rolled back, kept as an Error Log and never stops the others."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import frappe


def for_each_account(accounts: Iterable[str], work: Callable[[str], Any], what: str) -> dict[str, Any]:
    """`work(account)` for each account: its result, or the name of the error that stopped it (logged
    as "<what> of <account> failed" and committed, so a later rollback does not lose it)."""
    results: dict[str, Any] = {}
    for name in accounts:
        try:
            results[name] = work(name)
            frappe.db.commit()
        except Exception as exc:  # noqa: BLE001 - one account's failure never stops the others
            frappe.db.rollback()
            frappe.log_error(title=f"{what} of {name} failed")
            frappe.db.commit()
            results[name] = type(exc).__name__
    return results
