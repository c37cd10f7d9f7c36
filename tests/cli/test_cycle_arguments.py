"""The main job refuses unusable arguments before it touches anything: one line on stderr, exit 2,
no briefing, no emulator or Mollie request, no file or folder created — on SQLite and MariaDB URLs.

The property test draws argument lists (each option valid, odd or absent, plus stray tokens) and
runs the job's entry in process with the network replaced by a marker: a list with a bad argument
must be refused that way, any other must get as far as the network without a word on stderr.
"""

from __future__ import annotations

import gc
import io
import os
import socket
import string
from contextlib import redirect_stderr, redirect_stdout
from datetime import date
from pathlib import Path
from unittest import mock

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from tests.plugins.fuzz_budget import FUZZ
from tests.plugins.fuzz_tally import tally
from verenigingen.verenigingen_payments.cli import finance_cycle
from verenigingen.verenigingen_payments.cli.cycle_arguments import SCENARIOS
from verenigingen.verenigingen_payments.core.input_limits import MAX_SEED


DOOR = "main job arguments"


class ReachedTheNetwork(BaseException):
    """Raised where the job would start the emulator or call Mollie."""


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _files_under(root: Path) -> set[Path]:
    return set(root.rglob("*"))


def run_job(argv: list[str]) -> tuple[int, str, str, bool]:
    """(exit status, stdout, stderr, whether it reached the network)."""
    out, err = io.StringIO(), io.StringIO()
    reached = False
    with redirect_stdout(out), redirect_stderr(err), \
            mock.patch.object(finance_cycle, "_account", side_effect=ReachedTheNetwork):
        try:
            code = finance_cycle.main(argv)
        except ReachedTheNetwork:
            code, reached = None, True
        except SystemExit as exit_:
            code = exit_.code
    gc.collect()  # the store the job opened is closed (SQLite removes its -wal/-shm files)
    return code, out.getvalue(), err.getvalue(), reached


def assert_refused(argv: list[str], sandbox: Path) -> str:
    before = _files_under(sandbox)
    code, out, err, reached = run_job(argv)
    tally(DOOR, inputs=0, tracebacks=int("Traceback" in err))
    assert (code, out, reached) == (2, "", False), (argv, err)
    assert err.count("\n") == 1 and err.startswith("finance-cycle: "), err
    assert "Traceback" not in err
    assert _files_under(sandbox) == before, "a refused run created a file or folder"
    return err


@pytest.fixture
def sandbox(tmp_path) -> Path:
    (tmp_path / "reports").mkdir()
    return tmp_path


def _base(sandbox: Path, store_url: str) -> list[str]:
    return ["--store-url", store_url, "--report-dir", str(sandbox / "reports")]


def test_from_after_until_is_refused_before_the_store_file_exists(sandbox):
    err = assert_refused(_base(sandbox, f"sqlite:///{sandbox / 's.sqlite3'}")
                         + ["--from", "2025-03-01", "--until", "2025-02-01"], sandbox)
    assert "--until" in err
    assert not (sandbox / "s.sqlite3").exists()


@pytest.mark.parametrize("url", ["not a url", "sqlite://", "postgresql://x@localhost/db", "mysql://root@127.0.0.1/db",
                                 "mysql+pymysql://root@127.0.0.1:notaport/db", "mysql+pymysql://root@127.0.0.1:3306",
                                 "sqlite:///:memory:", "sqlite:///x\x00y"])
def test_a_malformed_store_url_is_one_line(sandbox, url):
    assert_refused(_base(sandbox, url), sandbox)


def test_a_mariadb_port_where_nothing_listens_is_one_line(sandbox):
    err = assert_refused(_base(sandbox, f"mysql+pymysql://root:pw-not-shown@127.0.0.1:{_closed_port()}/db"), sandbox)
    assert "cannot be used" in err and "pw-not-shown" not in err


def test_an_unknown_mariadb_database_is_one_line(sandbox, mariadb_url):
    url = sa.make_url(mariadb_url).set(database="verenigingen_no_such_database")
    assert_refused(_base(sandbox, url.render_as_string(hide_password=False)), sandbox)


def test_an_sqlite_file_in_a_missing_folder_is_refused_and_the_folder_not_created(sandbox):
    err = assert_refused(_base(sandbox, f"sqlite:///{sandbox / 'missing' / 'deeper' / 's.sqlite3'}"), sandbox)
    assert "does not exist" in err
    assert not (sandbox / "missing").exists()


def test_usage_errors_are_one_line_too(sandbox):
    assert_refused(_base(sandbox, f"sqlite:///{sandbox / 's.sqlite3'}") + ["--scenario", "nope"], sandbox)


# -- the argument space ---------------------------------------------------------------------------

GOOD, BAD = False, True
odd_text = st.one_of(st.text(max_size=30), st.sampled_from(("", " ", "\n", "-", "--", "\x00", "é", "2025-02-30\n")))
valid_days = st.dates(date(2000, 1, 1), date(2100, 1, 1))


def _day_is_bad(text: str) -> bool:
    """Independently of the code under test: YYYY-MM-DD in ASCII digits, a real day, 2000-01-01 – 2100-01-01."""
    digits = text[:4] + text[5:7] + text[8:]
    if len(text) != 10 or text[4] + text[7] != "--" or not all(c in string.digits for c in digits):
        return True
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return True
    return not date(2000, 1, 1) <= day <= date(2100, 1, 1)


days = st.one_of(valid_days.map(str), odd_text,
                 st.sampled_from(("1999-12-31", "2100-01-02", "2025-02-29", "2025-13-01", "20250301", "0001-01-01")))
seeds = st.one_of(st.integers(0, 50), st.integers(-5, MAX_SEED + 5).map(str), odd_text)


