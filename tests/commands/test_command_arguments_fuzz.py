"""Every option of every `bench … mollie` command goes through commands/checks.py (or is a flag or a
fixed choice), and any argument list — well-formed values, hostile ones (control characters, bytes
the terminal could not decode, over-long, trailing newlines), unknown options — ends either as a usage
error (exit 2, no traceback, naming the option when a value was outside its limits) before the site
is bound, or at the site (importing Frappe, which this test makes fail). Options typed as a choice or an
integer range are checked by click itself, with the same usage error."""

from __future__ import annotations

import sys
from datetime import date

import click
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from tests.plugins.fuzz_budget import FUZZ
from tests.plugins.fuzz_tally import tally
from verenigingen.commands import checks, commands
from verenigingen.verenigingen_payments.core.input_limits import (
    CUSTOMER_ID,
    EVENT_TYPE,
    HTTP_URL,
    IBAN,
    MEMBER_REFERENCE,
    RECORD_NAME,
    WEBHOOK_LOG_ID,
)

[MOLLIE] = commands
DOOR = "bench mollie commands"


def _commands(group: click.Group, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], click.Command]:
    found = {}
    for name, command in group.commands.items():
        if isinstance(command, click.Group):
            found.update(_commands(command, (*path, name)))
        else:
            found[(*path, name)] = command
    return found


COMMANDS = _commands(MOLLIE)
CHECKS = {checks.settings_name, checks.day, checks.moment, checks.webhook_log_id, checks.customer_id,
          checks.member_reference, checks.event_type_list, checks.http_url, checks.iban}


def _options(command: click.Command) -> list[click.Option]:
    return [p for p in command.params if isinstance(p, click.Option) and p.name != "help"]


def test_every_option_is_checked_a_flag_or_a_fixed_choice():
    unchecked = [(" ".join(path), option.opts[0]) for path, command in COMMANDS.items() for option in _options(command)
                 if not (option.is_flag or isinstance(option.type, (click.Choice, click.IntRange))
                         or option.callback in CHECKS)]
    assert unchecked == []


@pytest.fixture(autouse=True)
def no_frappe(monkeypatch):
    monkeypatch.setitem(sys.modules, "frappe", None)


days = st.dates(date(2000, 1, 1), date(2100, 1, 1)).map(str)
WELL_FORMED = {
    checks.settings_name: st.from_regex(RECORD_NAME, fullmatch=True),
    checks.day: days,
    checks.moment: st.tuples(days, st.sampled_from(("", " 00:00", " 14:30", " 23:59:59"))).map("".join),
    checks.webhook_log_id: st.from_regex(WEBHOOK_LOG_ID, fullmatch=True),
    checks.customer_id: st.from_regex(CUSTOMER_ID, fullmatch=True),
    checks.member_reference: st.from_regex(MEMBER_REFERENCE, fullmatch=True),
    checks.event_type_list: st.just("*") | st.lists(st.from_regex(EVENT_TYPE, fullmatch=True), min_size=1,
                                                   max_size=3).map(",".join),
    checks.http_url: st.from_regex(HTTP_URL, fullmatch=True),
    checks.iban: st.from_regex(IBAN, fullmatch=True),
}
terminal_text = st.text(st.one_of(st.characters(exclude_characters="\x00"),
                                  st.characters(min_codepoint=0xDC80, max_codepoint=0xDCFF)), max_size=60)
hostile = st.one_of(
    terminal_text, st.sampled_from(("", " ", "\n", "-", "--", "é", "2025-02-30", "*\n", "\x1b[31m", "\udcff")),
    st.builds(lambda text, n: text * n, st.text(min_size=1, max_size=3), st.integers(100, 5000)),
    st.integers(1, 2000).map(lambda n: "[" * n + "]" * n),
)


def _value(option: click.Option, well_formed: bool):
    if isinstance(option.type, click.Choice):
        return st.sampled_from(option.type.choices) if well_formed else st.just(None)
    if isinstance(option.type, click.IntRange):
        return st.integers(option.type.min, option.type.max).map(str) if well_formed else hostile
    return WELL_FORMED[option.callback] if well_formed else hostile


@st.composite
def argument_lists(draw):
    path = draw(st.sampled_from(sorted(COMMANDS)))
    argv, malformed = list(path), []
    for argument in (p for p in COMMANDS[path].params if isinstance(p, click.Argument)):
        assert isinstance(argument.type, click.Path), f"give the fuzz a value for {argument.name}"
        argv.append(__file__)  # a file that exists: the command reads it only at the site
    for option in _options(COMMANDS[path]):
        if option.is_flag:
            if draw(st.booleans()):
                argv.append(option.opts[0])
            continue
        for _ in range(draw(st.integers(0, 2 if option.multiple else 1) if not option.required else st.integers(1, 1))):
            well_formed = draw(st.integers(0, 2)) > 0
            value = draw(_value(option, well_formed))
            if value is None:
                continue
            argv.append(f"{option.opts[0]}={value}")
            if not (well_formed or _accepted(option, value)):
                malformed.append(option.opts[0])
    if draw(st.integers(0, 7)) == 0:
        argv.insert(draw(st.integers(1, len(argv))), draw(st.sampled_from(("--nope", "stray"))))
        malformed.append(None)
    return argv, malformed


def _accepted(option: click.Option, value: str) -> bool:
    try:
        converted = option.type.convert(value, option, None)
        if option.callback is not None:
            option.callback(click.Context(MOLLIE), option, converted)
    except click.BadParameter:
        return False
    return True


def _reconcile_period_is_usable(argv: list[str]) -> bool:
    given = {arg.split("=", 1)[0]: arg.split("=", 1)[1] for arg in argv if "=" in arg}
    if "--date" in given:
        return not ({"--from", "--until"} & set(given))
    if {"--from", "--until"} & set(given):
        return {"--from", "--until"} <= set(given) and given["--until"] > given["--from"]
    return True


@FUZZ
@given(case=argument_lists())
def test_any_argument_list_is_a_one_line_usage_error_or_reaches_the_site(case):
    argv, malformed = case
    result = CliRunner().invoke(MOLLIE, argv, obj={"sites": ["site.test"]})
    reached_site = isinstance(result.exception, ImportError)
    usage_error = result.exit_code == 2 and isinstance(result.exception, SystemExit)
    tally(DOOR, tracebacks=int(not (reached_site or usage_error) or "Traceback" in result.output))
    assert reached_site or usage_error, (argv, result.output, result.exception)
    assert "Traceback" not in result.output
    if malformed:
        assert usage_error, (argv, result.output)
        named = [m for m in malformed if m]
        if named and malformed == named:
            assert any(f"Invalid value for '{option}'" in result.output for option in named), result.output
    elif argv[0] != "reconcile" or _reconcile_period_is_usable(argv):
        assert reached_site, (argv, result.output, result.exception)


@pytest.mark.parametrize("url", ["ftp://example.org/hook", "https://example.org/hook\n", "https://exa mple.org/",
                                 "javascript:alert(1)", "https://example.org/" + "a" * 5000 + "\x00"])
def test_a_register_url_outside_the_limits_is_a_usage_error(url):
    result = CliRunner().invoke(MOLLIE, ["webhooks", "register", "--url", url], obj={"sites": ["site.test"]})
    assert result.exit_code == 2 and "Invalid value for '--url'" in result.output, result.output
