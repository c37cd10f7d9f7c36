"""Request bodies: JSON or form-encoded, checked field by field like Mollie (422 naming the field)."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl, urlparse

from ..core.models.money import CURRENCY_DECIMALS
from .errors import ApiError, invalid
from .money import parse_amount


def parse_body(raw: bytes, content_type: str) -> dict:
    if not raw.strip():
        return {}
    if "json" in content_type or raw.lstrip()[:1] in (b"{", b"["):
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "The request body is not valid JSON.") from None
        if not isinstance(body, dict):
            raise ApiError(400, "The request body must be a JSON object.")
        return body
    body: dict = {}
    for key, value in parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True):
        if "[" in key and key.endswith("]"):
            outer, inner = key[:-1].split("[", 1)
            body.setdefault(outer, {})[inner] = value
        else:
            body[key] = value
    return body


def req_amount(body: dict, field: str = "amount", required: bool = True) -> tuple[int, str] | None:
    value = body.get(field)
    if value is None:
        if required:
            raise invalid(field, f"The amount is required: '{field}' must be an object with value and currency.")
        return None
    if not isinstance(value, dict):
        raise invalid(field, f"The '{field}' must be an object with value and currency.")
    currency = value.get("currency")
    if not isinstance(currency, str) or currency not in CURRENCY_DECIMALS:
        raise invalid(f"{field}.currency", "The currency is invalid or not supported.")
    minor = parse_amount(value.get("value"), currency)
    if minor is None:
        raise invalid(f"{field}.value", "The amount value is invalid: a string with the currency's number of decimals is required.")
    if minor <= 0:
        raise invalid(f"{field}.value", "The amount must be greater than zero.")
    return minor, currency


def req_text(body: dict, field: str, required: bool = True, max_len: int = 255) -> str | None:
    value = body.get(field)
    if value is None or value == "":
        if required:
            raise invalid(field, f"The '{field}' field is required.")
        return None
    if not isinstance(value, str) or len(value) > max_len:
        raise invalid(field, f"The '{field}' must be a string of at most {max_len} characters.")
    return value


def req_url(body: dict, field: str, required: bool = False) -> str | None:
    value = req_text(body, field, required=required, max_len=2048)
    if value is not None:
        parsed = urlparse(value)
        if parsed.scheme not in ("http", "https") or not parsed.netloc:
            raise invalid(field, f"The '{field}' must be a valid http(s) URL.")
    return value


def req_choice(body: dict, field: str, choices: tuple, default=None):
    value = body.get(field, default)
    if value is None:
        return default
    if value not in choices:
        raise invalid(field, f"The '{field}' must be one of: {', '.join(map(str, choices))}.")
    return value


def req_metadata(body: dict):
    value = body.get("metadata")
    if value is not None and len(json.dumps(value)) > 1024:
        raise invalid("metadata", "The metadata may be at most 1024 bytes of JSON.")
    return value
