"""Security primitives (framework-free): encryption envelopes, redaction, the audit chain, rotation."""

from .rotation import MollieSecurityManager, RotationReport

__all__ = ["MollieSecurityManager", "RotationReport"]
