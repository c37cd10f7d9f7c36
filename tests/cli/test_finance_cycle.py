"""The README's main job, run as finance staff would run it, against the emulator."""

from __future__ import annotations

import io
import re
from decimal import Decimal

from verenigingen.verenigingen_payments.cli import finance_cycle
from verenigingen.verenigingen_payments.cli.cycle_arguments import parse_arguments


def run_cycle(tmp_path, *extra: str) -> tuple[int, str]:
    args = parse_arguments([
        "--store-url", f"sqlite:///{tmp_path / 'store.sqlite3'}", "--report-dir", str(tmp_path / "reports"), *extra,
    ])
    out = io.StringIO()
    return finance_cycle.run(args, out=out), out.getvalue()


def test_the_cycle_prints_the_briefing_every_planted_discrepancy_and_a_perfect_score(tmp_path):
    code, text = run_cycle(tmp_path)
    assert code == 0
    assert re.search(r"\| bal_\w+ \| EUR \| active \| \d+\.\d\d \| \d+\.\d\d \|", text)
    assert "next payout: EUR" in text
    assert re.search(r"\| chb_\w+ \| tr_\w+ \| 2025-\d\d-\d\d \| EUR \d+\.\d\d \| (AC04|AM04|MD06|MS02|MD01): ", text)
    assert "**no**" in text, "the planted settlement that does not add up is shown as such"
    scored = re.findall(r"^\| (\w+) \| 1 \| 1 \| 1\.00 \| 1\.00 \|$", text, re.M)
    assert len(scored) == 6
    reports = list((tmp_path / "reports").glob("finance-cycle-association-small-1-*.md"))
    assert len(reports) == 1 and "Score against the scenario's ground truth" in reports[0].read_text()
    section = text[text.index("## Collections"):]
    assert re.search(r"^Decisions against the ground truth: (\d+) of \1 right — every decision right\.$", section, re.M)
    assert re.search(r"^One charge per member per period: .* 0 keys that created two\); of 40 periods \d+ were "
                     r"charged successfully once and 0 twice — proven\.$", section, re.M)
    assert re.search(r"^Pre-notifications: [1-9]\d* sent, .*[1-9]\d* exceptions", section, re.M)
    assert re.search(r"^\| 2025-04 \| \d+ \| EUR \d+\.\d\d \| EUR \d+\.\d\d \(\d+\) \| \d+\.\d % \|", section, re.M)
    assert "> To: " in section and "Collections" in reports[0].read_text()


def test_a_clean_scenario_adds_up_everywhere(tmp_path):
    code, text = run_cycle(tmp_path, "--clean", "--seed", "7", "--collection-days", "0")
    assert code == 0
    assert "Everything adds up: no discrepancies." in text
    assert "**no**" not in text


def test_a_rerun_of_the_same_day_replaces_the_findings_instead_of_doubling_them(tmp_path):
    run_cycle(tmp_path, "--collection-days", "5")
    code, text = run_cycle(tmp_path, "--collection-days", "5")
    assert code == 0
    assert re.search(r"\*\*completed\*\*, 5 settlements and \d+ balance transactions checked, 6 discrepancies", text)
    first_run_only = re.search(r"^Pre-notifications: (\d+) sent, 1 re-sent after a change", text, re.M)
    assert first_run_only and int(first_run_only.group(1)) > 0, "the rerun starts the emulated account's collections over"


def test_an_unreachable_api_is_one_clear_error_line(tmp_path, capsys):
    code = finance_cycle.main([
        "--base-url", "http://127.0.0.1:9/v2", "--api-key", "test_" + "x" * 30,
        "--organization-token", "access_" + "y" * 30, "--report-dir", str(tmp_path),
        "--store-url", f"sqlite:///{tmp_path / 's.sqlite3'}",
    ])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("finance-cycle: ") and "x" * 30 not in err and "y" * 30 not in err


def test_a_period_ending_today_notes_the_open_settlement_as_pending_and_shows_pending_and_available(tmp_path):
    """The default period ends today (the emulator's clock): the open settlement is part of it."""
    code, text = run_cycle(tmp_path, "--clean", "--seed", "7", "--from", "2025-03-01", "--until", "2025-03-29",
                           "--collection-days", "0")
    assert code == 0
    assert "today is 2025-03-28" in text and "Reconciling 2025-03-01 – 2025-03-29" in text
    assert re.search(r"^\| open \| open \| — \| — \| — \| — \| — \| EUR \d+\.\d\d \| pending \| 0 \|$", text, re.M)
    assert "Everything adds up: no discrepancies." in text and "**no**" not in text
    assert re.search(r"^- EUR: pending \d+\.\d\d, available \d+\.\d\d$", text, re.M)
    assert re.search(r"^\| bal_\w+ \| EUR \| \d+\.\d\d \| \d+\.\d\d \|$", text, re.M)
    assert re.search(r"^Pending: \d+ paid payments \(EUR \d+\.\d\d\) not yet due in a closed settlement\.$", text, re.M)
    assert "| settlement | reference | status | settled | captures | amount |" in text
    assert "| captures | reversals |" in text


