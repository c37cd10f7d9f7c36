"""Mollie resource ids as they arrive in webhooks: which prefix names which resource type."""

from __future__ import annotations

import re

from .rejections import WebhookRejected

RESOURCE_TYPES_BY_PREFIX: dict[str, str] = {
    "tr": "payment",
    "re": "refund",
    "chb": "chargeback",
    "sub": "subscription",
    "stl": "settlement",
    "ord": "order",
    "pl": "payment-link",
    "cpt": "capture",
    "po": "payout",
}

_ID_RE = re.compile(r"([a-z]{2,5})_[A-Za-z0-9]{1,64}")


def is_mollie_id(value: object) -> bool:
    """Whether `value` has the shape of a Mollie id (any prefix): `<2-5 letters>_<1-64 letters/digits>`."""
    return isinstance(value, str) and _ID_RE.fullmatch(value) is not None


def resource_type_of(resource_id: object, field: str = "id") -> str:
    """The resource type of a webhook's id; a missing, malformed or unknown id is a rejection."""
    if resource_id is None or resource_id == "":
        raise WebhookRejected("missing_id", f"the webhook has no {field}")
    if not isinstance(resource_id, str):
        raise WebhookRejected("malformed_id", f"{field} is not a string")
    match = _ID_RE.fullmatch(resource_id)
    if match is None:
        raise WebhookRejected("malformed_id", f"{field} is not a Mollie resource id")
    resource_type = RESOURCE_TYPES_BY_PREFIX.get(match.group(1))
    if resource_type is None:
        raise WebhookRejected("unknown_prefix", f"{field} has an unknown prefix {match.group(1)!r}")
    return resource_type
