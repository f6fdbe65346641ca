"""`icgp report` with a real Eurostat table imported: the baseline chart shows the imported observations.

The table is Eurostat's `isoc_e_dii` (digital intensity by size class), as stored in the shared data
(`../shared/data/external/eurostat-ict-enterprises/SOURCE.md`). The expected numbers are read from that
CSV and from the sample's own tables with Python, not with the query the report runs.
"""

from __future__ import annotations

import csv
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from cli_runner import CliRunner

from cli import app
from kg.ontology.resources import sample_study_dir

runner = CliRunner()
TABLE = Path(__file__).resolve().parents[2] / "shared" / "data" / "external" / "eurostat-ict-enterprises"
TABLE_CSV = TABLE / "isoc_e_dii.csv"
X = "{http://www.w3.org/1999/xhtml}"
SVG = "{http://www.w3.org/2000/svg}"
# ICGP size classes of the sample's organisations, with their Eurostat size_emp code and label in the
# size vocabulary; micro firms (SC1) have no Eurostat class, since Eurostat counts firms of 10 or more.
SIZES = {"SC2": ("10-49", "Small"), "SC3": ("50-249", "Medium"), "SC4": ("GE250", "Large")}
IN_USE = "AS3"

pytestmark = pytest.mark.skipif(not TABLE_CSV.is_file(), reason=f"{TABLE_CSV} is not there")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as stream:
        return list(csv.DictReader(stream))


def _expected() -> dict[str, list[str]]:
    """Each size class's row of the baseline table, by its label: enterprises, the study's share in use
    (percent, one decimal), the latest German E_DI3_GELO share with a value, and its year."""
    study = sample_study_dir()
    organisations = _rows(study / "organisations.csv")
    assert {o["nuts"][:2] for o in organisations if o["size_class"]} == {"DE"}
    adopters = {a["organisation"] for a in _rows(study / "adoptions.csv") if a["status"] == IN_USE}
    latest: dict[str, tuple[str, str]] = {}
    for row in _rows(TABLE_CSV):
        if row["geo"] == "DE" and row["indic_is"] == "E_DI3_GELO" and row["OBS_VALUE"]:
            year, value = row["TIME_PERIOD"], row["OBS_VALUE"]
            if row["size_emp"] not in latest or year > latest[row["size_emp"]][0]:
                latest[row["size_emp"]] = (year, value)
    expected = {}
    for size, (eurostat, label) in SIZES.items():
        firms = [o["id"] for o in organisations if o["size_class"] == size]
        using = len([f for f in firms if f in adopters])
        year, value = latest[eurostat]
        share = round(1000 * using / len(firms)) / 10
        expected[f"{label} (DE)"] = [str(len(firms)), f"{share:g}", f"{float(value):g}", year]
    return expected


def test_the_baseline_chart_shows_the_imported_observations(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    study = tmp_path / "study"
    shutil.copytree(sample_study_dir(), study)
    result = runner.invoke(app, ["import", "eurostat", str(TABLE_CSV), "--into", str(study)])
    assert result.exit_code == 0, result.output
    assert (study / "imports" / "eurostat-isoc-e-dii.ttl").is_file()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    out = tmp_path / "report"
    result = runner.invoke(app, ["report", str(study), "--out", str(out)])
    assert result.exit_code == 0, result.output
    text = (out / "stuttgart-i40-clusters.html").read_text(encoding="utf-8")
    assert "No Eurostat baseline is imported" not in text
    root = ET.fromstring(text)
    figure = root.find(f".//{X}figure[@id='fig-firms-baseline']")
    assert figure is not None
    svg = figure.find(f".//{SVG}svg")
    assert svg is not None and svg.get("role") == "img"
    assert figure.find(f"{X}figcaption") is not None
    table = figure.find(f".//{X}table[@data-chart='baseline']")
    assert table is not None
    shown = {}
    for tr in table.iter(f"{X}tr"):
        cells = tr.findall(f"{X}td")
        if not cells:
            continue
        # Numbers as their exact value in <data value>, the rest as text.
        values = []
        for cell in cells:
            data = cell.find(f"{X}data")
            values.append(
                f"{float(data.get('value', 'nan')):g}" if data is not None else "".join(cell.itertext())
            )
        shown[values[0]] = values[1:]
    expected = _expected()
    assert shown == expected
    # By hand from the two CSV files: 9 of the 20 small German firms, all 12 medium and all 4 large ones
    # use a technology, against Eurostat's 2025 shares of German enterprises with at least basic digital
    # intensity (70.99, 88.12 and 97.96 %; 2021 and 2023 are older).
    assert shown == {
        "Small (DE)": ["20", "45", "70.99", "2025"],
        "Medium (DE)": ["12", "100", "88.12", "2025"],
        "Large (DE)": ["4", "100", "97.96", "2025"],
    }
