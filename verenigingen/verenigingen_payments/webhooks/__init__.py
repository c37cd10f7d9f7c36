"""Mollie webhook ingestion: verification, persist-first ingest, async processing, retry and replay.

Framework-free; the Frappe layer wires the same pieces to its DocType, `frappe.enqueue` and the
scheduler (see docs/ARCHITECTURE.md, "Webhooks").
"""

from .handlers import HandlerRegistry, WebhookEffect
from .ingest import IncomingDelivery, IngestResponse, WebhookIngestService
from .processing import ResourceFetcher, WebhookProcessor
from .recovery import WebhookRecovery
from .rejections import SignatureVerificationError, WebhookRejected
from .retry_policy import RetryPolicy
from .runtime import WebhookRuntime, build_runtime
from .settings import WEBHOOK_PATH, StaticSecrets, WebhookSettings
from .verification import WebhookSecrets, signature_header, verify_classic_secret, verify_signature
from .wsgi import WebhookApp

__all__ = [
    "HandlerRegistry", "WebhookEffect", "IncomingDelivery", "IngestResponse", "WebhookIngestService",
    "ResourceFetcher", "WebhookProcessor", "WebhookRecovery", "SignatureVerificationError",
    "WebhookRejected", "RetryPolicy", "WebhookRuntime", "build_runtime", "WEBHOOK_PATH", "StaticSecrets",
    "WebhookSettings", "WebhookSecrets", "signature_header", "verify_classic_secret", "verify_signature",
    "WebhookApp",
]
