"""Lazy paging through Mollie's `_links.next`, one page in memory at a time, resumable from a cursor.

`PageIterator.cursor` is the `from` value that restarts the listing at the first item not yet
yielded: store it, and `client.iter_payments(from_=cursor)` continues where a crashed job stopped.
Items are wrapped in their model without parsing; fields parse when read.

A page that says it has items (`count` > 0) but lacks `_embedded.<key>`, and a `_links.next` leading
back to a page already read (which would loop forever), are ResponseParseErrors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, Generic, TypeVar
from urllib.parse import parse_qs, urlsplit

from ..core.errors import ResponseParseError

T = TypeVar("T")
PAGE_LIMIT = 250


class PageIterator(Iterator[T], Generic[T]):
    def __init__(
        self,
        fetch: Callable[[str | None], Any],
        model: Callable[[dict], T],
        embedded_key: str,
    ) -> None:
        self._fetch = fetch  # None: the first page; else the `_links.next` href
        self._model = model
        self._key = embedded_key
        self._items: list[dict] = []
        self._index = 0
        self._next_href: str | None = None
        self._visited: set[str] = set()
        self._started = False
        self._done = False
        self.pages_fetched = 0

    def __iter__(self) -> PageIterator[T]:
        return self

    def __next__(self) -> T:
        try:
            item = self._items[self._index]
        except IndexError:
            while self._index >= len(self._items):
                if self._done:
                    raise StopIteration from None
                self._load(self._next_href if self._started else None)
            item = self._items[self._index]
        self._index += 1
        return self._model(item)

    def _load(self, href: str | None) -> None:
        if href is not None:
            if href in self._visited:
                raise ResponseParseError(
                    f"_links.next leads back to {href}, a page already read: paging would never end",
                    field="_links.next",
                )
            self._visited.add(href)
        page = self._fetch(href)
        self._started = True
        self.pages_fetched += 1
        if not isinstance(page, dict):
            raise ResponseParseError("a list response must be an object", field="_embedded")
        items = self._items_of(page)
        nxt = (page.get("_links") or {}).get("next")
        self._next_href = nxt.get("href") if isinstance(nxt, dict) else None
        self._items, self._index = items, 0
        self._done = self._next_href is None

    def _items_of(self, page: dict) -> list:
        embedded = page.get("_embedded")
        items = embedded.get(self._key) if isinstance(embedded, dict) else None
        if items is None:
            count = page.get("count")
            if isinstance(count, int) and count > 0:
                missing = f"_embedded.{self._key}" if isinstance(embedded, dict) else "_embedded"
                raise ResponseParseError(
                    f"the list response says count={count} but has no {missing}", field=missing
                )
            return []
        if not isinstance(items, list):
            raise ResponseParseError(f"_embedded.{self._key} must be a list", field=f"_embedded.{self._key}")
        return items

    @property
    def cursor(self) -> str | None:
        """`from` value of the first item not yet yielded; None when the listing is exhausted."""
        if self._index < len(self._items):
            item = self._items[self._index]
            return item.get("id") if isinstance(item, dict) else None
        if self._done:
            return None
        if self._next_href is None:
            return None
        values = parse_qs(urlsplit(self._next_href).query).get("from")
        return values[0] if values else None

    @property
    def exhausted(self) -> bool:
        return self._done and self._index >= len(self._items)
