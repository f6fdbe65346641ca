"""The report in a real browser: Debian's chromium, headless, opens the page, screenshots it and prints it to
PDF; every chart has a size, the page asks the network for nothing, and each cluster starts a PDF page.

CI installs chromium (.ci/run); elsewhere the test is skipped when it is missing, but with CI=true a missing
browser fails, as a missing rapper does.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from cli_runner import CliRunner

from cli import app

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "assessment"
CLUSTERS = 3  # the fixture's clusters: emerging, pole and thin
# Flags that keep the browser's own services quiet; the resolver rule means no host name resolves, so even
# what is left of them cannot leave the machine.
QUIET = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-extensions",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and os.environ.get("CI") == "true":
        pytest.fail("chromium (Debian package chromium) is missing in CI; .ci/run installs it")
    if found is None:
        pytest.skip("chromium is not installed")
    return found


def _run(browser: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [browser, *QUIET, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )


def _page_requests(net_log: Path) -> list[str]:
    """The URLs a page asked the network stack for: the requests whose initiator is an origin (a file page's
    origin is "null"); the browser's own services start theirs from no origin."""
    log: dict[str, Any] = json.loads(net_log.read_text(encoding="utf-8"))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [
        e["params"]["url"]
        for e in log["events"]
        if e["type"] == start
        and "url" in e.get("params", {})
        and e["params"].get("initiator") != "not an origin"
    ]


@pytest.fixture(scope="module")
def page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("browser-report")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        result = CliRunner().invoke(app, ["report", str(FIXTURE), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out / "assessment-fixture.html"


def test_chromium_draws_and_prints_the_report_without_the_network(page: Path, tmp_path: Path) -> None:
    browser = _chromium()
    url = page.resolve().as_uri()
    screenshot, pdf, net_log = tmp_path / "page.png", tmp_path / "page.pdf", tmp_path / "net.json"
    _run(browser, tmp_path / "p1", "--window-size=1280,2000", f"--screenshot={screenshot}", url)
    _run(
        browser,
        tmp_path / "p2",
        "--no-pdf-header-footer",
        f"--log-net-log={net_log}",
        f"--print-to-pdf={pdf}",
        url,
    )
    assert screenshot.stat().st_size > 0 and screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert pdf.stat().st_size > 0 and pdf.read_bytes()[:5] == b"%PDF-"
    assert _page_requests(net_log) == []
    # Each cluster section starts a page (break-before: page), after the summary's own page or pages.
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf.read_bytes()))
    assert pages >= CLUSTERS + 1

    # The DOM as the browser built it: every chart's SVG is there with a width and a height.
    dom = _run(browser, tmp_path / "p3", "--dump-dom", url).stdout
    svgs = re.findall(r"<svg\b[^>]*>", dom)
    figures = re.findall(r"<figure\b", dom)
    # Three in the summary; per cluster the profile, the network, spread, maturity gain, and its firm
    # groups' barriers and adoption.
    assert len(svgs) == len(figures) == 3 + 6 * CLUSTERS
    for tag in svgs:
        width = re.search(r'\bwidth="([0-9.]+)pt"', tag)
        height = re.search(r'\bheight="([0-9.]+)pt"', tag)
        assert width and height and float(width.group(1)) > 0 and float(height.group(1)) > 0, tag
    # The source page parses strictly as XML, every SVG with it.
    ET.parse(page)


def test_the_request_check_catches_a_page_that_fetches(tmp_path: Path) -> None:
    """The check above is not blind: a page with an image and a stylesheet by URL is caught."""
    browser = _chromium()
    bad = tmp_path / "bad.html"
    bad.write_text(
        '<html><body><img src="http://example.org/x.png"/>'
        '<link rel="stylesheet" href="https://fonts.example.org/a.css"/></body></html>',
        encoding="utf-8",
    )
    net_log = tmp_path / "net.json"
    _run(browser, tmp_path / "p", f"--log-net-log={net_log}", "--dump-dom", bad.as_uri())
    assert sorted(_page_requests(net_log)) == ["http://example.org/x.png", "https://fonts.example.org/a.css"]
