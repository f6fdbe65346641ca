"""`icgp release` carries the growth-pole report: listed and checksummed, undated, with the data's privacy."""

from __future__ import annotations

import hashlib
import html
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

from typer.testing import CliRunner

from cli import app
from kg.ontology.resources import sample_study_dir

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
