"""Helpers for the emulator's own tests: a tiny HTTP client with the emulator's credentials."""

from __future__ import annotations

import pytest
import requests


class Api:
    def __init__(self, emu, token: str) -> None:
        self.emu = emu
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.emu.base_url + path

    def get(self, path: str, **kw) -> requests.Response:
        return self.session.get(self.url(path), timeout=10, **kw)

    def post(self, path: str, json=None, **kw) -> requests.Response:
        return self.session.post(self.url(path), json=json, timeout=10, **kw)

    def patch(self, path: str, json=None, **kw) -> requests.Response:
        return self.session.patch(self.url(path), json=json, timeout=10, **kw)

    def delete(self, path: str, **kw) -> requests.Response:
        return self.session.delete(self.url(path), timeout=10, **kw)

    def all_pages(self, path: str, name: str, limit: int = 250) -> list[dict]:
        """Every item of a list, following `_links.next` (each page is validated by the fixture)."""
        items, url = [], f"{path}{'&' if '?' in path else '?'}limit={limit}"
        while url:
            resp = self.get(url)
            assert resp.status_code == 200, resp.text
            data = resp.json()
            items.extend(data["_embedded"][name])
            assert data["count"] == len(data["_embedded"][name])
            url = (data["_links"]["next"] or {}).get("href")
        return items


@pytest.fixture
def org(emulator) -> Api:
    return Api(emulator, emulator.organization_token)


@pytest.fixture
def key(emulator) -> Api:
    return Api(emulator, emulator.api_key)
