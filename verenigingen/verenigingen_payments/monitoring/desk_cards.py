"""What a workspace number card shows: a short text, linked to the list behind it, and under it in
smaller type what qualifies it (a total missing an account, the oldest waiting delivery …).

Frappe v15 shows the string a Custom card's method returns as HTML, as is (a number or a dict would
be shortened and formatted as a number, and a dict's `route` works only with a number). So a card
that says "3 waiting · oldest 2 h" or "not synced yet" and opens its list is one escaped text in an
anchor to the desk route; the list view turns the query string into filters (a JSON array value
such as `["in", [...]]` becomes that filter)."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote, urlencode

NO_ACCOUNT = "no Mollie account yet"
NOTE_STYLE = "font-size: var(--text-base); font-weight: 400; margin-top: 4px"


@dataclass(frozen=True)
class ListLink:
    """The desk list of a DocType (or a query report) with the filters the list applies."""

    target: str
    report: bool = False
    filters: tuple[tuple[str, object], ...] = ()

    def href(self) -> str:
        if self.report:
            path = f"/app/query-report/{quote(self.target)}"
        else:
            path = "/app/" + quote(self.target.lower().replace(" ", "-"))
        query = urlencode([(field, json.dumps(value) if isinstance(value, (list, tuple)) else str(value))
                           for field, value in self.filters])
        return f"{path}?{query}" if query else path


@dataclass(frozen=True)
class DeskCard:
    text: str
    link: ListLink | None = None
    note: str | None = None

    def html(self) -> str:
        out = html.escape(self.text)
        if self.link is not None:
            out = f'<a href="{html.escape(self.link.href())}" style="color: inherit">{out}</a>'
        if self.note:
            out += f'<div style="{NOTE_STYLE}">{html.escape(self.note)}</div>'
        return out


def joined(*parts: str | None) -> str | None:
    """The parts that are there, as one note; None when none is."""
    return " · ".join(p for p in parts if p) or None


def partial(missing: tuple[str, ...], means: str = "not read") -> str | None:
    return f"partial: {', '.join(missing)} {means}" if missing else None


def plural(count: int, one: str, many: str | None = None) -> str:
    return f"{count} {one if count == 1 else (many or one + 's')}"


def age_text(age: timedelta) -> str:
    """A short age: `40 s`, `12 min`, `3 h 5 min`, `2 d 4 h`."""
    seconds = max(int(age.total_seconds()), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min" if minutes else f"{seconds} s"
