"""Bench commands of the app. Frappe's bench helper imports this module and reads `commands`.

Every Mollie command lives under one group, `bench --site SITE mollie <subcommand>`, defined with its
shared helpers in `commands/group.py`; each module below adds its subcommands to that group on import.
"""

from verenigingen.commands import (
    accounts,  # noqa: F401  (registers test-connection, balances)
    adoption,  # noqa: F401  (registers adopt)
    bank,  # noqa: F401  (registers bank import|match)
    collections,  # noqa: F401  (registers collections)
    gdpr,  # noqa: F401  (registers gdpr export|erase)
    operations,  # noqa: F401  (registers health, check-config)
    reconciliation,  # noqa: F401  (registers reconcile, sync-payments)
    security,  # noqa: F401  (registers rotate-key, verify-audit)
    subscriptions,  # noqa: F401  (registers sync-subscriptions)
    webhooks,  # noqa: F401  (registers webhooks replay|register|ping|status)
)
from verenigingen.commands.group import mollie

commands = [mollie]
