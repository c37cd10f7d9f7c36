"""The one HTTP stack of the Mollie clients: a pooled `requests.Session` behind the resilience pipeline.

One session per process and account (keep-alive, pool reused across clients), timeouts always
set, a User-Agent naming the app. Every attempt goes through `ResiliencePipeline`. A POST carries
an Idempotency-Key chosen once per logical call and sent unchanged on every retry; PATCH and DELETE
carry none (Mollie ignores keys there: they are "repeatable by nature"), so a retried DELETE whose
first attempt did arrive is answered 404 or 422 ("already canceled"), which counts as done.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import requests
import urllib3

from ... import __version__
from ..core.errors import APIConnectionError, APITimeoutError, ConfigurationError, ResponseParseError
from ..core.resilience import CallGuard, GuardSettings, ResiliencePipeline, RetryPolicy
from .config import MollieConfig
from .errors_from_response import error_from_response

USER_AGENT = (
    f"Verenigingen/{__version__} (Mollie finance operations; +https://github.com/verenigingen) "
    f"python-requests/{requests.__version__}"
)
KEYED_METHODS = frozenset({"POST"})  # api-idempotency.rst: keys are honoured on POST only
REPEATABLE_WRITES = frozenset({"PATCH", "PUT", "DELETE"})  # the same request twice has one effect
GONE_ON_REPEAT = frozenset({404, 410, 422})  # a repeated DELETE whose first attempt already worked

_sessions: dict[tuple, requests.Session] = {}
_pipelines: dict[tuple, ResiliencePipeline] = {}
_registry_lock = threading.Lock()


def shared_session(config: MollieConfig) -> requests.Session:
    key = (os.getpid(), config.account, config.base_url)
    with _registry_lock:
        session = _sessions.get(key)
        if session is None:
            session = requests.Session()
            adapter = requests.adapters.HTTPAdapter(pool_connections=4, pool_maxsize=16, max_retries=0)
            session.mount("https://", adapter)
            session.mount("http://", adapter)
            session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/hal+json"})
            # Read proxy/CA settings from the environment once, not on every request (requests'
            # trust_env re-scans os.environ per call, ~0.4 ms).
            session.trust_env = False
            session.proxies.update(requests.utils.get_environ_proxies(config.base_url))
            bundle = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
            if bundle:
                session.verify = bundle
            _sessions[key] = session
        return session


def shared_pipeline(config: MollieConfig, host: str) -> ResiliencePipeline:
    key = (os.getpid(), config.account, host, config.redis_url, config.redis_key_prefix)
    with _registry_lock:
        pipeline = _pipelines.get(key)
        if pipeline is None:
            pipeline = ResiliencePipeline(
                CallGuard(config.account, host, config.redis_url, config.redis_key_prefix)
            )
            _pipelines[key] = pipeline
        return pipeline


def retry_policy(config: MollieConfig) -> RetryPolicy:
    return RetryPolicy(
        max_attempts=config.retry_max_attempts,
        backoff_base=config.retry_backoff_base,
        backoff_cap=config.retry_backoff_cap,
        retry_after_cap=config.retry_after_cap,
    )


def guard_settings(config: MollieConfig) -> GuardSettings:
    return GuardSettings(
        rate_per_second=config.rate_limit_requests_per_second,
        burst=config.effective_burst,
        max_wait=config.rate_limit_max_wait,
        failure_threshold=config.circuit_breaker_failure_threshold,
        open_seconds=config.circuit_breaker_timeout,
        probe_lease=config.connect_timeout + config.read_timeout,
    )


@dataclass(frozen=True, slots=True)
class Response:
    status_code: int
    headers: Mapping[str, str]
    content: bytes

    def json(self) -> Any:
        if self.status_code == 204 or not self.content:
            return None
        try:
            return json.loads(self.content)
        except ValueError:
            raise ResponseParseError(
                "Mollie's response body is not valid JSON", status=self.status_code
            ) from None


class MollieTransport:
    """Sends requests for one account; `config` may be swapped per call to pick up new settings."""

    def __init__(
        self,
        config: MollieConfig,
        *,
        session: requests.Session | None = None,
        pipeline: ResiliencePipeline | None = None,
    ) -> None:
        self.config = config
        parts = urlsplit(config.base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigurationError(f"Mollie base_url must be an http(s) URL, got {config.base_url!r}")
        self.host = parts.netloc
        self.base_path = parts.path.rstrip("/")
        self.session = session or shared_session(config)
        self.pipeline = pipeline or shared_pipeline(config, self.host)

    def token(self, prefer_organization: bool) -> str:
        config = self.config
        if not config.enabled:
            raise ConfigurationError(
                f"the Mollie backend API is disabled for account {config.account!r} (enable_backend_api)"
            )
        first, second = (
            (config.organization_token, config.api_key)
            if prefer_organization
            else (config.api_key, config.organization_token)
        )
        token = first or second
        if not token:
            raise ConfigurationError(
                f"Mollie account {config.account!r} has no API key or organization token"
            )
        return token

    def url_for(self, template: str, path_params: Mapping[str, str]) -> str:
        quoted = {k: quote(str(v), safe="") for k, v in path_params.items()}
        return self.config.base_url.rstrip("/") + template.format(**quoted)

    def endpoint_label(self, template: str) -> str:
        return self.base_path + template

    def check_same_origin(self, url: str) -> None:
        """A `_links.next` href must point at the configured API, or the token would travel elsewhere."""
        if urlsplit(url).netloc != self.host:
            raise ResponseParseError(
                "_links.next points outside the configured Mollie API", field="_links.next"
            )

    def request(
        self,
        method: str,
        url: str,
        *,
        template: str,
        params: Mapping[str, Any] | None = None,
        body: Mapping[str, Any] | None = None,
        idempotency_key: str | None = None,
        prefer_organization: bool = False,
    ) -> Any:
        """One logical call (retried as the policy allows); returns the decoded JSON body."""
        method = method.upper()
        config = self.config
        headers = {"Authorization": f"Bearer {self.token(prefer_organization)}"}
        if method in KEYED_METHODS:
            headers["Idempotency-Key"] = idempotency_key or str(uuid.uuid4())
        data = None
        if body is not None:
            data = json.dumps(body, separators=(",", ":")).encode()
            headers["Content-Type"] = "application/json"
        timeout = (config.connect_timeout, config.read_timeout)
        endpoint = self.endpoint_label(template)
        session = self.session

        attempts = [0]

        def send() -> Response:
            attempts[0] += 1
            try:
                raw = session.request(method, url, params=params, data=data, headers=headers, timeout=timeout)
            except requests.exceptions.ConnectTimeout:
                raise APITimeoutError(f"connect timeout on {method} {endpoint}", sent=False) from None
            except requests.exceptions.ReadTimeout:
                raise APITimeoutError(f"read timeout on {method} {endpoint}", sent=True) from None
            except requests.exceptions.ConnectionError as exc:
                sent = not _failed_before_sending(exc)
                raise APIConnectionError(
                    f"connection to Mollie failed on {method} {endpoint} ({'after' if sent else 'before'} sending)",
                    sent=sent,
                ) from None
            if method == "DELETE" and attempts[0] > 1 and raw.status_code in GONE_ON_REPEAT:
                return Response(204, raw.headers, b"")  # the earlier attempt canceled/deleted it
            if raw.status_code >= 400:
                raise error_from_response(raw.status_code, raw.headers, raw.content, method, endpoint)
            return Response(raw.status_code, raw.headers, raw.content)

        response = self.pipeline.execute(
            send,
            method=method,
            endpoint=endpoint,
            idempotent_write="Idempotency-Key" in headers or method in REPEATABLE_WRITES,
            policy=retry_policy(config),
            limits=guard_settings(config),
        )
        return response.json()


def _failed_before_sending(exc: requests.exceptions.ConnectionError) -> bool:
    """True when the TCP connection was never established (refused, DNS), so nothing reached Mollie."""
    reason = exc.args[0] if exc.args else None
    reason = getattr(reason, "reason", reason)
    return isinstance(reason, (urllib3.exceptions.NewConnectionError, urllib3.exceptions.NameResolutionError))
