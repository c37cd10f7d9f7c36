"""The reads "Test Connection" makes, one per credential and resource.

Each probe runs with only its own credential in the config: the transport falls back to the other
token when the preferred one is missing, which would make a broken credential look healthy.
"""

from __future__ import annotations

from dataclasses import replace

from verenigingen.verenigingen_payments.clients.balances_client import BalancesClient
from verenigingen.verenigingen_payments.clients.config import MollieConfig
from verenigingen.verenigingen_payments.clients.organizations_client import OrganizationsClient
from verenigingen.verenigingen_payments.clients.payments_client import PaymentsClient
from verenigingen.verenigingen_payments.frappe_integration.settings.connection_check import (
    API_KEY,
    ORGANIZATION_TOKEN,
    Probe,
)


def _with_api_key_only(config: MollieConfig) -> MollieConfig:
    return replace(config, organization_token=None)


def _with_organization_token_only(config: MollieConfig) -> MollieConfig:
    return replace(config, api_key=None)


def _payments(config: MollieConfig) -> str:
    payments = PaymentsClient(_with_api_key_only(config)).list_payments(max_items=1)
    return "payments readable" + (" (none yet)" if not payments else "")


def _organization(config: MollieConfig) -> str:
    organization = OrganizationsClient(_with_organization_token_only(config)).get_current()
    return f"{organization.name} ({organization.id})"


def _balances(config: MollieConfig) -> str:
    balances = BalancesClient(_with_organization_token_only(config)).list_balances()
    currencies = ", ".join(sorted({b.currency for b in balances})) or "none"
    return f"{len(balances)} balance(s): {currencies}"


def default_probes() -> tuple[Probe, ...]:
    return (
        Probe(API_KEY, "payments", _payments),
        Probe(ORGANIZATION_TOKEN, "organization", _organization),
        Probe(ORGANIZATION_TOKEN, "balances", _balances),
    )
