"""Boot info for the desk: whether Mollie Settings may show its API Base URL field."""

from __future__ import annotations

from verenigingen.verenigingen_payments.frappe_integration.settings.provider import custom_base_url_allowed


def boot_session(bootinfo) -> None:
    bootinfo.mollie_allow_custom_api_base_url = custom_base_url_allowed()
