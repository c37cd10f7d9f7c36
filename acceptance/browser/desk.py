"""Open a Frappe desk page in headless Chromium as a given user: log in through the login form, wait
until every number card has rendered, read the cards and the browser console, take a screenshot.

Needs Debian's `chromium` and `chromium-driver` and the `selenium` package; `available()` says
whether they are there, so a test can skip without them. As a script:

    python -m acceptance.browser.desk --url http://site.localhost:8100 --user viewer@example.com \\
        --password secret --page /app/mollie-finance --screenshot /tmp/workspace.png

prints one JSON object: the cards (label → text), the console entries and the SEVERE ones (those
of the realtime server, which a gunicorn-only bench lacks, left out).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--window-size=1440,1800")
CARD = ".number-widget-box"
TIMEOUT = 60
# Not the app's: the realtime server (Frappe's node socketio) that a bench of gunicorn alone lacks.
NOT_THE_APPS = ("/socket.io/",)


def available() -> str | None:
    """None when Chromium, its driver and selenium are all there; else what is missing."""
    missing = [name for name in ("chromium", "chromedriver") if shutil.which(name) is None]
    if importlib.util.find_spec("selenium") is None:
        missing.append("selenium")
    return ", ".join(missing) or None


@dataclass
class PageReading:
    cards: dict[str, str] = field(default_factory=dict)
    console: list[dict] = field(default_factory=list)

    @property
    def severe(self) -> list[dict]:
        """SEVERE console entries, except those of services outside the app (`NOT_THE_APPS`)."""
        return [entry for entry in self.console if entry.get("level") == "SEVERE"
                and not any(part in entry.get("message", "") for part in NOT_THE_APPS)]

    def as_dict(self) -> dict:
        return {"cards": self.cards, "console": self.console, "severe": self.severe}


@contextmanager
def chromium():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    profile = tempfile.mkdtemp(prefix="desk-chromium-")
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def log_in(driver, url: str, user: str, password: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ready
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(f"{url}/login")
    wait = WebDriverWait(driver, TIMEOUT)
    wait.until(ready.visibility_of_element_located((By.ID, "login_email"))).send_keys(user)
    driver.find_element(By.ID, "login_password").send_keys(password)
    driver.find_element(By.CSS_SELECTOR, ".btn-login").click()
    wait.until(lambda d: "/login" not in d.current_url)


def read_page(driver, url: str, page: str, *, cards: int, screenshot: Path | None = None) -> PageReading:
    """Open `page`, wait for at least `cards` number cards, each past "Loading...", and read them."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(f"{url}{page}")

    def rendered(d):
        boxes = d.find_elements(By.CSS_SELECTOR, CARD)
        done = [b for b in boxes if b.find_elements(By.CSS_SELECTOR, ".widget-content .number")]
        return len(boxes) >= cards and len(done) == len(boxes)

    WebDriverWait(driver, TIMEOUT).until(rendered)
    reading = PageReading()
    for box in driver.find_elements(By.CSS_SELECTOR, CARD):
        # The label as written (the desk shows it in capitals); the figure and its note as shown, "a / b".
        label = box.find_element(By.CSS_SELECTOR, ".widget-title").get_attribute("textContent").strip()
        shown = box.find_element(By.CSS_SELECTOR, ".widget-content .number").get_attribute("innerText")
        reading.cards[label] = " / ".join(line.strip() for line in shown.splitlines() if line.strip())
    if screenshot is not None:
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(screenshot))
    reading.console = driver.get_log("browser")
    return reading


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--page", default="/app/mollie-finance")
    parser.add_argument("--cards", type=int, default=1, help="wait for at least this many number cards")
    parser.add_argument("--screenshot", type=Path)
    args = parser.parse_args(argv)
    missing = available()
    if missing:
        print(json.dumps({"skipped": f"missing: {missing}"}))
        return 0
    with chromium() as driver:
        url = args.url.rstrip("/")
        log_in(driver, url, args.user, args.password)
        reading = read_page(driver, url, args.page, cards=args.cards, screenshot=args.screenshot)
    print(json.dumps(reading.as_dict(), indent=1, ensure_ascii=False))
    return 1 if reading.severe else 0


if __name__ == "__main__":
    sys.exit(main())
