"""Typed Mollie API clients on one resilient HTTP stack.

Every client takes a `MollieConfig` or the name of a Mollie Settings record:
`BalancesClient("Production").list_balances()`.
"""

from .balances_client import BalancesClient
from .base import MollieClient
from .captures_client import CapturesClient
from .chargebacks_client import ChargebacksClient
from .config import (
    EnvSettingsProvider,
    MollieConfig,
    SettingsProvider,
    get_settings_provider,
    resolve_config,
    set_settings_provider,
)
from .customers_client import CustomersClient
from .invoices_client import InvoicesClient
from .mandates_client import MandatesClient
from .organizations_client import OrganizationsClient
from .pagination import PageIterator
from .payment_links_client import PaymentLinksClient
from .payments_client import PaymentsClient
from .refunds_client import RefundsClient
from .settlements_client import SettlementsClient
from .subscriptions_client import SubscriptionsClient
from .webhooks_client import Webhook, WebhooksClient

__all__ = [
    "BalancesClient",
    "CapturesClient",
    "ChargebacksClient",
    "CustomersClient",
    "EnvSettingsProvider",
    "InvoicesClient",
    "MandatesClient",
    "MollieClient",
    "MollieConfig",
    "OrganizationsClient",
    "PageIterator",
    "PaymentLinksClient",
    "PaymentsClient",
    "RefundsClient",
    "SettingsProvider",
    "SettlementsClient",
    "SubscriptionsClient",
    "Webhook",
    "WebhooksClient",
    "get_settings_provider",
    "resolve_config",
    "set_settings_provider",
]
