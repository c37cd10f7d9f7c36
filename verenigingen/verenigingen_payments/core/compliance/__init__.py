"""Compliance primitives (framework-free): IBAN/BIC validation and GDPR export/erasure/retention."""
