"""Pytest fixtures for the Mollie emulator (owned by the sandbox work)."""
