"""What every rendered resource shares: links, the account's ids, and the rendering context."""

from __future__ import annotations

from dataclasses import dataclass

from .store import World

HAL = "application/hal+json"
DOCS = "https://docs.mollie.com/reference/"


@dataclass
class Ctx:
    """Rendering context: the world plus where the emulator is reachable and the account's ids."""

    world: World
    base: str  # "http://127.0.0.1:8765/v2"
    mode: str  # "test" or "live"
    organization_id: str
    profile_id: str
    organization_name: str = "Vereniging De Eendracht"

    def link(self, path: str) -> dict:
        return {"href": self.base + path, "type": HAL}

    def dashboard(self, path: str) -> dict:
        return {"href": f"https://my.mollie.com/dashboard/{self.organization_id}/{path}", "type": "text/html"}


def doc_link(page: str) -> dict:
    return {"href": DOCS + page, "type": "text/html"}
