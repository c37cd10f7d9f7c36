"""`MollieClient`: what every resource client shares — settings, the transport, get/list/iter/write.

A client made from a settings name re-resolves it at most every `config_ttl` seconds, so a change
in Mollie Settings (a new key, a lower rate, the backend API switched off) applies without a
restart. A disabled account refuses every call with ConfigurationError before any network I/O.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from ..core.models.base import MollieObject
from ..core.resilience import ResiliencePipeline
from .config import MollieConfig, resolve_config
from .pagination import PAGE_LIMIT, PageIterator
from .transport import MollieTransport

M = TypeVar("M", bound=MollieObject)
DEFAULT_CONFIG_TTL = 10.0


def _clean(params: Mapping[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in (params or {}).items():
        if value is None:
            continue
        out[key] = ("true" if value else "false") if isinstance(value, bool) else value
    return out


class MollieClient:
    #: Balances, settlements, invoices and organizations need an organization access token.
    prefers_organization_token = False

    def __init__(
        self,
        settings: str | MollieConfig,
        *,
        config_ttl: float = DEFAULT_CONFIG_TTL,
        clock: Callable[[], float] = time.monotonic,
        pipeline: ResiliencePipeline | None = None,
    ) -> None:
        """`pipeline` replaces the process-wide one (tests inject sleep and jitter through it)."""
        self._settings = settings
        self._pipeline = pipeline
        self._config_ttl = config_ttl
        self._clock = clock
        self._lock = threading.Lock()
        self._resolved_at = float("-inf")
        self._transport: MollieTransport | None = None
        _ = self.transport  # resolve once now: an unknown name fails at construction, not at first call

    @property
    def config(self) -> MollieConfig:
        return self.transport.config

    @property
    def transport(self) -> MollieTransport:
        with self._lock:
            stale = self._clock() - self._resolved_at >= self._config_ttl
            if self._transport is None or (stale and not isinstance(self._settings, MollieConfig)):
                config = resolve_config(self._settings)
                if self._transport is None or self._transport.config != config:
                    self._transport = MollieTransport(config, pipeline=self._pipeline)
                self._resolved_at = self._clock()
            return self._transport

    def _uses_organization_token(self) -> bool:
        config = self.transport.config
        return bool(config.organization_token) and (self.prefers_organization_token or not config.api_key)

    def _testmode(self, params: dict[str, Any]) -> dict[str, Any]:
        """Mollie wants `testmode` with an organization token (an API key already implies its mode)."""
        if self.transport.config.testmode is not None and self._uses_organization_token():
            params.setdefault("testmode", self.transport.config.testmode)
        return params

    def _call(
        self,
        method: str,
        template: str,
        path: Mapping[str, str],
        *,
        params=None,
        body=None,
        idempotency_key: str | None = None,
    ) -> Any:
        transport = self.transport
        transport.token(self.prefers_organization_token)  # disabled / missing key: refuse before I/O
        return transport.request(
            method,
            transport.url_for(template, path),
            template=template,
            params=_clean(self._testmode(dict(params or {}))) if method == "GET" else None,
            body=body,
            idempotency_key=idempotency_key,
            prefer_organization=self.prefers_organization_token,
        )

    def _get(self, model: type[M], template: str, params: Mapping[str, Any] | None = None, **path: str) -> M:
        return model(self._call("GET", template, path, params=params)).validate()

    def _iter(
        self,
        model: type[M],
        template: str,
        embedded_key: str,
        params: Mapping[str, Any] | None = None,
        *,
        from_: str | None = None,
        limit: int = PAGE_LIMIT,
        **path: str,
    ) -> PageIterator[M]:
        first = {**(params or {}), "from": from_, "limit": limit}

        def fetch(href: str | None):
            transport = self.transport
            if href is None:
                return self._call("GET", template, path, params=first)
            transport.check_same_origin(href)
            transport.token(self.prefers_organization_token)
            return transport.request(
                "GET", href, template=template, prefer_organization=self.prefers_organization_token
            )

        return PageIterator(fetch, model, embedded_key)

    def _list(
        self,
        model: type[M],
        template: str,
        embedded_key: str,
        params: Mapping[str, Any] | None = None,
        *,
        max_items: int | None = None,
        **path: str,
    ) -> list[M]:
        items: list[M] = []
        for item in self._iter(model, template, embedded_key, params, **path):
            items.append(item.validate())
            if max_items is not None and len(items) >= max_items:
                break
        return items

    def _write(
        self,
        method: str,
        model: type[M] | None,
        template: str,
        body: Mapping[str, Any] | None,
        idempotency_key: str | None,
        **path: str,
    ) -> M | None:
        if body is not None:
            body = self._testmode(dict(body))
        data = self._call(method, template, path, body=body, idempotency_key=idempotency_key)
        if model is None:
            return None
        if data is None and method == "DELETE":
            return self._get(model, template, **path)  # a repeated cancel found it already canceled
        return None if data is None else model(data).validate()


def payload(**fields: Any) -> dict[str, Any]:
    """A request body: snake_case names to Mollie's camelCase, None dropped, Amount/date as Mollie wants."""
    from datetime import date

    from ..core.models.money import Amount

    body: dict[str, Any] = {}
    for name, value in fields.items():
        if value is None:
            continue
        head, *rest = name.rstrip("_").split("_")
        key = head + "".join(part.title() for part in rest)
        if isinstance(value, Amount):
            value = value.to_mollie()
        elif isinstance(value, date):
            value = value.isoformat()
        body[key] = value
    return body
