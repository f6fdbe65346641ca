"""``icgp import eurostat`` and the saved Eurostat queries, checked against the CSV itself."""

from __future__ import annotations

import csv
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import rdflib
from cli_runner import CliRunner
from rdflib import RDF, URIRef

from cli import app
from kg.importers.eurostat import CONF_STATUS, OBS_STATUS, OBS_VALUE, import_eurostat
from kg.importers.target import SDMX_CODE, SDMX_DIMENSION
from kg.ontology.concepts import load_concepts
from kg.ontology.namespaces import ICGP, QB
from kg.ontology.resources import sample_study_dir
from kg.query.catalogue import load_query_file, scoping_problems
from kg.query.parameters import prepare
from kg.query.run import StoreTarget, package_store

FIXTURES = Path(__file__).parent / "fixtures"
QUERIES = Path(__file__).parent.parent / "queries"
runner = CliRunner()


@pytest.fixture()
def study(tmp_path: Path) -> Path:
    target = tmp_path / "mini"
    shutil.copytree(FIXTURES / "build" / "mini", target)
    return target


@pytest.fixture(scope="module")
def dii(external_data: Path) -> Path:
    return external_data / "eurostat-ict-enterprises" / "isoc_e_dii.csv"


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory, dii: Path) -> tuple[Path, str]:
    """A copy of the mini study with isoc_e_dii imported by ``icgp import eurostat``, and what the command
    printed (once for the tests that only read them)."""
    target = tmp_path_factory.mktemp("eurostat") / "mini"
    shutil.copytree(FIXTURES / "build" / "mini", target)
    result = runner.invoke(app, ["import", "eurostat", str(dii), "--into", str(target)])
    assert result.exit_code == 0, result.output
    return target, result.stdout


@pytest.fixture(scope="module")
def imported_graph(imported: tuple[Path, str]) -> rdflib.Graph:
    """The file ``imported`` wrote, parsed (once: rdflib takes seconds). Read it, never change it."""
    return rdflib.Graph().parse(imported[0] / "imports" / "eurostat-isoc-e-dii.ttl")


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as stream:
        return list(csv.DictReader(stream))


@pytest.mark.slow
def test_every_row_with_a_value_becomes_one_observation(
    imported: tuple[Path, str], imported_graph: rdflib.Graph, dii: Path
) -> None:
    table = rows(dii)
    with_value = [r for r in table if r["OBS_VALUE"]]
    without = [r for r in table if not r["OBS_VALUE"]]
    assert (len(table), len(with_value), len(without)) == (2860, 2830, 30)
    stdout = imported[1]
    assert "  rows: 2860\n  observations: 2860\n  observations with a value: 2830\n" in stdout
    assert "  observations without a value: 30\n  confidential observations: 9\n" in stdout
    g = imported_graph
    observations = set(g.subjects(RDF.type, URIRef(QB.Observation)))
    valued = {s for s in observations if (s, URIRef(OBS_VALUE), None) in g}
    assert len(observations) == 2860 and len(valued) == 2830
    base = "https://example.org/id/mini/observation/isoc-e-dii/A/"
    for row in with_value:
        iri = URIRef(
            base + "/".join(row[c] for c in ("size_emp", "nace_r2", "indic_is", "unit", "geo", "TIME_PERIOD"))
        )
        assert Decimal(str(g.value(iri, URIRef(OBS_VALUE)))) == Decimal(row["OBS_VALUE"])
    # The 30 rows without a value keep their flags and never get a value, let alone 0.
    for row in without:
        iri = URIRef(
            base + "/".join(row[c] for c in ("size_emp", "nace_r2", "indic_is", "unit", "geo", "TIME_PERIOD"))
        )
        assert iri in observations and (iri, URIRef(OBS_VALUE), None) not in g
        if row["CONF_STATUS"] == "C":
            assert g.value(iri, URIRef(CONF_STATUS)) == URIRef(SDMX_CODE + "confStatus-C")
        else:
            flags = {
                str(g.value(f, rdflib.namespace.SKOS.notation)) for f in g.objects(iri, URIRef(OBS_STATUS))
            }
            assert flags == set(row["OBS_FLAG"])


def test_dimensions_use_nuts_and_the_size_vocabulary(imported_graph: rdflib.Graph) -> None:
    g = imported_graph
    obs = URIRef(
        "https://example.org/id/mini/observation/isoc-e-dii/A/10-49/C10-S951_X_K/E_DI3_GELO/PC_ENT/AT/2021"
    )
    assert g.value(obs, URIRef(SDMX_DIMENSION + "refArea")) == URIRef("http://data.europa.eu/nuts/code/AT")
    assert g.value(obs, URIRef(ICGP.employmentSizeClass)) == URIRef("https://w3id.org/icgp/vocab/size/small")
    assert str(g.value(obs, URIRef(SDMX_DIMENSION + "refPeriod"))) == "2021"
    eu = URIRef(
        "https://example.org/id/mini/observation/isoc-e-dii/A/GE10/C10-S951_X_K/E_DI3_GELO/PC_ENT/EU27_2020/2021"
    )
    assert g.value(eu, URIRef(SDMX_DIMENSION + "refArea")) == URIRef(
        "https://example.org/id/mini/eurostat/geo/EU27_2020"
    )
    assert g.value(eu, URIRef(ICGP.employmentSizeClass)) == URIRef(
        "https://example.org/id/mini/eurostat/size_emp/GE10"
    )
    indicator = URIRef("https://example.org/id/mini/eurostat/indic_is/E_DI3_GELO")
    assert (indicator, RDF.type, URIRef(ICGP.Indicator)) in g


