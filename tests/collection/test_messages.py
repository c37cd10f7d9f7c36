"""Member-facing text: the reason in plain words in Dutch and English, and nothing internal."""

from __future__ import annotations

import re
from datetime import date

import pytest

from verenigingen.verenigingen_payments.collection.messages import (
    EN, NL, language_of, pre_notification, reason_in_words, reminder,
)
from verenigingen.verenigingen_payments.core.models import Amount

INTERNAL = re.compile(r"\b(tr|cst|mdt|sub|chb|re|stl|pl)_[A-Za-z0-9]+|\bAM04\b|\bMD0\d\b|\bAC0\d\b|dues-retry")
LINK = "https://payment-links.mollie.com/payment/AbC123"


@pytest.mark.parametrize("language", [NL, EN])
@pytest.mark.parametrize("code", ["AM04", "MD06", "MD01", "AC04", "AC06", "MD07", "MS02", "MS03", "XX01", ""])
def test_a_reminder_says_why_in_plain_words_and_shows_no_internal_ids(code, language):
    for number in (1, 2):
        message = reminder(number, "Sanne de Vries", Amount.of("12.50", "EUR"), "2025-04", code, LINK,
                           code in ("AC04", "AC06", "MD07"), "Vereniging De Eendracht", language)
        text = message.subject + message.body.replace(LINK, "")
        assert reason_in_words(code, language) in message.body
        assert INTERNAL.search(text) is None, text
        assert LINK in message.body


def test_the_languages_differ_and_follow_the_member_locale():
    nl = reminder(1, "Sanne", Amount.of("12.50", "EUR"), "2025-04", "AM04", LINK, False, "V", NL)
    en = reminder(1, "Sanne", Amount.of("12.50", "EUR"), "2025-04", "AM04", LINK, False, "V", EN)
    assert "€ 12,50" in nl.body and "april 2025" in nl.body and "niet genoeg saldo" in nl.body
    assert "EUR 12.50" in en.body and "April 2025" in en.body and "not enough money" in en.body
    assert (language_of("nl_NL"), language_of("nl_BE"), language_of("en_US"), language_of(None)) == (NL, NL, EN, NL)


def test_a_new_mandate_is_asked_for_only_when_the_old_one_is_dead():
    dead = reminder(1, "S", Amount.of("10.00", "EUR"), "2025-04", "AC04", LINK, True, "V", EN)
    alive = reminder(1, "S", Amount.of("10.00", "EUR"), "2025-04", "MD06", LINK, False, "V", EN)
    assert "new mandate" in dead.body and "new mandate" not in alive.body


def test_the_second_reminder_warns_of_suspension():
    second = reminder(2, "S", Amount.of("10.00", "EUR"), "2025-04", "MS02", LINK, False, "V", NL)
    assert second.subject.startswith("Tweede herinnering") and "opgeschort" in second.body


@pytest.mark.parametrize("language, words", [(NL, ("Incassant-ID", "Kenmerk machtiging", "1 mei 2025", "8 weken")),
                                             (EN, ("Creditor identifier", "Mandate reference", "1 May 2025", "8 weeks"))])
def test_a_pre_notification_names_creditor_mandate_amount_date_and_how_to_object(language, words):
    message = pre_notification("Sanne", Amount.of("12.50", "EUR"), date(2025, 5, 1), "VER-001042",
                               "NL98ZZZ999999999999", "Vereniging De Eendracht", "penningmeester@example.org", "",
                               language)
    for word in (*words, "NL98ZZZ999999999999", "VER-001042", "penningmeester@example.org"):
        assert word in message.body
    changed = pre_notification("Sanne", Amount.of("15.00", "EUR"), date(2025, 5, 2), "VER-001042",
                               "NL98ZZZ999999999999", "V", "c@example.org", "amount,date", language)
    assert changed.subject.startswith(("Gewijzigd", "Changed"))
    assert ("het bedrag en de incassodatum" if language == NL else "amount and collection date") in changed.body