def test_with_mollies_real_flows_a_period_ending_today_shows_both_currencies_and_captures_and_stays_quiet(tmp_path):
    """Flows "real" (a GBP balance, manual captures, holds …), the default period ending today."""
    code, text = run_cycle(tmp_path, "--scenario", "association-small-real", "--clean", "--seed", "3",
                           "--collection-days", "0")
    assert code == 0
    assert "today is 2025-03-28" in text and re.search(r"Reconciling 2025-01-01 – 2025-03-29 ", text)
    pending = re.search(r"^- EUR: pending (\d+\.\d\d), available \d+\.\d\d$", text, re.M)
    assert pending and Decimal(pending.group(1)) > 0, "held funds are pending on a real account"
    assert re.search(r"^\| bal_\w+ \| EUR \| [1-9]\d*\.\d\d \| \d+\.\d\d \|$", text, re.M)
    assert re.search(r"^- GBP: pending \d+\.\d\d, available [1-9]\d*\.\d\d$", text, re.M)
    assert re.search(r"^\| bal_\w+ \| GBP \| \d+\.\d\d \| \d+\.\d\d \|$", text, re.M)
    assert re.search(r"^\| stl_\w+ \| \S+ \| \w+ \| [\d-]+ \| EUR \d+\.\d\d \(\d+\) \| EUR ", text, re.M), \
        "the briefing shows a settlement's captures"
    assert re.search(r"^\| stl_\w+ \| paidout \| EUR \d+\.\d\d \| EUR \d+\.\d\d \([1-9]\d*\) \|", text, re.M), \
        "the reconciliation's settlement table shows captures"
    assert re.search(r"^\| stl_\w+ \| paidout \| GBP ", text, re.M), "the GBP settlements are reconciled too"
    assert re.search(r"^\| open \| open \| — \| — \| — \| — \| — \| EUR \d+\.\d\d \| pending \| 0 \|$", text, re.M)
    assert "Everything adds up: no discrepancies." in text and "**no**" not in text


def test_the_cycle_matches_payouts_at_the_bank_and_scores_every_bank_side_kind(tmp_path):
    code, text = run_cycle(tmp_path, "--seed", "2")
    assert code == 0
    section = text[text.index("## Payouts at the bank"):]
    scored = re.findall(r"^\| (\w+) \| 1 \| 1 \| 1 \| 1\.00 \| 1\.00 \|$", section, re.M)
    assert sorted(scored) == sorted(["payout_not_at_bank", "payout_amount_differs", "credit_without_settlement",
                                     "payout_returned_by_bank", "credit_booked_twice"])
    assert re.search(r"^\| 2025-0\d \| \d+\.\d\d \| \d+\.\d\d \| -\d+\.\d\d \| \d+\.\d\d \| \d+\.\d\d \| -?\d+\.\d\d \| 0\.00 \|$",
                     section, re.M)
    exported = list((tmp_path / "reports").glob("mollie-bal_*.xml"))
    assert len(exported) == 1 and "Mollie as a bank account" in section


def test_a_bank_statement_given_as_a_file_is_used_instead_of_the_scenarios_own(tmp_path):
    from verenigingen.verenigingen_payments.bank.mt940_writer import mt940_text
    from verenigingen.verenigingen_payments.sandbox import MollieEmulator

    with MollieEmulator("association-small", seed=7, discrepancies=False) as emu:
        name, _ = emu.control.bank_statement("camt053")
        bank = emu.app.association_bank
        statement = bank.statement(bank.first_day(), bank.today())
    path = tmp_path / "ing-export.sta"
    path.write_text(mt940_text([statement]))
    code, text = run_cycle(tmp_path, "--clean", "--seed", "7", "--bank-statement", str(path))
    assert code == 0
    section = text[text.index("## Payouts at the bank"):]
    assert "ing-export.sta" in text and "### Findings (0)" in section
    assert "Scored against" not in section, "a statement from outside has no ground truth"


def test_a_bank_statement_that_cannot_be_read_is_refused_before_anything_runs(tmp_path, capsys):
    path = tmp_path / "afschrift.xml"
    path.write_text("<Document xmlns='urn:iso:std:iso:20022:tech:xsd:camt.053.001.04'/>")
    code = finance_cycle.main(["--bank-statement", str(path), "--report-dir", str(tmp_path / "r"),
                               "--store-url", f"sqlite:///{tmp_path / 's.sqlite3'}"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert "afschrift.xml: line 1: camt.053.001.04 is not supported" in err
    assert not (tmp_path / "r").exists()
