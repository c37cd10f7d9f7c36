"""Client configuration and the seam through which a Mollie Settings name becomes a config.

`BalancesClient("Production")` asks the active `SettingsProvider` for the record named
"Production". Inside a Frappe site the provider reads the Mollie Settings DocType (loaded by dotted
name, so this module never imports Frappe); outside one, `EnvSettingsProvider` reads:

* the file named by `VERENIGINGEN_MOLLIE_CONFIG` (JSON, or TOML on Python 3.11+):
  `{"accounts": {"Production": {"api_key": "live_…", "redis_url": "redis://…", …}}}`
  (a top-level mapping of names without the "accounts" wrapper works too);
* environment variables `MOLLIE_<NAME>_<FIELD>` for any `MollieConfig` field, e.g.
  `MOLLIE_PRODUCTION_API_KEY`, `MOLLIE_PRODUCTION_ORGANIZATION_TOKEN`, `MOLLIE_PRODUCTION_BASE_URL`
  (NAME upper-cased, non-alphanumerics as "_"); they override the file. `MOLLIE_REDIS_URL` is the
  default Redis URL for every account.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol, runtime_checkable

from ..core.errors import ConfigurationError

DEFAULT_BASE_URL = "https://api.mollie.com/v2"
CONFIG_FILE_ENV = "VERENIGINGEN_MOLLIE_CONFIG"
FRAPPE_PROVIDER = "verenigingen.verenigingen_payments.frappe_integration.settings.provider"


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
    retry_backoff_base: float = 0.5
    retry_backoff_cap: float = 8.0
    retry_after_cap: float = 30.0
    circuit_breaker_failure_threshold: int = 5
    circuit_breaker_timeout: float = 60.0
    rate_limit_requests_per_second: float = 25.0
    rate_limit_burst: float | None = None  # default: a fifth of a second's worth, at least 1
    rate_limit_max_wait: float = 10.0
    redis_url: str | None = None
    redis_key_prefix: str = "verenigingen:"

    @property
    def effective_burst(self) -> float:
        if self.rate_limit_burst is not None:
            return max(1.0, float(self.rate_limit_burst))
        return max(1.0, self.rate_limit_requests_per_second / 5)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], **overrides: Any) -> MollieConfig:
        """Build from loosely typed values (env strings, JSON, a DocType's fields); unknown keys refused."""
        merged = {**data, **overrides}
        known = {f.name: f for f in fields(cls)}
        unknown = sorted(set(merged) - set(known))
        if unknown:
            raise ConfigurationError(f"unknown Mollie settings: {', '.join(unknown)}")
        values = {}
        for name, raw in merged.items():
            values[name] = _coerce(name, raw, str(known[name].type))
        return cls(**values)

    def redacted(self) -> dict[str, Any]:
        """The settings without secrets, for logs and support bundles."""
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.repr}
        out["api_key"] = "set" if self.api_key else None
        out["organization_token"] = "set" if self.organization_token else None
        return out


def _coerce(name: str, raw: Any, type_name: str) -> Any:
    if raw is None or raw == "" and "None" in type_name:
        return None
    try:
        if type_name.startswith("bool"):
            if isinstance(raw, str):
                if raw.strip().lower() in {"1", "true", "yes", "on"}:
                    return True
                if raw.strip().lower() in {"0", "false", "no", "off"}:
                    return False
                raise ValueError(raw)
            return bool(raw)
        if type_name.startswith("int"):
            return int(raw)
        if type_name.startswith("float"):
            return float(raw)
    except (TypeError, ValueError):
        raise ConfigurationError(f"Mollie setting {name} is not a valid {type_name.split(' ')[0]}") from None
    return str(raw)


@runtime_checkable
class SettingsProvider(Protocol):
    """Turns the name of a Mollie Settings record into a MollieConfig."""

    def get_config(self, name: str) -> MollieConfig: ...


def _env_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9]", "_", name).upper()


