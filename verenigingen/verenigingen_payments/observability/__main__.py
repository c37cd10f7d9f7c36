"""Outside Frappe: `python -m verenigingen.verenigingen_payments.observability serve|check-config`.

serve       the standalone WSGI app (/metrics with VERENIGINGEN_METRICS_TOKEN, /health/live,
            /health/ready checking Redis at MOLLIE_REDIS_URL and the store at VERENIGINGEN_STORE_URL)
check-config the fail-fast check for the accounts in VERENIGINGEN_MOLLIE_ACCOUNTS (settings from the
            environment / VERENIGINGEN_MOLLIE_CONFIG; webhook secret MOLLIE_<NAME>_WEBHOOK_SECRET;
            keys VERENIGINGEN_ENCRYPTION_KEYS; environment VERENIGINGEN_ENVIRONMENT, default production)
Exit 0 when the configuration is fine, 1 with one line per problem otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys

from ..clients.config import EnvSettingsProvider, _env_name
from ..core.errors import ConfigurationError
from ..core.security.encryption import ENCRYPTION_KEYS_ENV
from .config_check import AccountFacts, SiteFacts, api_key_kind, check_site, environment_of

ACCOUNTS_ENV = "VERENIGINGEN_MOLLIE_ACCOUNTS"
ENVIRONMENT_ENV = "VERENIGINGEN_ENVIRONMENT"


def site_facts_from_environment(environ=os.environ) -> SiteFacts:
    provider = EnvSettingsProvider(environ)
    accounts = []
    for name in [n.strip() for n in environ.get(ACCOUNTS_ENV, "").split(",") if n.strip()]:
        config = provider.get_config(name)
        accounts.append(AccountFacts(
            name=name, enabled=config.enabled, api_key_kind=api_key_kind(config.api_key),
            has_webhook_secret=bool(environ.get(f"MOLLIE_{_env_name(name)}_WEBHOOK_SECRET")),
            base_url=config.base_url,
        ))
    has_keys = bool(environ.get(ENCRYPTION_KEYS_ENV))
    environment = environment_of({"mollie_environment": environ.get(ENVIRONMENT_ENV)})
    return SiteFacts(environment, has_keys, has_keys, tuple(accounts))


def check_config() -> int:
    try:
        facts = site_facts_from_environment()
    except ConfigurationError as exc:
        print(f"Error: {exc.message}", file=sys.stderr)
        return 1
    problems = check_site(facts)
    print(f"environment: {facts.environment}; accounts checked: {len(facts.accounts)}")
    for problem in problems:
        print(f"PROBLEM {problem}")
    if not problems:
        print("configuration OK")
    return 1 if problems else 0


def serve(host: str, port: int) -> int:
    from werkzeug.serving import run_simple

    from . import health, install_pipeline_metrics
    from .wsgi import METRICS_TOKEN_ENV, OperationsApp

    def checks():
        found = []
        if os.environ.get("MOLLIE_REDIS_URL"):
            found.append(health.check_redis("redis", health.redis_connection(os.environ["MOLLIE_REDIS_URL"])))
        if os.environ.get("VERENIGINGEN_STORE_URL"):
            from ..store.sql.engine import create_store_engine

            engine = create_store_engine(os.environ["VERENIGINGEN_STORE_URL"])
            found.append(health.check_sql("store", health.sqlalchemy_select_one(engine)))
        return found

    install_pipeline_metrics()
    run_simple(host, port, OperationsApp(readiness_checks=checks, metrics_token=os.environ.get(METRICS_TOKEN_ENV)),
               threaded=True)
    return 0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m verenigingen.verenigingen_payments.observability")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check-config")
    serving = sub.add_parser("serve")
    serving.add_argument("--host", default="127.0.0.1")
    serving.add_argument("--port", type=int, default=9108)
    args = parser.parse_args(argv)
    if args.command == "check-config":
        return check_config()
    return serve(args.host, args.port)


if __name__ == "__main__":
    sys.exit(main())
