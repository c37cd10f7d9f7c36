"""Mollie's balance as a CAMT.053 statement, exported over HTTP from the emulator: schema-valid,
opening and closing as Mollie's balance report, the same bytes twice, fees with their VAT apart as
the settlements' costs have them."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

import pytest
from lxml import etree

from verenigingen.verenigingen_payments.bank.camt_schema import safe_parser, schema_errors
from verenigingen.verenigingen_payments.bank.statement_file import read_statement_bytes
from verenigingen.verenigingen_payments.clients import BalancesClient, MollieConfig, SettlementsClient
from verenigingen.verenigingen_payments.workflows.mollie_statement.entries import fee_split
from verenigingen.verenigingen_payments.workflows.mollie_statement.export import export_mollie_statement
from verenigingen.verenigingen_payments.workflows.reconciliation.mollie_inputs import report_from

FEBRUARY = (date(2025, 2, 1), date(2025, 3, 1))


def _config(emu) -> MollieConfig:
    return MollieConfig(api_key=emu.api_key, organization_token=emu.organization_token, base_url=emu.base_url,
                        account="export-test")


@pytest.mark.parametrize("scenario", ["association-small", "association-small-real"])
def test_the_export_is_schema_valid_opens_and_closes_as_mollies_report_and_is_the_same_twice(emulator_factory,
                                                                                            scenario):
    emu = emulator_factory(scenario=scenario, seed=2)
    config = _config(emu)
    exported = export_mollie_statement(config, *FEBRUARY)
    assert schema_errors(etree.fromstring(exported.data, safe_parser()), "camt.053.001.02") == []
    assert export_mollie_statement(config, *FEBRUARY).data == exported.data
    balance = BalancesClient(config).get_primary_balance()
    report = report_from(BalancesClient(config).get_report(balance.id, *FEBRUARY), "EUR")
    [read] = read_statement_bytes(exported.data, exported.filename, expect_iban=balance.id)
    assert read.opening == report.open_available.value + report.open_pending.value
    assert read.closing == report.close_available.value + report.close_pending.value
    kinds = {line.remittance.split()[0] for line in read.lines}
    assert {"Betaling", "Mollie", "Btw", "Uitbetaling", "Chargeback"} <= kinds
    if scenario.endswith("-real"):
        assert "Factuur" in kinds


def test_each_payment_is_gross_and_the_fee_vat_equals_the_settlements_costs_vat(emulator_factory):
    emu = emulator_factory(seed=3, discrepancies=False)
    config = _config(emu)
    balance = BalancesClient(config).get_primary_balance()
    fee_vat_of = {}
    for tx in BalancesClient(config).iter_transactions(balance.id):
        if str(tx.type) == "payment":
            fee_vat_of[tx.context["payment"]["paymentId"]] = fee_split(-tx.deductions.value)[1]
    settlements = [s for s in SettlementsClient(config).iter_settlements() if str(s.status) == "paidout"]
    for s in settlements:
        ours = sum((fee_vat_of[p.id] for p in SettlementsClient(config).iter_payments(s.id)), Decimal(0))
        theirs = sum((Decimal(c["amountVat"]["value"]) for months in s.periods.values() for period in months.values()
                      for c in period["costs"] if c.get("method")), Decimal(0))
        assert ours == theirs, s.id
    exported = export_mollie_statement(config, *FEBRUARY)
    per_day = defaultdict(Decimal)
    for line in exported.statement.lines:
        if line.entry_ref.startswith("vat-"):
            per_day[line.booking_date] -= line.amount
    assert sum(per_day.values()) == sum(
        (v for k, v in fee_vat_of.items()), Decimal(0)) - _vat_outside(config, balance.id, fee_vat_of)


def _vat_outside(config, balance_id: str, fee_vat_of: dict) -> Decimal:
    """VAT of payment transactions outside February (the export holds February's only)."""
    from verenigingen.verenigingen_payments.core.calendar import amsterdam_day

    outside = Decimal(0)
    for tx in BalancesClient(config).iter_transactions(balance_id):
        if str(tx.type) == "payment" and not FEBRUARY[0] <= amsterdam_day(tx.created_at) < FEBRUARY[1]:
            outside += fee_vat_of[tx.context["payment"]["paymentId"]]
    return outside
