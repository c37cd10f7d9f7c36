"""What a delivery says, once authenticated: the classic form id or the next-gen event.

The body is only an address (which resource, which event): the effect is decided later from the
resource as fetched from Mollie. Any field that cannot be read is a rejection naming it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from urllib.parse import parse_qs

from dateutil.parser import isoparse

from .rejections import WebhookRejected
from .resource_ids import is_mollie_id, resource_type_of

PING_EVENT_TYPE = "webhook.ping"
CLASSIC = "classic"
NEXT_GEN = "next-gen"

# Fields of an embedded entity that name its parent (needed to address refunds, chargebacks,
# subscriptions); only used to build the fetch URL, never trusted for the effect.
_PARENT_FIELDS = ("paymentId", "customerId")
# What fits the log's columns (webhook_id, dedupe_key, event_type); Mollie's are far shorter.
_EVENT_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")
_EVENT_TYPE = re.compile(r"[A-Za-z0-9_.-]{1,64}")


@dataclass(frozen=True)
class DeliveredReference:
    resource_type: str
    resource_id: str
    event_id: str | None = None
    event_type: str | None = None
    created_at: datetime | None = None
    parent_id: str | None = None

    @property
    def is_ping(self) -> bool:
        return self.event_type == PING_EVENT_TYPE


def parse_classic_form(raw_body: bytes) -> DeliveredReference:
    try:
        form = parse_qs(raw_body.decode("utf-8"), keep_blank_values=True, strict_parsing=bool(raw_body))
    except (UnicodeDecodeError, ValueError) as exc:
        raise WebhookRejected("malformed_id", "the form body cannot be read") from exc
    values = form.get("id", [])
    if len(values) > 1:
        raise WebhookRejected("malformed_id", "the form carries more than one id")
    resource_id = values[0] if values else None
    return DeliveredReference(resource_type_of(resource_id), resource_id)


def parse_event(raw_body: bytes) -> DeliveredReference:
    try:
        event = json.loads(raw_body)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:  # RecursionError: nested too deeply
        raise WebhookRejected("malformed_json", "the body is not valid JSON") from exc
    if not isinstance(event, dict):
        raise WebhookRejected("invalid_event", "the event is not a JSON object")
    event_id = _shaped_str(event, "id", _EVENT_ID)
    event_type = _shaped_str(event, "type", _EVENT_TYPE)
    if event_type == PING_EVENT_TYPE:  # `register`/`ping` test: nothing to fetch or apply
        entity = event.get("entityId")
        return DeliveredReference("webhook", entity if is_mollie_id(entity) else "", event_id, event_type)
    created_at = _timestamp(event, "createdAt")
    entity_id = event.get("entityId")
    resource_type = resource_type_of(entity_id, "entityId")
    return DeliveredReference(
        resource_type, entity_id, event_id, event_type, created_at, _parent_id(event)
    )


def _required_str(event: dict, field: str) -> str:
    value = event.get(field)
    if not isinstance(value, str) or not value:
        raise WebhookRejected("invalid_event", f"the event has no {field}")
    return value


def _shaped_str(event: dict, field: str, shape: re.Pattern) -> str:
    value = _required_str(event, field)
    if shape.fullmatch(value) is None:
        raise WebhookRejected("invalid_event", f"the event's {field} is not of the form {shape.pattern}")
    return value


def _timestamp(event: dict, field: str) -> datetime:
    raw = _required_str(event, field)
    try:
        value = isoparse(raw)
    except (ValueError, OverflowError) as exc:
        raise WebhookRejected("invalid_event", f"cannot parse {field}: {raw!r}") from exc
    if value.tzinfo is None:
        raise WebhookRejected("invalid_event", f"{field} has no timezone: {raw!r}")
    try:
        return value.astimezone(timezone.utc)
    except OverflowError as exc:  # 9999-12-31T23:00-01:00 is past the year 9999 in UTC
        raise WebhookRejected("invalid_event", f"{field} is out of range in UTC: {raw!r}") from exc


def _parent_id(event: dict) -> str | None:
    entity = (event.get("_embedded") or {}).get("entity") if isinstance(event.get("_embedded"), dict) else None
    if not isinstance(entity, dict):
        return None
    for name in _PARENT_FIELDS:
        value = entity.get(name)
        if value is None or value == "":
            continue
        if not is_mollie_id(value):
            raise WebhookRejected("invalid_event", f"the event's _embedded.entity.{name} is not a Mollie id")
        return value
    return None
