"""Where member messages go. Outside a site: the outbox table, which the main job prints. A member
without an email address, or with one that bounced, is an exception for staff, never a silent skip."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Protocol

from .messages import Message
from .store import EXCEPTION, SENT, CollectionStore, OutboxMessage


class Postbox(Protocol):
    def send(self, account: str, kind: str, member_reference: str, recipient: str | None, language: str,
             message: Message) -> tuple[str, str]:
        """(SENT or EXCEPTION, why when an exception)."""

    def undeliverable(self, recipient: str | None) -> str:
        """Why a message to `recipient` cannot go out ("" when it can)."""


def undeliverable(recipient: str | None, bounced: frozenset[str]) -> str:
    if not recipient:
        return "no email address"
    if recipient.lower() in bounced:
        return "email address bounced"
    return ""


class OutboxPostbox:
    def __init__(self, store: CollectionStore, clock: Callable[[], datetime],
                 bounced: frozenset[str] = frozenset()) -> None:
        self._store, self._clock, self._bounced = store, clock, frozenset(b.lower() for b in bounced)

    def undeliverable(self, recipient: str | None) -> str:
        return undeliverable(recipient, self._bounced)

    def send(self, account: str, kind: str, member_reference: str, recipient: str | None, language: str,
             message: Message) -> tuple[str, str]:
        why = undeliverable(recipient, self._bounced)
        self._store.add_message(OutboxMessage(account, kind if not why else f"{kind} (not sent: {why})",
                                              member_reference, recipient or "", language, message.subject,
                                              message.body, self._clock()))
        return (EXCEPTION, why) if why else (SENT, "")
