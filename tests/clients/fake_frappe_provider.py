"""Stands in for frappe_integration.settings.provider in the provider-selection test."""

from verenigingen.verenigingen_payments.clients.config import MollieConfig


class FrappeSettingsProvider:
    def get_config(self, name: str) -> MollieConfig:
        return MollieConfig(api_key="test_from_site", account=name)
