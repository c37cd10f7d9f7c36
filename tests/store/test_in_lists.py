"""IN lists are chunked and padded so that a query has few distinct SQL texts."""

from __future__ import annotations

from verenigingen.verenigingen_payments.store.sql.in_lists import padded_chunks


def test_chunks_hold_every_id_once_and_pad_only_with_the_last_one():
    ids = [f"tr_{i}" for i in range(1300)]
    chunks = list(padded_chunks(ids, 512))
    assert [len(c) for c in chunks] == [512, 512, 512]
    assert [i for c in chunks for i in dict.fromkeys(c)] == ids
    assert chunks[-1][276:] == ["tr_1299"] * 236


def test_any_count_up_to_the_chunk_gives_one_of_a_few_lengths():
    lengths = {len(next(padded_chunks([str(i) for i in range(n)], 512))) for n in range(1, 513)}
    assert lengths == {1, 2, 4, 8, 16, 32, 64, 128, 256, 512}
    assert list(padded_chunks([], 512)) == []
