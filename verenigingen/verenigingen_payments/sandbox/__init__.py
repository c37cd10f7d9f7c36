"""A stateful emulator of Mollie's API v2, held to Mollie's OpenAPI description.

    from verenigingen.verenigingen_payments.sandbox import MollieEmulator
    with MollieEmulator(scenario="association-small", seed=1) as emu:
        emu.base_url, emu.api_key, emu.organization_token, emu.control

or `python -m verenigingen.verenigingen_payments.sandbox --port 8765 --scenario association-small`.
See README.md in this package for the scenarios, the planted discrepancies and how each one shows
in the API data, the control surface, and the choices made where Mollie's documentation is silent.
"""

from .planting import KINDS as DISCREPANCY_KINDS
from .scenario import SCENARIOS
from .server import ControlClient, MollieEmulator

__all__ = ["MollieEmulator", "ControlClient", "SCENARIOS", "DISCREPANCY_KINDS"]