def _seed_is_bad(value) -> bool:
    text = str(value).strip()
    try:
        return not 0 <= int(text) <= MAX_SEED
    except ValueError:
        return True


@st.composite
def store_urls(draw, sandbox: Path, mariadb_url: str):
    choice = draw(st.sampled_from(("sqlite", "sqlite-missing", "sqlite-dir", "mariadb", "mariadb-closed",
                                   "mariadb-no-db", "junk")))
    name = draw(st.text(string.ascii_letters, min_size=1, max_size=8))
    if choice == "sqlite":
        return f"sqlite:///{sandbox / (name + '.sqlite3')}", GOOD
    if choice == "sqlite-missing":
        return f"sqlite:///{sandbox / ('no-' + name) / 's.sqlite3'}", BAD
    if choice == "sqlite-dir":
        return f"sqlite:///{sandbox / 'reports'}", BAD
    base = sa.make_url(mariadb_url)
    if choice == "mariadb":
        return base.render_as_string(hide_password=False), GOOD
    if choice == "mariadb-closed":
        return base.set(port=_closed_port()).render_as_string(hide_password=False), BAD
    if choice == "mariadb-no-db":
        return sa.URL.create(base.drivername, username=base.username, host=base.host, port=base.port).render_as_string(
            hide_password=False), BAD
    return draw(odd_text), BAD


remote = st.one_of(
    st.just(([], GOOD)),
    st.just((["--base-url", "http://127.0.0.1:9/v2", "--api-key", "test_" + "k" * 30,
              "--organization-token", "access_" + "t" * 30], GOOD)),
    st.builds(lambda url: (["--base-url", url, "--api-key", "test_k", "--organization-token", "access_t"], BAD),
              st.sampled_from(("notaurl", "ftp://x/v2", "http://", "http://a b/", "http://x/\n"))),
    st.builds(lambda key: (["--base-url", "http://127.0.0.1:9/v2", "--api-key", key, "--organization-token",
                            "access_t"], BAD), st.sampled_from(("", "test_", "key\n", "live_a\r\nX-Evil: 1"))),
    st.just((["--api-key", "test_abc"], BAD)),
)


@st.composite
def argument_lists(draw, sandbox: Path, mariadb_url: str) -> tuple[list[str], bool]:
    argv, bad = ["--report-dir", str(sandbox / "reports")], False
    url, url_bad = draw(store_urls(sandbox, mariadb_url))
    argv += ["--store-url", url]
    bad |= url_bad
    if draw(st.booleans()):
        scenario = draw(st.one_of(st.sampled_from(SCENARIOS), odd_text))
        argv += ["--scenario", scenario]
        bad |= scenario not in SCENARIOS
    if draw(st.booleans()):
        seed = draw(seeds)
        argv += ["--seed", str(seed)]
        bad |= _seed_is_bad(seed)
    parsed_days = {}
    for option in ("--from", "--until"):
        if draw(st.booleans()):
            day = draw(days)
            argv += [option, day]
            bad |= _day_is_bad(day)
            parsed_days[option] = day
    if len(parsed_days) == 2 and not bad:
        bad |= parsed_days["--until"] <= parsed_days["--from"]
    remote_args, remote_bad = draw(remote)
    argv += remote_args
    bad |= remote_bad
    if draw(st.booleans()):
        argv.append("--clean")
    if draw(st.integers(0, 5)) == 0:
        argv.append(draw(st.sampled_from(("--nope", "stray", "--seed", "--from"))))
        bad = True
    return argv, bad


def _on_the_other_store(argv: list[str], sandbox: Path, mariadb_url: str) -> list[str] | None:
    """`argv` with a well-formed SQLite store URL swapped for the MariaDB one, or the other way round."""
    url = argv[argv.index("--store-url") + 1]
    sqlite_url = f"sqlite:///{sandbox / 'twin.sqlite3'}"
    if url == sa.make_url(mariadb_url).render_as_string(hide_password=False):
        other = sqlite_url
    elif url.endswith(".sqlite3") and Path(url.removeprefix("sqlite:///")).parent == sandbox:
        other = mariadb_url
    else:
        return None
    return [other if arg == url else arg for arg in argv]


@FUZZ
@given(data=st.data())
def test_every_argument_list_is_refused_in_one_line_or_gets_to_the_network(sandbox, mariadb_url, data):
    """… and a list with a well-formed store URL gets the same verdict with the other store's URL."""
    argv, bad = data.draw(argument_lists(sandbox, mariadb_url))
    twin = _on_the_other_store(argv, sandbox, mariadb_url)
    if twin is not None:
        verdicts = [run_job(argv), run_job(twin)]
        tally(DOOR, inputs=0, disagreements=int(verdicts[0] != verdicts[1]))
        assert verdicts[0] == verdicts[1], (argv, verdicts)
    if bad:
        tally(DOOR)
        assert_refused(argv, sandbox)
        return
    code, out, err, reached = run_job(argv)
    tally(DOOR, tracebacks=int("Traceback" in err))
    assert (reached, out, err) == (True, "", ""), (argv, code, err)


def test_the_refusals_name_no_secret(sandbox):
    err = assert_refused(["--base-url", "http://127.0.0.1:9/v2", "--api-key", "test_" + "s" * 30 + "\n",
                          "--organization-token", "access_" + "t" * 30] + _base(sandbox, "sqlite:///x"), sandbox)
    assert "s" * 30 not in err and "t" * 30 not in err
    assert os.linesep not in err[:-1]


@pytest.mark.parametrize("days", ["-1", "121", "seventy"])
def test_collection_days_outside_their_range_are_one_line(sandbox, days):
    err = assert_refused(_base(sandbox, f"sqlite:///{sandbox / 's.sqlite3'}") + ["--collection-days", days], sandbox)
    assert "--collection-days" in err
