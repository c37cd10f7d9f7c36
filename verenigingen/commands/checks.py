"""Option checks of the `bench … mollie` commands: the declared limits (core/input_limits.py) as click
callbacks, so a bad id, name or date is a usage error (exit 2, click's message) before the command
binds the site. Framework-free: they run, and are tested, without Frappe.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

import click

from verenigingen.verenigingen_payments.core.errors import InvalidInput
from verenigingen.verenigingen_payments.core.input_limits import (
    CUSTOMER_ID,
    EVENT_TYPE,
    HTTP_URL,
    IBAN,
    MEMBER_REFERENCE,
    RECORD_NAME,
    WEBHOOK_LOG_ID,
    parse_day,
    parse_moment,
    require,
)


def _callback(convert: Callable[[object, str], object]):
    """A click callback applying `convert(value, option)` to a given value (each one of a multiple option)."""

    def callback(ctx: click.Context, param: click.Parameter, value):
        if value is None:
            return None
        option = param.opts[0]
        try:
            if isinstance(value, tuple):
                return tuple(convert(v, option) for v in value)
            return convert(value, option)
        except InvalidInput as exc:
            raise click.BadParameter(exc.message, ctx=ctx, param=param) from None

    return callback


def shaped(shape: re.Pattern, what: str):
    """A callback requiring the whole value to be of `shape` (`what` names it in the message)."""
    return _callback(lambda value, option: require(shape, value, option, what))


def event_types(value: str, option: str) -> str:
    """`*` or comma-separated event types, each of the declared shape."""
    if value.strip() == "*":
        return value
    for event_type in (e.strip() for e in value.split(",") if e.strip()):
        require(EVENT_TYPE, event_type, option, "an event type (payment.paid, …)")
    return value


day = _callback(parse_day)
moment = _callback(parse_moment)
settings_name = shaped(RECORD_NAME, "a Mollie Settings name")
webhook_log_id = shaped(WEBHOOK_LOG_ID, "a Mollie Webhook Log name (32 hex digits)")
customer_id = shaped(CUSTOMER_ID, "a Mollie customer id (cst_…)")
member_reference = shaped(MEMBER_REFERENCE, "a member reference")
event_type_list = _callback(event_types)
http_url = shaped(HTTP_URL, "an http(s) URL")
iban = shaped(IBAN, "an IBAN")


def checked_first(check: Callable[..., object]):
    """Run `check(**options)` before the command (and so before `site_command` binds the site)."""

    def decorate(command):
        @functools.wraps(command)
        def wrapper(*args, **kwargs):
            check(**kwargs)
            return command(*args, **kwargs)

        return wrapper

    return decorate
