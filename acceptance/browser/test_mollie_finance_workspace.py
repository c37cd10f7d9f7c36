"""The "Mollie Finance" workspace as a Mollie Finance Viewer sees it in a real browser: the four
morning cards come first, every card renders (none left at "Loading..."), and the app logs no
SEVERE error to the browser console.

An acceptance check of a running site, outside the plain suite (CI has no site to open): from the
repository, `python -m pytest acceptance/browser` with Chromium, chromedriver and selenium installed.
The site is given by the environment (skipped otherwise, and without Chromium):
VERENIGINGEN_DESK_URL (e.g. http://site.localhost:8100), VERENIGINGEN_DESK_USER and
VERENIGINGEN_DESK_PASSWORD (a user holding only the viewer role); VERENIGINGEN_DESK_SCREENSHOT
optionally names the screenshot file. The URL must be a server that also serves `/assets` (in a bench:
`bench serve --port 8100`; gunicorn alone serves none, and the login page then never logs in), on a
site whose setup wizard is completed, e.g.:

    bench --site S execute frappe.desk.page.setup_wizard.setup_wizard.setup_complete --kwargs \
        '{"args": {"language": "English", "country": "Netherlands", "timezone": "Europe/Amsterdam",
                   "currency": "EUR", "full_name": "Penningmeester", "email": "...", "password": "..."}}'
    bench --site S add-user viewer@example.com --first-name Viewer --password ... --add-role "Mollie Finance Viewer"
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from acceptance.browser import desk

MORNING_CARDS = ["Reconciliation (yesterday)", "Next Payout", "Webhook Backlog", "Disputes Due"]
WORKSPACE_CARDS = 13


@pytest.fixture(scope="module")
def site() -> tuple[str, str, str]:
    missing = desk.available()
    if missing:
        pytest.skip(f"headless Chromium not available (missing: {missing})")
    values = [os.environ.get(f"VERENIGINGEN_DESK_{key}") for key in ("URL", "USER", "PASSWORD")]
    if not all(values):
        pytest.skip("no desk to open: set VERENIGINGEN_DESK_URL, _USER and _PASSWORD")
    return values[0].rstrip("/"), values[1], values[2]


def test_a_viewer_sees_the_morning_cards_first_and_no_console_errors(site, tmp_path):
    url, user, password = site
    shot = Path(os.environ.get("VERENIGINGEN_DESK_SCREENSHOT") or tmp_path / "mollie-finance.png")
    with desk.chromium() as driver:
        desk.log_in(driver, url, user, password)
        reading = desk.read_page(driver, url, "/app/mollie-finance", cards=WORKSPACE_CARDS, screenshot=shot)
    assert list(reading.cards)[:len(MORNING_CARDS)] == MORNING_CARDS, reading.cards
    assert len(reading.cards) == WORKSPACE_CARDS, reading.cards
    assert all(text and text != "Loading..." for text in reading.cards.values()), reading.cards
    assert reading.severe == [], reading.severe
