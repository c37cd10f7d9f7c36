"""The association's bank account on the control surface (`/_sandbox/bank/…`) and its client methods.

- `GET  /bank/account`: the account's IBAN, name and BIC, and Mollie's payout account;
- `POST /bank/statement` `{"format": "camt053"|"mt940", "from": day, "until": day}`: the statement
  file for [from, until] (default: the scenario's first day up to today) as `{"filename", "content"}`;
- `GET  /bank/ground-truth`: the bank-side kinds planted or made by the calls below;
- `POST /bank/return-payout` `{"id": "stl_…", "reason": "AC04"}`: the bank credits the payout, then
  returns it; `POST /bank/delay-payout` `{"id": "stl_…", "business_days": 3}`: the bank books it later.
"""

from __future__ import annotations

import random
from datetime import date, datetime, timezone

from ..bank.camt053_writer import camt053_bytes
from ..bank.mt940_writer import mt940_text
from .bank_account import ACCOUNT_NAME, BANK_BIC, MOLLIE_BIC, MOLLIE_IBAN, MOLLIE_NAME, AssociationBank
from .bank_planting import bank_ground_truth, delay_payout, plant_bank_discrepancies, return_payout
from .resource_ids import find_settlement

FORMATS = ("camt053", "mt940")


def association_bank(app) -> AssociationBank:
    """The app's bank account, planted on first use from the scenario's seed (same seed, same plants)."""
    bank = getattr(app, "association_bank", None)
    if bank is None:
        bank = AssociationBank.for_world(app.world, app.ctx)
        if app.options.discrepancies:
            per_kind = 3 if app.options.scenario.startswith("association-large") else 1
            plant_bank_discrepancies(bank, random.Random(f"bank-plants:{app.options.scenario}:{app.options.seed}"),
                                     per_kind)
        app.association_bank = bank
    return bank


def bank_routes(app) -> dict:
    def locked(fn):
        def run(body):
            with app.world.lock:
                return fn(association_bank(app), body)
        return run

    return {
        ("GET", "/bank/account"): locked(_account),
        ("POST", "/bank/statement"): locked(_statement),
        ("GET", "/bank/ground-truth"): locked(lambda bank, _body: bank_ground_truth(bank)),
        ("POST", "/bank/return-payout"): locked(lambda bank, body: return_payout(
            bank, _paid_out(bank, body), str(body.get("reason", "AC04")))),
        ("POST", "/bank/delay-payout"): locked(lambda bank, body: delay_payout(
            bank, _paid_out(bank, body), int(body.get("business_days", 3)))),
    }


def _account(bank: AssociationBank, _body) -> dict:
    return {"iban": bank.iban, "name": ACCOUNT_NAME, "bic": BANK_BIC, "currency": "EUR",
            "mollie_iban": MOLLIE_IBAN, "mollie_name": MOLLIE_NAME, "mollie_bic": MOLLIE_BIC}


def _statement(bank: AssociationBank, body: dict) -> dict:
    fmt = body.get("format", "camt053")
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}")
    first = date.fromisoformat(body["from"]) if body.get("from") else bank.first_day()
    last = date.fromisoformat(body["until"]) if body.get("until") else bank.today()
    if last < first:
        raise ValueError("until is before from")
    statement = bank.statement(first, min(last, bank.today()))
    name = f"{bank.iban}_{statement.from_date:%Y%m%d}_{statement.to_date:%Y%m%d}"
    if fmt == "mt940":
        return {"filename": name + ".sta", "content": mt940_text([statement], MOLLIE_BIC)}
    created = datetime.combine(statement.to_date, datetime.min.time(), timezone.utc).replace(hour=23, minute=59)
    data = camt053_bytes([statement], f"{statement.statement_id}", created, BANK_BIC)
    return {"filename": name + ".xml", "content": data.decode("utf-8")}


def _paid_out(bank: AssociationBank, body: dict):
    s = find_settlement(bank.world, body.get("id"))
    if s is None or s not in bank.paid_out():
        raise ValueError(f"settlement {body.get('id')} has no payout at the bank")
    return s


class BankControlMethods:
    """Mixed into the emulator's ControlClient (`emu.control.bank_statement(...)` …)."""

    def bank_account(self) -> dict:
        return self._call("GET", "/bank/account")

    def bank_statement(self, format: str = "camt053", from_date: date | None = None,
                       until: date | None = None) -> tuple[str, bytes]:
        """(file name, bytes) of the association's statement for [from_date, until]."""
        body = {"format": format, "from": from_date and from_date.isoformat(), "until": until and until.isoformat()}
        answer = self._call("POST", "/bank/statement", body)
        return answer["filename"], answer["content"].encode("utf-8")

    def bank_ground_truth(self) -> list[dict]:
        return self._call("GET", "/bank/ground-truth")

    def return_payout_at_bank(self, settlement_id: str, reason: str = "AC04") -> dict:
        return self._call("POST", "/bank/return-payout", {"id": settlement_id, "reason": reason})

    def delay_payout_at_bank(self, settlement_id: str, business_days: int = 3) -> dict:
        return self._call("POST", "/bank/delay-payout", {"id": settlement_id, "business_days": business_days})
