"""Mollie's cursor pagination: `from` (an id, inclusive), `limit` 1-250 (default 50), newest first.

The rows of a list are an ascending sequence of row numbers (creation order). A page starts at
the cursor's position and walks towards older rows; `next` names the first row of the next page,
`previous` the first row of the page before. New rows are only ever appended at the newest end,
so a cursor keeps pointing at the same place while rows are inserted (stable under inserts).
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Callable, Sequence
from urllib.parse import urlencode

from .errors import ApiError
from .render_common import HAL, doc_link

MAX_LIMIT = 250
DEFAULT_LIMIT = 50


def parse_limit(args) -> int:
    raw = args.get("limit")
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_LIMIT:
        raise ApiError(400, f"The limit must be a number between 1 and {MAX_LIMIT}.", field="limit")
    return int(raw)


def paginate(base: str, path: str, args, rows: Sequence[int], decode: Callable[[str], int | None],
             encode: Callable[[int], str], render: Callable[[int], dict], name: str, keep: tuple = ()) -> dict:
    """One page of `rows` as Mollie's list object (`count`, `_embedded.<name>`, `_links`)."""
    limit = parse_limit(args)
    ascending = args.get("sort") == "asc"
    if args.get("sort") not in (None, "", "asc", "desc"):
        raise ApiError(400, "The sort must be 'asc' or 'desc'.", field="sort")
    n = len(rows)
    cursor = args.get("from")
    if cursor:
        row = decode(cursor)
        pos = bisect_left(rows, row) if row is not None else n
        if pos >= n or rows[pos] != row:
            raise ApiError(400, f"The cursor {cursor} does not refer to an item of this list.", field="from")
    else:
        pos = 0 if ascending else n - 1
    step = 1 if ascending else -1
    positions = range(pos, min(pos + limit, n), 1) if ascending else range(pos, max(pos - limit, -1), -1)
    items = [render(rows[i]) for i in positions]
    extra = [(k, args[k]) for k in keep if args.get(k)]

    def href(at: int) -> dict:
        query = urlencode([("from", encode(rows[at])), ("limit", str(limit))] + extra)
        return {"href": f"{base}{path}?{query}", "type": HAL}

    nxt = pos + step * limit
    prev = pos - step * limit
    has_next = 0 <= nxt < n and n > 0
    if ascending:
        previous = href(max(prev, 0)) if pos > 0 and n else None
    else:
        previous = href(min(prev, n - 1)) if n and pos < n - 1 else None
    self_query = urlencode(([("from", cursor)] if cursor else []) + [("limit", str(limit))] + extra)
    return {
        "count": len(items),
        "_embedded": {name: items},
        "_links": {"self": {"href": f"{base}{path}?{self_query}", "type": HAL},
                   "previous": previous, "next": href(nxt) if has_next else None,
                   "documentation": doc_link("pagination")},
    }
