"""The scenario's people and the texts Mollie shows of them: names, IBANs, payment descriptions."""

from __future__ import annotations

from datetime import datetime

from .clock import AMSTERDAM

FIRST = ("Jan", "Els", "Pieter", "Anna", "Kees", "Sanne", "Willem", "Fleur", "Daan", "Noor", "Bram", "Lotte")
LAST = ("de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder", "Bos", "Vos")
DUTCH_MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september",
                "oktober", "november", "december")


def member_name(member: int) -> str:
    return f"{FIRST[member % len(FIRST)]} {LAST[(member // len(FIRST)) % len(LAST)]}"


def customer_name(world, customer: int) -> str:
    extra = world.tables["customers"].extras.get(customer)
    if extra is not None and extra.get("name"):
        return extra["name"]
    return member_name(world.tables["customers"]["member"][customer])


def iban(member: int) -> str:
    return f"NL{(member % 89) + 10:02d}INGB{member:010d}"


def payment_description(world, row: int) -> str:
    p = world.payments
    extra = p.extras.get(row)
    if extra and "description" in extra:
        return extra["description"]
    when = datetime.fromtimestamp(p["created"][row], AMSTERDAM)
    return f"Contributie {DUTCH_MONTHS[when.month - 1]} {when.year} lid {p['member'][row] + 1001}"