def test_rows_without_a_value_can_be_skipped(study: Path, dii: Path) -> None:
    result = import_eurostat(dii, study, missing="skip")
    assert result.counts["observations"] == 2830
    assert result.counts["skipped rows without a value"] == 30


def test_the_ai_table_imports_too(study: Path, external_data: Path) -> None:
    result = import_eurostat(external_data / "eurostat-ict-enterprises" / "isoc_eb_ai.csv", study)
    assert result.path.name == "eurostat-isoc-eb-ai.ttl"
    assert result.counts["observations"] == 81
    assert result.counts["observations with a value"] == 80


def test_a_table_without_geo_is_refused(study: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("freq,TIME_PERIOD,OBS_VALUE\nA,2021,3\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "eurostat", str(bad), "--into", str(study)])
    assert result.exit_code == 2
    assert "bad.csv has no geo column" in result.stderr
    bad.write_text("geo,TIME_PERIOD,OBS_VALUE\nAT,2021,n/a\n", encoding="utf-8")
    result = runner.invoke(app, ["import", "eurostat", str(bad), "--into", str(study)])
    assert result.exit_code == 2
    assert "bad.csv:2:OBS_VALUE: 'n/a' is not a number" in result.stderr
    assert not (study / "imports").exists()


# --- saved queries -------------------------------------------------------------------------------


def test_eu27_share_of_small_enterprises_with_basic_digital_intensity_by_year(
    imported: tuple[Path, str], dii: Path
) -> None:
    store = StoreTarget(package_store(imported[0]))
    query = load_query_file(QUERIES / "eurostat_indicator_by_year.rq")
    assert scoping_problems(query) == []
    answer = store.run(prepare(query, {}))
    years = [(row[0], row[1]) for row in answer.values()]
    # Checked by hand in isoc_e_dii.csv: EU27_2020, 10-49, E_DI3_GELO.
    assert years == [("2021", "51.79"), ("2023", "54.78"), ("2025", "68.85")]
    expected = [
        (r["TIME_PERIOD"], r["OBS_VALUE"])
        for r in rows(dii)
        if (r["geo"], r["size_emp"], r["indic_is"]) == ("EU27_2020", "10-49", "E_DI3_GELO")
    ]
    assert years == sorted(expected)
    confidential = store.run(prepare(query, {"area": "ME", "size": "GE250"}))
    assert [(row[0], row[1], row[3]) for row in confidential.values()] == [
        ("2021", "67.17", None),
        ("2023", None, SDMX_CODE + "confStatus-C"),
        ("2025", "80.83", None),
    ]


def test_study_adoption_against_the_national_baseline_by_size_class(tmp_path: Path, dii: Path) -> None:
    sample = tmp_path / "sample"
    shutil.copytree(sample_study_dir(), sample)
    import_eurostat(dii, sample)
    query = load_query_file(QUERIES / "eurostat_sme_adoption_vs_baseline.rq")
    assert scoping_problems(query) == []
    answer = StoreTarget(package_store(sample)).run(prepare(query, {}))
    got = {row[0].rsplit("/", 1)[-1]: row[3:] for row in answer.values()}
    # The study side, counted from the sample study's tables.
    concepts = load_concepts()
    in_use = concepts.resolve("adoption-status", "in-use")
    users = {
        r["organisation"]
        for r in rows(sample / "adoptions.csv")
        if concepts.resolve("adoption-status", r["status"]) == in_use
    }
    sizes: dict[str, list[str]] = {}
    for org in rows(sample / "organisations.csv"):
        if org["size_class"]:
            slug = concepts.slug(concepts.resolve("size", org["size_class"]) or "")
            sizes.setdefault(slug, []).append(org["id"])
    # The baseline: Germany, the latest year of E_DI3_GELO, from the CSV.
    eurostat_size = {"small": "10-49", "medium": "50-249", "large": "GE250"}
    for slug, members in sizes.items():
        adopters = sum(1 for m in members if m in users)
        enterprises, counted, share, year, baseline, gap = got[slug]
        assert (int(enterprises), int(counted)) == (len(members), adopters)
        assert Decimal(share) == Decimal(round(Decimal(1000 * adopters) / len(members))) / 10
        if slug not in eurostat_size:
            assert (year, baseline, gap) == (None, None, None)
            continue
        latest = max(
            (
                r
                for r in rows(dii)
                if (r["geo"], r["size_emp"], r["indic_is"]) == ("DE", eurostat_size[slug], "E_DI3_GELO")
                and r["OBS_VALUE"]
            ),
            key=lambda r: r["TIME_PERIOD"],
        )
        assert (year, Decimal(baseline)) == (latest["TIME_PERIOD"], Decimal(latest["OBS_VALUE"]))
    assert got["small"][3:5] == ("2025", "70.99")
