"""What a member reads: reminders and pre-notifications in Dutch and English, the reason in plain words
and nothing internal (no payment, customer, mandate or case ids; the mandate reference and the
creditor identifier are SEPA's own, which a pre-notification must name)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..core.models.money import Amount

NL, EN = "nl", "en"
MONTHS = {NL: ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
               "november", "december"),
          EN: ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
               "November", "December")}

#: Why the debit did not go through, as a member would say it.
REASONS = {
    "AM04": ("er stond op de incassodatum niet genoeg saldo op uw rekening",
             "there was not enough money in your account on the collection date"),
    "MD06": ("u heeft uw bank gevraagd de afschrijving terug te boeken",
             "you asked your bank to reverse the debit"),
    "MD01": ("uw bank kende geen machtiging voor deze afschrijving",
             "your bank had no authorisation (mandate) for this debit"),
    "AC04": ("uw bankrekening is opgeheven", "your bank account has been closed"),
    "AC06": ("uw bankrekening is geblokkeerd voor incasso's", "your bank account is blocked for direct debits"),
    "MD07": ("de rekeninghouder is overleden", "the account holder has passed away"),
    "MS02": ("de afschrijving is geweigerd", "the debit was refused"),
    "AG01": ("incasso's zijn op deze rekening niet toegestaan", "direct debits are not allowed on this account"),
    "AC01": ("het rekeningnummer is niet juist", "the account number is not correct"),
    "SL01": ("uw bank blokkeert incasso's van onze vereniging", "your bank blocks direct debits from our association"),
}
UNKNOWN = ("uw bank heeft de afschrijving niet uitgevoerd en gaf geen reden op",
           "your bank did not carry out the debit and gave no reason")


def language_of(locale: str | None) -> str:
    return NL if (locale or "nl").lower().startswith("nl") else EN


def reason_in_words(code: str | None, language: str) -> str:
    nl, en = REASONS.get((code or "").strip().upper(), UNKNOWN)
    return nl if language == NL else en


def month_name(period: str, language: str) -> str:
    year, month = period.split("-")
    return f"{MONTHS[language][int(month) - 1]} {year}"


def money(amount: Amount, language: str) -> str:
    text = amount.formatted_value()
    return f"€ {text.replace('.', ',')}" if language == NL and amount.currency == "EUR" else f"{amount.currency} {text}"


def day(value: date, language: str) -> str:
    return f"{value.day} {MONTHS[language][value.month - 1]} {value.year}"


@dataclass(frozen=True)
class Message:
    """The app's own wording, and the values a site's editable Email Template renders instead."""

    subject: str
    body: str
    context: dict = field(default_factory=dict, compare=False)


def reminder(number: int, name: str, amount: Amount, period: str, reason_code: str, link_url: str,
             new_mandate: bool, association: str, language: str) -> Message:
    """Reminder 1 or 2 for a period's dues, with the link to pay (and sign a new mandate where needed)."""
    reason = reason_in_words(reason_code, language)
    month = month_name(period, language)
    value = money(amount, language)
    if language == NL:
        subject = f"{'Herinnering' if number == 1 else 'Tweede herinnering'}: contributie {month}"
        ask = ("Omdat de machtiging niet meer gebruikt kan worden, vragen we u via de link hieronder te betalen met "
               "iDEAL; daarmee geeft u ook een nieuwe machtiging af voor de volgende maanden."
               if new_mandate else "U kunt het bedrag eenvoudig zelf betalen via de link hieronder.")
        later = "" if number == 1 else "\nBetaalt u niet binnen 14 dagen, dan wordt uw lidmaatschap opgeschort.\n"
        body = (f"Beste {name},\n\nDe contributie van {value} voor {month} kon niet worden afgeschreven: {reason}.\n"
                f"{ask}\n\n{link_url}\n{later}\nMet vriendelijke groet,\n{association}\n")
    else:
        subject = f"{'Reminder' if number == 1 else 'Second reminder'}: membership dues {month}"
        ask = ("Because the mandate can no longer be used, please pay through the link below with iDEAL; this also "
               "sets up a new mandate for the coming months." if new_mandate
               else "You can pay the amount yourself through the link below.")
        later = "" if number == 1 else "\nIf it is not paid within 14 days, your membership will be suspended.\n"
        body = (f"Dear {name},\n\nThe membership dues of {value} for {month} could not be collected: {reason}.\n"
                f"{ask}\n\n{link_url}\n{later}\nKind regards,\n{association}\n")
    return Message(subject, body, {"number": number, "name": name, "amount": value, "month": month, "reason": reason,
                                   "link": link_url, "new_mandate": new_mandate, "association": association})


def pre_notification(name: str, amount: Amount, collection_date: date, mandate_reference: str, creditor_id: str,
                     association: str, contact: str, change: str, language: str) -> Message:
    """The SEPA pre-notification: who collects, on which mandate, how much, when, and how to object."""
    value, when = money(amount, language), day(collection_date, language)
    if language == NL:
        subject = ("Gewijzigd: " if change else "") + f"aankondiging incasso contributie {when}"
        changed = f"Let op: {translate_change(change, NL)} is gewijzigd sinds ons vorige bericht.\n\n" if change else ""
        body = (f"Beste {name},\n\n{changed}Op {when} schrijven wij {value} contributie af van uw rekening.\n\n"
                f"Incassant: {association}\nIncassant-ID: {creditor_id}\nKenmerk machtiging: {mandate_reference}\n\n"
                f"Niet akkoord of iets wijzigen? Neem vóór de incassodatum contact op via {contact}. Na de afschrijving "
                f"kunt u haar binnen 8 weken via uw bank laten terugboeken.\n\nMet vriendelijke groet,\n{association}\n")
    else:
        subject = ("Changed: " if change else "") + f"notice of direct debit for membership dues on {when}"
        changed = f"Please note: the {translate_change(change, EN)} changed since our previous message.\n\n" if change else ""
        body = (f"Dear {name},\n\n{changed}On {when} we will debit {value} in membership dues from your account.\n\n"
                f"Creditor: {association}\nCreditor identifier: {creditor_id}\nMandate reference: {mandate_reference}\n\n"
                f"Do you object, or want to change something? Contact us at {contact} before the collection date. "
                f"After the debit you can have it reversed through your bank within 8 weeks.\n\nKind regards,\n{association}\n")
    return Message(subject, body, {"name": name, "amount": value, "collection_date": when,
                                   "mandate_reference": mandate_reference, "creditor_id": creditor_id,
                                   "association": association, "contact": contact,
                                   "change": translate_change(change, language) if change else ""})


CHANGES = {"amount": ("het bedrag", "amount"), "date": ("de incassodatum", "collection date"),
           "mandate": ("de machtiging", "mandate")}


def translate_change(change: str, language: str) -> str:
    parts = [CHANGES[p][0 if language == NL else 1] for p in change.split(",") if p]
    joiner = " en " if language == NL else " and "
    return joiner.join(parts)
