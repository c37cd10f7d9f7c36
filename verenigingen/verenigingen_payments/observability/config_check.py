"""Fail-fast configuration check: nothing half-configured may run against live money.

Pure rules over plain facts. Two levels:

- `check_site` (safety): an enabled account that must not run (no key, live key without webhook
  secret or encryption key, test key in production, a non-Mollie API host). The `before_job` gate
  refuses such an account's jobs; `bench migrate` only prints it and never fails on it.
- `check_ready` (readiness): the safety problems plus everything else that keeps the site from
  working: a disabled account (or none enabled), an enabled account without a webhook registration at
  Mollie, a queue the app uses that no worker serves, an API key due for rotation.
  `bench --site S mollie check-config` prints these and exits 1 when there is any.

Environment: "production" unless the site says otherwise (`mollie_environment` in site_config:
production | staging | development; Frappe's `developer_mode: 1` means development). Defaulting to
production means a forgotten flag makes the check stricter, never laxer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ..core.errors import ConfigurationError

PRODUCTION, STAGING, DEVELOPMENT = "production", "staging", "development"
ENVIRONMENTS = (PRODUCTION, STAGING, DEVELOPMENT)
ENVIRONMENT_SITE_CONFIG = "mollie_environment"
MOLLIE_API_HOST = "api.mollie.com"


@dataclass(frozen=True)
class AccountFacts:
    """What the check needs to know about one account; never the secrets themselves."""

    name: str
    enabled: bool
    api_key_kind: str | None  # "live", "test" or None (no key)
    has_webhook_secret: bool
    base_url: str
    webhook_registered: bool | None = None  # None: not known (outside a site)
    rotation_due: bool = False


@dataclass(frozen=True)
class QueueFacts:
    """A queue the app enqueues on and whether a live worker listens to it."""

    name: str
    used_for: str
    served: bool
    declared: bool = True  # a custom queue must be named in common_site_config `workers`


@dataclass(frozen=True)
class SiteFacts:
    environment: str
    has_encryption_key: bool  # the app's field keys (verenigingen_encryption_keys)
    has_site_encryption_key: bool  # Frappe's own `encryption_key`, which encrypts Password fields
    accounts: tuple[AccountFacts, ...] = field(default_factory=tuple)
    queues: tuple[QueueFacts, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class ConfigProblem:
    account: str | None
    message: str

    def __str__(self) -> str:
        return f"{self.account}: {self.message}" if self.account else self.message


def api_key_kind(api_key: str | None) -> str | None:
    if not api_key:
        return None
    return "live" if api_key.startswith("live_") else "test" if api_key.startswith("test_") else "unknown"


def environment_of(site_config: dict) -> str:
    value = site_config.get(ENVIRONMENT_SITE_CONFIG)
    if value:
        value = str(value).strip().lower()
        if value not in ENVIRONMENTS:
            raise ConfigurationError(
                f"{ENVIRONMENT_SITE_CONFIG} in site_config.json must be one of {', '.join(ENVIRONMENTS)}, not {value!r}"
            )
        return value
    return DEVELOPMENT if site_config.get("developer_mode") else PRODUCTION


def is_mollie_api(base_url: str) -> bool:
    parts = urlsplit(base_url)
    return parts.scheme == "https" and parts.hostname == MOLLIE_API_HOST


def account_problems(site: SiteFacts, account: AccountFacts) -> list[ConfigProblem]:
    if not account.enabled:
        return []
    problems: list[str] = []
    live = account.api_key_kind == "live"
    if account.api_key_kind is None:
        problems.append("the account is enabled but has no API key (secret_key)")
    elif account.api_key_kind == "unknown":
        problems.append("the API key is neither a live_ nor a test_ key")
    if live or site.environment == PRODUCTION:
        if not account.has_webhook_secret:
            problems.append("no webhook secret (webhook_secret): webhooks could not be authenticated")
        if not site.has_encryption_key:
            problems.append("no field encryption key (verenigingen_encryption_keys in site_config.json)")
        if not site.has_site_encryption_key:
            problems.append("no site encryption_key: Password fields cannot be decrypted")
    if site.environment == PRODUCTION and account.api_key_kind == "test":
        problems.append("a test_ API key on a production site (set mollie_environment to staging if intended)")
    if (live or site.environment == PRODUCTION) and not is_mollie_api(account.base_url):
        problems.append(
            f"API base URL {account.base_url!r} is not https://{MOLLIE_API_HOST} "
            "(an emulator or test override must never see live keys)"
        )
    return [ConfigProblem(account.name, message) for message in problems]


def check_site(site: SiteFacts) -> list[ConfigProblem]:
    problems: list[ConfigProblem] = []
    for account in site.accounts:
        problems += account_problems(site, account)
    return problems


def readiness_problems(site: SiteFacts) -> list[ConfigProblem]:
    """What keeps a safely configured site from working (see the module docstring)."""
    problems: list[ConfigProblem] = []
    if not any(a.enabled for a in site.accounts):
        problems.append(ConfigProblem(None, "no Mollie Settings record has enable_backend_api on: nothing will run"))
    for account in site.accounts:
        if not account.enabled:
            problems.append(ConfigProblem(account.name, "the account is disabled (enable_backend_api is off): "
                                                        "its jobs and endpoints refuse it"))
            continue
        if account.webhook_registered is False:
            problems.append(ConfigProblem(account.name, "no webhook registration at Mollie: run "
                                                        f"`mollie webhooks register --settings {account.name}`"))
        if account.rotation_due:
            problems.append(ConfigProblem(account.name, "the API key is due for rotation (api_key_rotation_days): "
                                                        f"`mollie rotate-key --settings {account.name}`"))
    for queue in site.queues:
        if not queue.declared:
            problems.append(ConfigProblem(None, f"queue {queue.name} ({queue.used_for}) is not declared in "
                                                "common_site_config `workers`: its jobs go to `short` instead"))
        elif not queue.served:
            problems.append(ConfigProblem(None, f"no worker serves queue {queue.name} ({queue.used_for}): "
                                                f"start one with `bench worker --queue {queue.name}`"))
    return problems


def check_ready(site: SiteFacts) -> list[ConfigProblem]:
    """Every problem check-config names: the safety rules, then readiness."""
    return check_site(site) + readiness_problems(site)


def problems_by_account(problems: Iterable[ConfigProblem]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for problem in problems:
        if problem.account is not None:
            grouped.setdefault(problem.account, []).append(problem.message)
    return grouped


def ensure_ready(site: SiteFacts, accounts: Iterable[str] | None = None) -> None:
    """Raise ConfigurationError listing every problem (of `accounts`, or all) — the fail-fast gate."""
    wanted = None if accounts is None else set(accounts)
    problems = [p for p in check_site(site) if wanted is None or p.account in wanted]
    if problems:
        raise ConfigurationError(
            "Mollie configuration is not safe to run: " + "; ".join(str(p) for p in problems)
        )
