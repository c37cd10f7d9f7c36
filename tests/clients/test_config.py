"""Settings resolution: environment and config file outside Frappe, the site's provider inside one."""

from __future__ import annotations

import json
import socket
import sys
import threading
import traceback
import types

import pytest

from verenigingen.verenigingen_payments.clients import (
    BalancesClient,
    EnvSettingsProvider,
    MollieConfig,
    PaymentsClient,
    get_settings_provider,
    resolve_config,
    set_settings_provider,
)
from verenigingen.verenigingen_payments.clients import config as config_module
from verenigingen.verenigingen_payments.core.errors import ConfigurationError

SECRET = "live_SECRETabcdefghijklmnopqrstuv"


@pytest.fixture(autouse=True)
def no_installed_provider():
    set_settings_provider(None)
    yield
    set_settings_provider(None)


def test_environment_variables_name_an_account():
    provider = EnvSettingsProvider(
        {
            "MOLLIE_PRODUCTION_API_KEY": SECRET,
            "MOLLIE_PRODUCTION_RETRY_MAX_ATTEMPTS": "5",
            "MOLLIE_PRODUCTION_ENABLED": "false",
            "MOLLIE_REDIS_URL": "redis://r:6379/1",
        }
    )
    config = provider.get_config("Production")
    assert config.api_key == SECRET and config.retry_max_attempts == 5 and config.enabled is False
    assert config.account == "Production" and config.redis_url == "redis://r:6379/1"


@pytest.mark.parametrize(
    "suffix,text",
    [
        (
            ".json",
            json.dumps({"accounts": {"Production": {"organization_token": "access_x", "read_timeout": 12}}}),
        ),
        (".toml", '[accounts.Production]\norganization_token = "access_x"\nread_timeout = 12\n'),
    ],
)
def test_config_file_names_accounts_and_environment_overrides_it(tmp_path, suffix, text):
    path = tmp_path / f"mollie{suffix}"
    path.write_text(text)
    env = {"VERENIGINGEN_MOLLIE_CONFIG": str(path), "MOLLIE_PRODUCTION_READ_TIMEOUT": "20"}
    config = EnvSettingsProvider(env).get_config("Production")
    assert config.organization_token == "access_x" and config.read_timeout == 20.0


def test_unknown_account_and_bad_values_are_configuration_errors(tmp_path):
    with pytest.raises(ConfigurationError, match="MOLLIE_NOPE_API_KEY"):
        EnvSettingsProvider({}).get_config("Nope")
    with pytest.raises(ConfigurationError, match="retry_max_attempts"):
        EnvSettingsProvider({"MOLLIE_X_RETRY_MAX_ATTEMPTS": "many"}).get_config("X")
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ConfigurationError):
        EnvSettingsProvider({"VERENIGINGEN_MOLLIE_CONFIG": str(bad)}).get_config("X")


def test_client_takes_a_name_through_the_installed_provider_or_a_config():
    class Provider:
        def get_config(self, name):
            return MollieConfig(api_key="test_k", base_url="http://127.0.0.1:9/v2")

    set_settings_provider(Provider())
    assert BalancesClient("Production").config.account == "Production"
    direct = MollieConfig(api_key="test_k", account="direct")
    assert BalancesClient(direct).config is direct
    assert resolve_config(direct) is direct


def test_inside_a_bound_frappe_site_the_site_provider_is_loaded_by_name(monkeypatch):
    fake_frappe = types.ModuleType("frappe")
    fake_frappe.local = types.SimpleNamespace(site="members.example.org")
    monkeypatch.setitem(sys.modules, "frappe", fake_frappe)
    monkeypatch.setattr(config_module, "FRAPPE_PROVIDER", "tests.clients.fake_frappe_provider")
    assert type(get_settings_provider()).__name__ == "FrappeSettingsProvider"
    assert resolve_config("Production").api_key == "test_from_site"


def test_without_a_bound_site_the_environment_provider_is_used(monkeypatch):
    monkeypatch.setitem(sys.modules, "frappe", types.ModuleType("frappe"))
    assert isinstance(get_settings_provider(), EnvSettingsProvider)
    monkeypatch.setitem(sys.modules, "frappe", None)
    assert isinstance(get_settings_provider(), EnvSettingsProvider)


class CountingListener:
    """A loopback socket that counts connection attempts (proves 'no network I/O')."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.accepted = 0
        self._stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.accepted += 1
            conn.close()

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/v2"

    def close(self):
        self._stop = True
        self.thread.join(timeout=2)
        self.sock.close()


def test_disabled_account_refuses_every_call_before_any_network_io():
    listener = CountingListener()
    try:
        config = MollieConfig(
            api_key=SECRET, base_url=listener.base_url, account="off", enabled=False, retry_max_attempts=1
        )
        client = PaymentsClient(config)
        for call in (
            lambda: client.get_payment("tr_1"),
            lambda: client.list_payments(),
            lambda: next(client.iter_payments()),
            lambda: client.cancel_payment("tr_1"),
        ):
            with pytest.raises(ConfigurationError, match="disabled"):
                call()
        assert listener.accepted == 0
    finally:
        listener.close()


def test_a_changed_setting_applies_without_restart_after_the_ttl():
    state = {"enabled": True}

    class Provider:
        def get_config(self, name):
            return MollieConfig(
                api_key="test_k", account=name, enabled=state["enabled"], base_url="http://127.0.0.1:9/v2"
            )

    now = [0.0]
    set_settings_provider(Provider())
    client = PaymentsClient("Production", config_ttl=10, clock=lambda: now[0])
    assert client.config.enabled
    state["enabled"] = False
    now[0] = 9.0
    assert client.config.enabled
    now[0] = 10.0
    assert not client.config.enabled


def test_secrets_never_appear_in_repr_or_errors():
    config = MollieConfig(
        api_key=SECRET,
        organization_token="access_SECRET",
        base_url="http://127.0.0.1:9/v2",
        account="leaky",
        retry_max_attempts=1,
    )
    assert SECRET not in repr(config) and "access_SECRET" not in repr(config)
    assert SECRET not in str(config.redacted())
    with pytest.raises(Exception) as info:
        PaymentsClient(config).get_payment("tr_1")
    text = "".join(traceback.format_exception(info.value))
    assert "connection to Mollie failed" in text
    assert SECRET not in text and SECRET not in repr(info.value)
