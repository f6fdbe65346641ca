"""The entity pages and the query gallery in a real browser: Selenium drives Debian's chromium (through
``chromium-driver``) over ``icgp serve`` on loopback. It opens a cluster page, follows a member link and
reads the organisation's page; it runs a saved query from the gallery with a parameter picked from its
list and counts the answer's rows. The browser asks nothing of any address but the server's.

CI installs chromium and chromium-driver (.ci/run); elsewhere the test is skipped when either is missing,
but with CI=true a missing one fails, as a missing chromium does for the report's browser test.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from served import icgp_serve

REPO = Path(__file__).resolve().parent.parent
MINI = REPO / "tests" / "fixtures" / "build" / "mini"


def _needed(name: str) -> str:
    found = shutil.which(name)
    if found is None and os.environ.get("CI") == "true":
        pytest.fail(f"{name} is missing in CI; .ci/run installs it")
    if found is None:
        pytest.skip(f"{name} is not installed")
    return found


@pytest.fixture(scope="module")
def root() -> Iterator[str]:
    """``icgp serve`` over the mini study on a free loopback port; its root URL."""
    with icgp_serve(MINI, env={"SOURCE_DATE_EPOCH": "1700000000"}) as url:
        yield url.removesuffix("sparql")


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    chromium = _needed("chromium")
    driver_path = _needed("chromedriver")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-extensions",
        # No host but the server's loopback address resolves, so nothing the page or the browser asks for
        # can leave the machine.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"performance": "ALL"})
    # The driver is Debian's, named here, so Selenium's manager never looks for one to download.
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    try:
        driver.set_page_load_timeout(60)
        yield driver
    finally:
        driver.quit()


def _requested(driver: Any) -> list[str]:
    """Every URL the browser's pages asked for since the last call (from the DevTools performance log)."""
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def _settled(driver: Any) -> Any:
    """A minute-long wait that retries when the page redraws an element under it."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, 60, ignored_exceptions=(StaleElementReferenceException,))


def test_open_a_cluster_and_follow_a_member_link(root: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By

    browser.get(root + "id/mini/cluster/mobility")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Mobility Cluster"
    members = browser.find_elements(By.CSS_SELECTOR, "ul.members li a")
    assert [m.text for m in members] == ["Acme Tools", "BigCo Motors"]
    # the stylesheet applied: headings of sections are underlined by a border
    heading = browser.find_element(By.CSS_SELECTOR, "section#cluster h2")
    assert heading.value_of_css_property("border-bottom-style") == "solid"
    members[0].click()
    assert browser.current_url == root + "id/mini/organisation/acme"
    assert browser.find_element(By.TAG_NAME, "h1").text == "Acme Tools"
    rows = {
        row.find_element(By.TAG_NAME, "th").text: row.find_element(By.TAG_NAME, "td").text
        for row in browser.find_elements(By.CSS_SELECTOR, "section#properties tbody tr")
    }
    assert rows["employees"] == "42"
    assert rows["label"] == "Acme Tools"
    requested = _requested(browser)
    assert root + "id/mini/organisation/acme" in requested
    assert root + "id/style.css" in requested
    # chrome:// and data: URLs are the browser's own pages, served from memory; any other leaves the browser
    network = [url for url in requested if not url.startswith(("chrome://", "chrome-search://", "data:"))]
    assert [url for url in network if not url.startswith(root)] == []


def test_run_a_saved_query_from_the_gallery_with_a_parameter(root: str, browser: Any) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    _requested(browser)  # what the first test left in the log
    browser.get(root + "query")
    gallery = browser.find_element(By.ID, "q-activities_for_barrier_and_technology")
    gallery.find_element(By.TAG_NAME, "summary").click()
    barrier = Select(gallery.find_element(By.NAME, "p.barrier"))
    assert barrier.first_selected_option.text == "F3.03 Skills shortage"  # the query's default
    technology = Select(gallery.find_element(By.NAME, "p.technology"))
    # By hand: the mini study's one activity, a1 ("AI bootcamp"), addresses the skills shortage and
    # machine learning; robotics, the cluster's other specialisation, no activity addresses.
    technology.select_by_visible_text("T03.5 Machine learning")
    gallery.find_element(By.TAG_NAME, "button").click()
    rows_shown = "#yasgui .yasr table.dataTable tbody tr"
    # The result table may be redrawn after it first appears, so rows are read inside the wait, which
    # retries when an element it holds goes stale.
    rows = _settled(browser).until(
        lambda b: [
            (row.text, [a.get_attribute("href") for a in row.find_elements(By.CSS_SELECTOR, "a[href]")])
            for row in b.find_elements(By.CSS_SELECTOR, rows_shown)
        ]
    )
    assert len(rows) == 1
    text, links = rows[0]
    assert "AI bootcamp" in text
    assert links[0] == root + "id/mini/activity/a1"  # the served entity page
    assert browser.find_element(By.ID, "question").text == (
        "Activities that address a given barrier for a given technology"
    )

    technology = Select(browser.find_element(By.NAME, "p.technology"))
    technology.select_by_visible_text("T05 Robotics and automation")
    browser.find_element(By.CSS_SELECTOR, "#q-activities_for_barrier_and_technology button").click()
    _settled(browser).until(lambda b: "0 results" in b.find_element(By.CSS_SELECTOR, "#yasgui .yasr").text)
    assert browser.find_elements(By.CSS_SELECTOR, "#yasgui .yasr table.dataTable tbody tr td a") == []

    assert browser.find_element(By.ID, "yasgui").is_displayed()  # the page is still whole after two runs
    requested = _requested(browser)
    assert any(url.startswith(root + "sparql") for url in requested)
    network = [url for url in requested if not url.startswith(("chrome://", "chrome-search://", "data:"))]
    assert [url for url in network if not url.startswith(root)] == []
