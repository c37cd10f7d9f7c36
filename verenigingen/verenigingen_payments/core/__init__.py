"""Framework-free core: models, errors, resilience, security and compliance primitives."""
