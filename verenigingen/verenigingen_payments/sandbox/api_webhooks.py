"""Next-gen webhook subscriptions (`/v2/webhooks`) and their events (`/v2/events/{id}`)."""

from __future__ import annotations

from .bodies import req_text, req_url
from .clock import iso
from .errors import invalid, not_found
from .ids import random_token
from .render_common import doc_link

EVENT_TYPES = ("payment.paid", "payment.authorized", "payment.failed", "payment.canceled", "payment.expired",
               "payment.pending", "refund.queued", "refund.pending", "refund.processing", "refund.refunded",
               "refund.failed", "refund.canceled", "chargeback.received", "chargeback.reversed",
               "balance-transaction.created")


def render_webhook(api, hook: dict, with_secret: bool = False) -> dict:
    out = {"resource": "webhook", "id": hook["id"], "url": hook["url"], "profileId": api.ctx.profile_id,
           "createdAt": iso(hook["created"]), "name": hook["name"], "eventTypes": hook["eventTypes"],
           "status": hook["status"], "mode": api.ctx.mode,
           "_links": {"self": api.ctx.link(f"/webhooks/{hook['id']}"), "documentation": doc_link("get-webhook")}}
    if with_secret:
        out["webhookSecret"] = hook["secret"]
    return out


def _event_types(body: dict) -> list[str]:
    types = body.get("eventTypes")
    if isinstance(types, str):
        types = [t.strip() for t in types.split(",")]
    if not isinstance(types, list) or not types:
        raise invalid("eventTypes", "The 'eventTypes' must be a non-empty list of event types.")
    if types == ["*"]:
        return list(EVENT_TYPES)
    bad = [t for t in types if t not in EVENT_TYPES]
    if bad:
        raise invalid("eventTypes", f"Unknown event type(s): {', '.join(map(str, bad))}.")
    return types


def _hook(api, ident: str) -> dict:
    for hook in api.world.webhooks:
        if hook["id"] == ident and hook["status"] != "deleted":
            return hook
    raise not_found("webhook", ident)


def webhooks_list(api, req):
    hooks = [h for h in api.world.webhooks if h["status"] != "deleted"]
    index = {h["id"]: i for i, h in enumerate(hooks)}
    return 200, api.page(req, "/webhooks", range(len(hooks)), index.get, lambda i: hooks[i]["id"],
                         lambda i: render_webhook(api, hooks[i]), "webhooks")


def webhook_create(api, req):
    body = api.body(req)
    hook = {"name": req_text(body, "name"), "url": req_url(body, "url", required=True),
            "eventTypes": _event_types(body), "status": "enabled", "created": api.now()}
    with api.world.lock:
        hook["id"] = api.world.codec("hook_").encode(len(api.world.webhooks))
        hook["secret"] = api.options.webhook_secret or random_token("", api.rng, 32)
        api.world.webhooks.append(hook)
    return 201, render_webhook(api, hook, with_secret=True)


def webhook_get(api, req, webhook_id):
    return 200, render_webhook(api, _hook(api, webhook_id))


def webhook_update(api, req, webhook_id):
    hook = _hook(api, webhook_id)
    body = api.body(req)
    with api.world.lock:
        if "name" in body:
            hook["name"] = req_text(body, "name")
        if "url" in body:
            hook["url"] = req_url(body, "url", required=True)
        if "eventTypes" in body:
            hook["eventTypes"] = _event_types(body)
    return 200, render_webhook(api, hook)


def webhook_delete(api, req, webhook_id):
    _hook(api, webhook_id)["status"] = "deleted"
    return 204, None


def webhook_ping(api, req, webhook_id):
    hook = _hook(api, webhook_id)
    api.dispatcher.ping(hook)
    return 202, None


def event_get(api, req, event_id):
    event = api.world.events.get(event_id)
    if event is None:
        raise not_found("event", event_id)
    return 200, event


ROUTES = [
    ("/webhooks", "GET", webhooks_list, True),
    ("/webhooks", "POST", webhook_create, True),
    ("/webhooks/<webhook_id>", "GET", webhook_get, True),
    ("/webhooks/<webhook_id>", "PATCH", webhook_update, True),
    ("/webhooks/<webhook_id>", "DELETE", webhook_delete, True),
    ("/webhooks/<webhook_id>/ping", "POST", webhook_ping, True),
    ("/events/<event_id>", "GET", event_get, True),
]
