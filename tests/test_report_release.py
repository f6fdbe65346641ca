"""`icgp release` carries the growth-pole report: listed and checksummed, undated, with the data's privacy."""

from __future__ import annotations

import hashlib
import html
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

from cli_runner import CliRunner

from cli import app
from kg.ontology.resources import sample_study_dir
from kg.publish.describe import ReleaseInfo
from kg.publish.release_pages import index_html

PAGE = "report/stuttgart-i40-clusters.html"


def test_the_release_holds_the_report_in_its_checksums(sample_releases: tuple[Path, Path]) -> None:
    first, second = sample_releases
    page = first / PAGE
    lines = (first / "SHA256SUMS").read_text(encoding="utf-8").splitlines()
    sums = {name: digest for digest, name in (line.split("  ", 1) for line in lines)}
    assert sums[PAGE] == hashlib.sha256(page.read_bytes()).hexdigest()
    # The page names no time of the release (times live in provenance.ttl), so both releases carry it alike.
    assert page.read_bytes() == (second / PAGE).read_bytes()
    root = ET.parse(page).getroot()
    sections = [s for s in root.iter("{http://www.w3.org/1999/xhtml}section") if s.get("class") == "cluster"]
    assert [s.get("id") for s in sections] == [
        "cluster-neckar-smart-production",
        "cluster-ostalb-ai-robotics",
    ]


class _Links(HTMLParser):
    """The targets of a page's links."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self.hrefs += [value for name, value in attrs if name == "href" and value]


def test_the_release_index_links_the_report(sample_releases: tuple[Path, Path]) -> None:
    release = sample_releases[0]
    links = _Links()
    links.feed((release / "index.html").read_text(encoding="utf-8"))
    reports = [h for h in links.hrefs if h.startswith("report/")]
    assert reports == [PAGE]
    # The link leads to the page itself, as a relative path inside the release.
    target = (release / reports[0]).resolve()
    assert target.is_file() and target.parent.parent == release.resolve()
    assert b"<h1>Growth-pole report: " in target.read_bytes()


def test_an_index_without_report_pages_links_none() -> None:
    info = ReleaseInfo(
        iri="https://w3id.org/icgp/release/1.0.0",
        version="1.0.0",
        title="ICGP release 1.0.0",
        description="No study.",
        files_url="https://example.org/files/1.0.0/",
        endpoint="https://example.org/sparql",
        licence="https://creativecommons.org/licenses/by/4.0/",
        publisher="https://w3id.org/icgp/team",
    )
    assert "report/" not in index_html(info, [])
    assert '<a href="report/a.html">report/a.html</a>' in index_html(info, [], ["report/a.html"])


def test_a_release_of_a_study_with_private_quotes_has_none_in_its_report(tmp_path: Path) -> None:
    private = tmp_path / "private"
    shutil.copytree(sample_study_dir(), private)
    descriptor = private / "datapackage.yaml"
    descriptor.write_text(
        descriptor.read_text(encoding="utf-8").replace("  quotes: true\n", "  quotes: false\n"),
        encoding="utf-8",
    )
    out = tmp_path / "release"
    result = CliRunner().invoke(app, ["release", str(private), "--out", str(out), "--version", "1.0.0"])
    assert result.exit_code == 0, result.output
    page = html.unescape((out / PAGE).read_text(encoding="utf-8"))
    quote = "The voucher application had twelve pages for a project worth eight thousand euros."
    assert quote in (sample_study_dir() / "segments.csv").read_text(encoding="utf-8")
    assert quote not in page
    assert "Quotes are left out: the study does not mark them public." in page
