"""Outside a site every member message lands in the outbox; one that cannot go out is marked so."""

from __future__ import annotations

from datetime import datetime, timezone

from verenigingen.verenigingen_payments.collection.messages import Message
from verenigingen.verenigingen_payments.collection.postbox import OutboxPostbox
from verenigingen.verenigingen_payments.store.sql.collection_store import SqlCollectionStore

T0 = datetime(2025, 4, 1, 8, tzinfo=timezone.utc)


def test_an_unreachable_member_is_an_exception_and_the_others_still_go_out(sql_engine):
    store = SqlCollectionStore(sql_engine)
    postbox = OutboxPostbox(store, lambda: T0, bounced=frozenset({"Oud@Example.org"}))
    message = Message("Onderwerp", "Tekst")
    assert postbox.send("acc", "reminder_1", "1", None, "nl", message) == ("exception", "no email address")
    assert postbox.send("acc", "reminder_1", "2", "oud@example.org", "nl", message) == ("exception",
                                                                                       "email address bounced")
    assert postbox.send("acc", "reminder_1", "3", "nieuw@example.org", "nl", message) == ("sent", "")
    assert [(m.member_reference, m.kind) for m in store.outbox("acc")] == [
        ("1", "reminder_1 (not sent: no email address)"), ("2", "reminder_1 (not sent: email address bounced)"),
        ("3", "reminder_1")]
