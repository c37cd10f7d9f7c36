"""Id lists for `column IN (…)`, chunked and padded to a few lengths.

Each length of an IN list is a different SQL text, and SQLite's driver keeps the last 128 prepared
statements per connection: a reconciliation asking for 1 to 500 ids at a time filled that cache
with hundreds of kilobytes of near-identical statements each (about 5 MB on `association-large`).
Padding every chunk to the next power of two (repeating its last id, which changes no result)
leaves at most ten lengths per query, the same technique as Hibernate's
`in_clause_parameter_padding`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

MAX_IDS = 512  # per IN list; MariaDB and SQLite take far more, this keeps each statement small


def padded_chunks(ids: Sequence[str], size: int = MAX_IDS) -> Iterator[list[str]]:
    """`ids` in chunks of at most `size`, each padded to a power of two (at most `size`)."""
    for start in range(0, len(ids), size):
        chunk = list(ids[start:start + size])
        length = min(size, 1 << (len(chunk) - 1).bit_length())
        yield chunk + [chunk[-1]] * (length - len(chunk))
