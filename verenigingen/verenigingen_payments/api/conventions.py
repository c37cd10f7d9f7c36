"""What every whitelisted Mollie endpoint does before and after its work.

0. `@checked_arguments` (under `@frappe.whitelist`): the call's arguments are checked against the
   endpoint's declaration (core/endpoint_arguments.py) before the body runs, as Frappe checks argument
   types before a call; a value outside its limits is HTTP 417 naming the argument, nothing written.
1. `require_role(...)` first in the body: Guest and users without one of the roles get HTTP 403, in tests too
   (`frappe.only_for` is a no-op while `frappe.flags.in_test` is set, so it cannot be tested).
2. The work runs inside `mollie_errors_as_http(settings)`: a typed client error becomes one clear
   `frappe.throw` message with a fitting HTTP status, never a stack trace and never a secret.
3. The return value is a JSON-able dict; money is a Decimal-exact string with its currency.
"""

from __future__ import annotations

import functools
import html
import inspect
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from datetime import date

import frappe
from frappe import _

from verenigingen.verenigingen_payments.core import errors
from verenigingen.verenigingen_payments.core.endpoint_arguments import ENDPOINTS, check_arguments

SETTINGS_DOCTYPE = "Mollie Settings"


class MollieEndpointError(frappe.ValidationError):
    """Base of the errors an endpoint reports about Mollie; each subclass fixes the HTTP status."""


class MollieNotConfiguredError(MollieEndpointError):
    http_status_code = 409  # the account exists but is switched off or lacks a credential


class MollieRejectedCredentialsError(MollieEndpointError):
    http_status_code = 502  # Mollie refused our key: a gateway problem for the caller


class MollieRejectedRequestError(MollieEndpointError):
    http_status_code = 422


class MollieObjectNotFoundError(MollieEndpointError):
    http_status_code = 404


class MollieRateLimitedError(MollieEndpointError):
    http_status_code = 429


class MollieUnavailableError(MollieEndpointError):
    http_status_code = 503  # Mollie down, unreachable or the circuit breaker is open


class MollieBadResponseError(MollieEndpointError):
    http_status_code = 502


class InvalidArgumentError(MollieEndpointError):
    http_status_code = 417  # Frappe's ValidationError status: a value given is outside core/input_limits


# Most specific first: the first matching class decides the HTTP status.
_HTTP_ERRORS: tuple[tuple[type[errors.MollieError], type[MollieEndpointError]], ...] = (
    (errors.ConfigurationError, MollieNotConfiguredError),
    (errors.InvalidInput, InvalidArgumentError),
    (errors.AuthenticationError, MollieRejectedCredentialsError),
    (errors.PermissionDeniedError, MollieRejectedCredentialsError),
    (errors.NotFoundError, MollieObjectNotFoundError),
    (errors.ValidationError, MollieRejectedRequestError),
    (errors.IdempotencyError, MollieRejectedRequestError),
    (errors.RateLimitError, MollieRateLimitedError),
    (errors.ServerError, MollieUnavailableError),
    (errors.APIConnectionError, MollieUnavailableError),
    (errors.CircuitOpenError, MollieUnavailableError),
    (errors.ResponseParseError, MollieBadResponseError),
)


def date_argument(value: str | None, name: str) -> date | None:
    """An optional ISO date argument; a clear 417 naming the argument when it is not one."""
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        frappe.throw(_("{0} must be a date (YYYY-MM-DD), not {1}.").format(name, repr(value)),
                     frappe.ValidationError, title=_("Invalid date"))


def endpoint_error_for(exc: errors.MollieError) -> type[MollieEndpointError]:
    return next(
        (target for source, target in _HTTP_ERRORS if isinstance(exc, source)), MollieBadResponseError
    )


def describe(exc: errors.MollieError, settings: str | None) -> str:
    """One line for the user: which account, what Mollie (or our client) said."""
    where = f"Mollie account {settings!r}" if settings else "Mollie"
    field = f" (field: {exc.field})" if exc.field else ""
    return f"{where}: {exc.message}{field}"


def _refuse(message: str, exc: type[Exception], title: str) -> None:
    frappe.local.flags.disable_traceback = True
    frappe.throw(message, exc, title=title)


def checked_arguments(endpoint: Callable) -> Callable:
    """`endpoint`, refusing a call whose arguments its declaration in core/endpoint_arguments.py does not
    allow (a missing declaration fails at import, so no endpoint is wired unchecked)."""
    path = f"{endpoint.__module__}.{endpoint.__qualname__}"
    if path not in ENDPOINTS:
        raise KeyError(f"{path} is not declared in core/endpoint_arguments.py")
    signature = inspect.signature(endpoint)

    @functools.wraps(endpoint)
    def checked(*args, **kwargs):
        try:
            given = signature.bind(*args, **kwargs).arguments
        except TypeError as exc:
            _refuse(html.escape(str(exc), quote=False), InvalidArgumentError, _("Invalid argument"))
        try:
            check_arguments(path, given)
        except errors.InvalidInput as exc:  # the message quotes the value: escaped, the desk shows it as HTML
            _refuse(html.escape(exc.message, quote=False), InvalidArgumentError, _("Invalid argument"))
        return endpoint(*args, **kwargs)

    return checked


def require_role(roles: Iterable[str]) -> None:
    """Refuse Guest and every user holding none of `roles` with HTTP 403."""
    roles = tuple(roles)
    user = frappe.session.user
    if user == "Guest" or set(roles).isdisjoint(frappe.get_roles(user)):
        from verenigingen.verenigingen_payments.frappe_integration.security.audit_events import (
            record_permission_denial,
        )

        record_permission_denial(roles)
        _refuse(
            _("This needs one of the roles: {0}.").format(", ".join(roles)),
            frappe.PermissionError,
            _("Not Permitted"),
        )


def resolve_settings_name(settings: str | None) -> str:
    """The record the caller named, or the only enabled one when there is exactly one."""
    if settings:
        if not frappe.db.exists(SETTINGS_DOCTYPE, settings):
            _refuse(
                _("There is no Mollie Settings record named {0}.").format(repr(settings)),
                frappe.DoesNotExistError,
                _("Not Found"),
            )
        return settings
    enabled = frappe.get_all(
        SETTINGS_DOCTYPE, filters={"enable_backend_api": 1}, pluck="name", order_by="name"
    )
    if len(enabled) == 1:
        return enabled[0]
    choices = ", ".join(enabled) or _("none is enabled")
    _refuse(
        _("Name the Mollie account with the settings parameter (enabled accounts: {0}).").format(choices),
        frappe.ValidationError,
        _("Which Mollie account?"),
    )


@contextmanager
def mollie_errors_as_http(settings: str | None) -> Iterator[None]:
    try:
        yield
    except errors.MollieError as exc:
        target = endpoint_error_for(exc)
        if target.http_status_code >= 500:
            frappe.log_error(
                title=f"Mollie: {type(exc).__name__}", message=describe(exc, settings), defer_insert=True
            )
        _refuse(describe(exc, settings), target, _("Mollie"))
