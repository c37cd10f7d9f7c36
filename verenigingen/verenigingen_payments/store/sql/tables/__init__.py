"""The registry of table modules: a feature adds ONE line here for its `tables/<feature>.py`."""

TABLE_MODULES: tuple[str, ...] = (
    "verenigingen.verenigingen_payments.store.sql.tables.audit",
    "verenigingen.verenigingen_payments.store.sql.tables.subscriptions",
    "verenigingen.verenigingen_payments.store.sql.tables.disputes",
    "verenigingen.verenigingen_payments.store.sql.tables.monitoring",
    "verenigingen.verenigingen_payments.store.sql.tables.ledger",
    "verenigingen.verenigingen_payments.store.sql.tables.reconciliation",
    "verenigingen.verenigingen_payments.store.sql.tables.webhooks",
    "verenigingen.verenigingen_payments.store.sql.tables.bank_statements",
    "verenigingen.verenigingen_payments.store.sql.tables.collections",
    "verenigingen.verenigingen_payments.store.sql.tables.accounts",
)
