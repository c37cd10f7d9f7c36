"""Effects and the registry that dispatches them to handlers by resource type.

A handler is any callable taking a `WebhookEffect`. Handlers must be idempotent by
`effect.effect_key` (use it as the unique reference of what they write): the processor calls each
effect once under a per-resource lock, but a crash after a handler ran and before the effect was
recorded makes the retry call it again with the same key.

Other apps add handlers through `hooks.py`:

    mollie_webhook_handlers = {
        "payment": ["my_app.mollie.on_payment"],
        "*": ["my_app.mollie.on_any_resource"],
    }

The Frappe layer passes `frappe.get_hooks("mollie_webhook_handlers")` to `load_hooks`.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

ANY_RESOURCE = "*"


@dataclass(frozen=True)
class WebhookEffect:
    resource_type: str
    resource_id: str
    status: str | None
    effect_key: str
    resource: Mapping[str, Any]
    event_type: str | None
    account: str | None
    webhook_log_id: str


WebhookHandler = Callable[[WebhookEffect], None]


class HandlerRegistry:
    def __init__(self) -> None:
        self._handlers: dict[str, list[WebhookHandler]] = {}

    def register(self, resource_type: str, handler: WebhookHandler) -> WebhookHandler:
        if not callable(handler):
            raise TypeError(f"handler for {resource_type!r} is not callable: {handler!r}")
        self._handlers.setdefault(resource_type, []).append(handler)
        return handler

    def handlers_for(self, resource_type: str) -> tuple[WebhookHandler, ...]:
        return tuple(self._handlers.get(resource_type, ())) + tuple(self._handlers.get(ANY_RESOURCE, ()))

    def dispatch(self, effect: WebhookEffect) -> int:
        """Run every handler of the effect's resource type; the number that ran."""
        handlers = self.handlers_for(effect.resource_type)
        for handler in handlers:
            handler(effect)
        return len(handlers)

    def load_hooks(self, hooks: Mapping[str, Sequence[str] | str]) -> None:
        """Register handlers named by dotted path, as `mollie_webhook_handlers` in hooks.py lists them."""
        for resource_type, paths in hooks.items():
            for path in [paths] if isinstance(paths, str) else paths:
                self.register(resource_type, _import_dotted(path))


def _import_dotted(path: str) -> WebhookHandler:
    module_name, _, attribute = path.rpartition(".")
    if not module_name:
        raise ValueError(f"not a dotted path to a handler: {path!r}")
    return getattr(importlib.import_module(module_name), attribute)