class EnvSettingsProvider:
    """Accounts from `VERENIGINGEN_MOLLIE_CONFIG` and `MOLLIE_<NAME>_<FIELD>` variables."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self._environ = environ

    @property
    def environ(self) -> Mapping[str, str]:
        return os.environ if self._environ is None else self._environ

    def _file_accounts(self) -> dict[str, Any]:
        path = self.environ.get(CONFIG_FILE_ENV)
        if not path:
            return {}
        file = Path(path)
        try:
            text = file.read_text()
        except OSError as exc:
            raise ConfigurationError(
                f"{CONFIG_FILE_ENV} points to an unreadable file: {exc.strerror}"
            ) from None
        try:
            if file.suffix == ".toml":
                import tomllib

                data = tomllib.loads(text)
            else:
                data = json.loads(text)
        except Exception as exc:  # noqa: BLE001 - any parse failure is a configuration error
            raise ConfigurationError(
                f"{CONFIG_FILE_ENV} ({file.name}) cannot be parsed: {type(exc).__name__}"
            ) from None
        accounts = data.get("accounts", data) if isinstance(data, dict) else None
        if not isinstance(accounts, dict):
            raise ConfigurationError(f"{CONFIG_FILE_ENV} ({file.name}) must map account names to settings")
        return accounts

    def get_config(self, name: str) -> MollieConfig:
        values: dict[str, Any] = dict(self._file_accounts().get(name) or {})
        prefix = f"MOLLIE_{_env_name(name)}_"
        field_names = {f.name for f in fields(MollieConfig)}
        from_env = {
            key[len(prefix) :].lower(): value
            for key, value in self.environ.items()
            if key.startswith(prefix) and key[len(prefix) :].lower() in field_names
        }
        if not values and not from_env:
            raise ConfigurationError(
                f"no Mollie account named {name!r}: set {prefix}API_KEY or add it to {CONFIG_FILE_ENV}"
            )
        values.update(from_env)
        values.setdefault("account", name)
        if "redis_url" not in values and self.environ.get("MOLLIE_REDIS_URL"):
            values["redis_url"] = self.environ["MOLLIE_REDIS_URL"]
        return MollieConfig.from_mapping(values)


_provider: SettingsProvider | None = None
_provider_lock = threading.Lock()


def set_settings_provider(provider: SettingsProvider | None) -> None:
    """Install the provider that resolves names (None: back to automatic detection)."""
    global _provider
    if provider is not None and not isinstance(provider, SettingsProvider):
        raise TypeError("a settings provider needs get_config(name) -> MollieConfig")
    with _provider_lock:
        _provider = provider


def _frappe_site_bound() -> bool:
    frappe = sys.modules.get("frappe")
    if not isinstance(frappe, ModuleType):
        return False
    try:
        return bool(getattr(getattr(frappe, "local", None), "site", None))
    except Exception:  # noqa: BLE001 - an unbound werkzeug Local raises on access
        return False


def get_settings_provider() -> SettingsProvider:
    """The installed provider; else Frappe's when a site is bound; else environment/config file."""
    if _provider is not None:
        return _provider
    if _frappe_site_bound():
        module = importlib.import_module(FRAPPE_PROVIDER)
        return module.FrappeSettingsProvider()
    return EnvSettingsProvider()


def resolve_config(name_or_config: str | MollieConfig) -> MollieConfig:
    """A MollieConfig as is, or the named Mollie Settings record through the active provider."""
    if isinstance(name_or_config, MollieConfig):
        return name_or_config
    if not isinstance(name_or_config, str) or not name_or_config:
        raise ConfigurationError("pass a MollieConfig or the name of a Mollie Settings record")
    config = get_settings_provider().get_config(name_or_config)
    if not isinstance(config, MollieConfig):
        raise ConfigurationError(f"settings provider returned {type(config).__name__}, not MollieConfig")
    return config if config.account != "default" else replace(config, account=name_or_config)


__all__ = [
    "DEFAULT_BASE_URL",
    "EnvSettingsProvider",
    "MollieConfig",
    "SettingsProvider",
    "get_settings_provider",
    "resolve_config",
    "set_settings_provider",
]
