"""The response examples of Mollie's OpenAPI description, paired with the model that must read them."""

from __future__ import annotations

from pathlib import Path

import yaml

from verenigingen.verenigingen_payments.clients import Webhook
from verenigingen.verenigingen_payments.core import models as m

# path template -> (model, embedded key of its list form)
MODEL_BY_PATH = {
    "/v2/balances": (m.Balance, "balances"),
    "/v2/balances/{balanceId}": (m.Balance, None),
    "/v2/balances/primary": (m.Balance, None),
    "/v2/balances/{balanceId}/report": (m.BalanceReport, None),
    "/v2/balances/{balanceId}/transactions": (m.BalanceTransaction, "balance_transactions"),
    "/v2/settlements": (m.Settlement, "settlements"),
    "/v2/settlements/{settlementId}": (m.Settlement, None),
    "/v2/settlements/open": (m.Settlement, None),
    "/v2/settlements/next": (m.Settlement, None),
    "/v2/settlements/{settlementId}/payments": (m.Payment, "payments"),
    "/v2/settlements/{settlementId}/refunds": (m.Refund, "refunds"),
    "/v2/settlements/{settlementId}/chargebacks": (m.Chargeback, "chargebacks"),
    "/v2/settlements/{settlementId}/captures": (m.Capture, "captures"),
    "/v2/invoices": (m.Invoice, "invoices"),
    "/v2/invoices/{invoiceId}": (m.Invoice, None),
    "/v2/organizations/{organizationId}": (m.Organization, None),
    "/v2/organizations/me": (m.Organization, None),
    "/v2/payments": (m.Payment, "payments"),
    "/v2/payments/{paymentId}": (m.Payment, None),
    "/v2/payments/{paymentId}/refunds": (m.Refund, "refunds"),
    "/v2/payments/{paymentId}/refunds/{refundId}": (m.Refund, None),
    "/v2/refunds": (m.Refund, "refunds"),
    "/v2/payments/{paymentId}/chargebacks": (m.Chargeback, "chargebacks"),
    "/v2/payments/{paymentId}/chargebacks/{chargebackId}": (m.Chargeback, None),
    "/v2/chargebacks": (m.Chargeback, "chargebacks"),
    "/v2/payments/{paymentId}/captures": (m.Capture, "captures"),
    "/v2/payments/{paymentId}/captures/{captureId}": (m.Capture, None),
    "/v2/customers": (m.Customer, "customers"),
    "/v2/customers/{customerId}": (m.Customer, None),
    "/v2/customers/{customerId}/payments": (m.Payment, "payments"),
    "/v2/customers/{customerId}/mandates": (m.Mandate, "mandates"),
    "/v2/customers/{customerId}/mandates/{mandateId}": (m.Mandate, None),
    "/v2/customers/{customerId}/subscriptions": (m.Subscription, "subscriptions"),
    "/v2/customers/{customerId}/subscriptions/{subscriptionId}": (m.Subscription, None),
    "/v2/subscriptions": (m.Subscription, "subscriptions"),
    "/v2/customers/{customerId}/subscriptions/{subscriptionId}/payments": (m.Payment, "payments"),
    "/v2/webhooks": (Webhook, "webhooks"),
    "/v2/webhooks/{webhookId}": (Webhook, None),
}


class _SpecLoader(yaml.SafeLoader):
    """Keeps dates as strings, as Mollie sends them (see shared/mollie/SOURCE.md)."""


_SpecLoader.yaml_implicit_resolvers = {
    key: [r for r in resolvers if r[0] != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load_spec(path: Path) -> dict:
    with open(path) as fh:
        return yaml.load(fh, Loader=_SpecLoader)


def _success_responses(spec: dict, path: str):
    """(method, response) for every 2xx response of `path`, shared `$ref` responses resolved."""
    for method, operation in spec["paths"].get(path, {}).items():
        if not isinstance(operation, dict):
            continue
        for status, response in (operation.get("responses") or {}).items():
            if str(status).startswith("2"):
                yield method, _resolve(spec, response)


def _resolve(spec: dict, node: dict) -> dict:
    while isinstance(node, dict) and "$ref" in node:
        section, name = node["$ref"].split("/")[-2:]
        node = spec["components"][section][name]
    return node


def _schema_part(spec: dict, schema: dict, want: str) -> set | dict:
    """`required` names (want="required") or `properties` (want="properties"), through `allOf`."""
    schema = _resolve(spec, schema)
    if want == "required":
        found: set | dict = set(schema.get("required", ()))
    else:
        found = dict(schema.get("properties", {}))
    for part in schema.get("allOf", ()):
        found |= _schema_part(spec, part, want)
    return found


def required_by_model(spec: dict) -> dict[type, frozenset[str]]:
    """The fields every 2xx response that returns a model's resource requires (lists: per item)."""
    required: dict[type, frozenset[str]] = {}
    for path, (model, embedded) in MODEL_BY_PATH.items():
        for method, response in _success_responses(spec, path):
            schema = ((response.get("content") or {}).get("application/hal+json") or {}).get("schema")
            if schema is None:
                continue
            if embedded and method == "get":
                listing = _schema_part(spec, schema, "properties")["_embedded"]
                schema = _schema_part(spec, listing, "properties")[embedded]["items"]
            names = frozenset(_schema_part(spec, schema, "required"))
            required[model] = required[model] & names if model in required else names
    return required


def response_examples(spec: dict):
    """Yield (case id, model, object dict) for every 2xx example of a path we model."""
    for path, (model, embedded) in MODEL_BY_PATH.items():
        for method, response in _success_responses(spec, path):
            content = (response.get("content") or {}).get("application/hal+json") or {}
            for name, example in (content.get("examples") or {}).items():
                value = _resolve(spec, example).get("value")
                if not isinstance(value, dict):
                    continue
                items = (
                    (value.get("_embedded") or {}).get(embedded, [])
                    if embedded and method == "get" and "_embedded" in value and "count" in value
                    else [value]
                )
                for index, item in enumerate(items):
                    yield f"{method.upper()} {path} {name}[{index}]", model, item
