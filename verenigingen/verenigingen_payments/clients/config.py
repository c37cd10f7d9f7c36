"""Client configuration and the seam through which a Mollie Settings name becomes a config.

`BalancesClient("Production")` asks the active `SettingsProvider` for the record named
"Production". Inside a Frappe site the provider reads the Mollie Settings DocType; outside one it
reads environment variables or a config file. The core only knows this small interface.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

DEFAULT_BASE_URL = "https://api.mollie.com/v2"


@dataclass(frozen=True)
class MollieConfig:
    """Everything one Mollie account's clients need. Secrets stay out of repr()."""

    api_key: str | None = field(default=None, repr=False)
    organization_token: str | None = field(default=None, repr=False)
    base_url: str = DEFAULT_BASE_URL
    account: str = "default"
    profile_id: str | None = None
    testmode: bool | None = None
    enabled: bool = True
    connect_timeout: float = 5.0
    read_timeout: float = 30.0
    retry_max_attempts: int = 3
    circuit_breaker_failure_threshold: int = 5
    circuit_breaker_timeout: float = 60.0
    rate_limit_requests_per_second: float = 25.0
    redis_url: str | None = None


@runtime_checkable
class SettingsProvider(Protocol):
    """Turns the name of a Mollie Settings record into a MollieConfig."""

    def get_config(self, name: str) -> MollieConfig: ...
