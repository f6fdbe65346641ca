"""``icgp query run NAME --chart bar|line|heatmap``: deterministic SVG charts named by the query header."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from cli_runner import CliRunner

from cli import app
from kg.query.catalogue import ChartSpec, catalogue

SVG = "{http://www.w3.org/2000/svg}"
runner = CliRunner()
# The sample's SME adoptions per technology, most adopters first (tests/test_queries.py).
TECHNOLOGIES = [
    ("Sensors and actuators", "11"),
    ("Real-time monitoring dashboards", "11"),
    ("Cloud office software and storage", "8"),
    ("Enterprise resource planning", "8"),
    ("Cybersecurity", "7"),
    ("Image recognition and processing", "5"),
    ("E-commerce", "5"),
    ("3D printing services", "4"),
    ("Interoperability standards", "4"),
    ("Industrial robots", "3"),
    ("Additive manufacturing", "3"),
    ("Collaborative robots", "2"),
    ("In-house 3D printing", "2"),
]


def icgp(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def ids(svg: str, prefix: str) -> list[str]:
    root = ET.fromstring(svg)
    return [g.get("id", "") for g in root.iter(f"{SVG}g") if g.get("id", "").startswith(prefix)]


def texts(svg: str) -> list[str]:
    return [t.text or "" for t in ET.fromstring(svg).iter(f"{SVG}text")]


def test_a_bar_chart_is_the_same_svg_twice_with_one_bar_per_row(
    sample_store_dir: Path, tmp_path: Path
) -> None:
    outputs = []
    for name in ("one.svg", "two.svg"):
        out = tmp_path / name
        code, stdout, stderr = icgp(
            "query", "run", "technology_adoption_by_technology", "--store", str(sample_store_dir),
            "--chart", "bar", "--output", str(out),
        )  # fmt: skip
        assert (code, stdout) == (0, ""), stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    svg = outputs[0].decode("utf-8")
    assert ids(svg, "bar-") == [f"bar-{n}" for n in range(1, 14)]  # 13 rows, 13 bars
    shown = texts(svg)
    # Labels on the axis, in the order of the answer; each bar's value beside it; no IRIs.
    labels = [label for label, _ in TECHNOLOGIES]
    start = shown.index(labels[0])
    assert shown[start : start + 13] == labels
    assert "w3id.org" not in svg
    values = shown[shown.index("technology") + 1 :][:13]
    assert values == [count for _, count in TECHNOLOGIES]
    assert ET.fromstring(svg).find(f"{SVG}title").text == "Adopters per Industry 4.0 technology"  # type: ignore[union-attr]


def test_without_output_the_svg_goes_to_stdout(sample_store_dir: Path) -> None:
    code, stdout, _ = icgp(
        "query", "run", "technology_adoption_by_status", "--store", str(sample_store_dir), "--chart", "bar"
    )
    assert code == 0 and stdout.startswith("<svg")
    # Five groups of firms times four statuses; a status no group of a kind has is still a bar of 0.
    assert len(ids(stdout, "bar-")) == 20
    assert {"Small or medium-sized enterprise", "Startup", "Large enterprise", "planned", "inUse"} <= set(
        texts(stdout)
    )


def test_bars_split_by_series_and_a_heatmap_of_the_same_answer(sample_store_dir: Path) -> None:
    store = ("--store", str(sample_store_dir))
    _, table, _ = icgp("query", "run", "barrier_frequencies_by_firm_group", *store, "-f", "csv")
    rows = len(table.splitlines()) - 1
    assert rows == 39  # 13 barriers, 3 groups
    code, bars, _ = icgp("query", "run", "barrier_frequencies_by_firm_group", *store, "--chart", "bar")
    assert code == 0 and len(ids(bars, "bar-")) == rows
    code, heat, _ = icgp("query", "run", "barrier_frequencies_by_firm_group", *store, "--chart", "heatmap")
    assert code == 0 and ids(heat, "heatmap") == ["heatmap"]
    shown = texts(heat)
    assert {"High investment cost", "Skills shortage", "Startup", "Large enterprise"} <= set(shown)
    # Startups: 7 of their 41 passages cite high investment cost, 8 skills shortage (0.171, 0.195).
    assert {"0.171", "0.195"} <= set(shown)


def test_a_line_chart_with_a_series_column(sample_store_dir: Path, tmp_path: Path) -> None:
    query = tmp_path / "trend.rq"
    query.write_text(
        "#+ summary: Points of two lines\n"
        "#+ chart-x: year\n"
        "#+ chart-y: value\n"
        "#+ chart-series: line\n"
        "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
        "SELECT ?line ?year ?value WHERE {\n"
        '  VALUES (?line ?year ?value) { ("a" 2020 1) ("a" 2021 3) ("b" 2020 2) ("b" 2021 UNDEF) }\n'
        "} ORDER BY ?line ?year\n",
        encoding="utf-8",
    )
    code, svg, stderr = icgp("query", "run", str(query), "--store", str(sample_store_dir), "--chart", "line")
    assert code == 0, stderr
    assert ids(svg, "line-") == ["line-1", "line-2"]
    assert {"a", "b", "year", "value", "2020", "2021"} <= set(texts(svg))
    assert "2020.5" not in texts(svg)  # whole years on the axis


def test_an_answer_without_rows_is_a_chart_that_says_so() -> None:
    # The sample has no Eurostat tables: the indicator's yearly values are no rows (with warnings).
    code, svg, _ = icgp("query", "run", "eurostat_indicator_by_year", "--chart", "line")
    assert code == 0
    assert "The query answered no rows." in texts(svg) and ids(svg, "line-") == []


BAD_HEADERS = [
    ("#+ chart-x: label\n#+ chart-y: label\n", "line", "column 'label' is not numeric"),
    ("#+ chart-x: label\n", "bar", "a bar or line chart needs both '#+ chart-x:' and '#+ chart-y:'"),
    ("#+ chart-rows: label\n#+ chart-value: n\n", "heatmap", "a heatmap needs all of '#+ chart-rows:'"),
    ("#+ chart-x: label\n#+ chart-y: count\n", "bar", "the chart keys name 'count', which is not a variable"),
    ("#+ chart-x: label\n#+ chart-y: n\n", "heatmap", "has no heatmap chart: add '#+ chart-rows: COLUMN'"),
    ("#+ chart-rows: label\n#+ chart-cols: label\n#+ chart-value: n\n", "bar", "add '#+ chart-x: COLUMN'"),
    ("#+ chart-rows: label\n#+ chart-cols: other\n#+ chart-value: n\n", "heatmap", "gives a second value"),
]


@pytest.mark.parametrize(("header", "kind", "message"), BAD_HEADERS)
def test_bad_chart_headers_exit_2(tmp_path: Path, header: str, kind: str, message: str) -> None:
    query = tmp_path / "bad.rq"
    query.write_text(
        f"#+ summary: Two rows\n{header}"
        'SELECT ?label ?other ?n WHERE { VALUES (?label ?other ?n) { ("x" "y" 1) ("x" "y" 2) } }\n',
        encoding="utf-8",
    )
    data = str(empty_file(tmp_path))
    code, stdout, stderr = icgp("query", "run", str(query), "--data", data, "--chart", kind)
    assert (code, stdout) == (2, "")
    assert message in stderr and len(stderr.splitlines()) == 1


def empty_file(folder: Path) -> Path:
    path = folder / "empty.ttl"
    path.write_text("", encoding="utf-8")
    return path


def test_a_query_without_chart_keys_names_the_keys_to_add() -> None:
    code, stdout, stderr = icgp("query", "run", "clusters_overview", "--chart", "bar")
    assert (code, stdout) == (2, "")
    assert stderr == (
        "error: clusters_overview has no bar chart: add '#+ chart-x: COLUMN' and "
        "'#+ chart-y: NUMERIC_COLUMN' to its #+ header (see queries/README.md, 'Charts')\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--chart", "pie"], "--chart 'pie': choose one of bar, line, heatmap"),
        (
            ["--chart", "bar", "-f", "csv"],
            "give either --chart (an SVG chart) or --format (a table), not both",
        ),
    ],
)
def test_bad_chart_options_exit_2(args: list[str], message: str) -> None:
    code, _, stderr = icgp("query", "run", "technology_adoption_by_technology", *args)
    assert code == 2 and stderr == f"error: {message}\n"


def test_the_saved_queries_with_charts() -> None:
    charts = {name: query.chart for name, query in catalogue().items() if query.chart != ChartSpec()}
    assert {name: spec.kinds() for name, spec in charts.items()} == {
        "barrier_frequencies_by_firm_group": ("bar", "line", "heatmap"),
        "eurostat_indicator_by_year": ("bar", "line"),
        "survey_construct_means_by_region": ("heatmap",),
        "technology_adoption_by_status": ("bar", "line"),
        "technology_adoption_by_status_per_cluster": ("heatmap",),
        "technology_adoption_by_technology": ("bar", "line"),
    }
    assert charts["technology_adoption_by_status"].y == ("planned", "piloting", "inUse", "abandoned")
