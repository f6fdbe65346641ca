"""maturity.csv: digital maturity assessments from the table to the graph, the checks, and the sample.

A tiny package (the mini study plus a maturity table) must build to exactly the triples worked out below;
each kind of bad row must give one violation at its file, row and column, and ``icgp build`` exit 2; the
sample must carry T0 and T1 assessments for at least 30 firms and tell its story.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import rdflib
from cli_runner import CliRunner
from graph_compare import isomorphic
from pyoxigraph import Literal, NamedNode, Quad, Store

from cli import app
from kg.build.study import BuiltStudy, build_package, write_graph
from kg.ontology.namespaces import ICGP
from kg.package.table_checks import check_path
from kg.problems import Severity
from kg.validation.validate import validate_path

MINI = Path(__file__).parent / "fixtures" / "build" / "mini"
M = "https://example.org/id/mini/maturity/"
HEADER = "organisation,date,framework,dimension,score,stage,evidence"
runner = CliRunner()

# Two DMA assessments of acme and an acatech one of bigco. The framework and the dimension are written
# the ways the checks accept (notation, slug, label, any case). acme's first overall score is
# (40 + 45.5 + 41) / 3 = 42.1666... -> 42.17; its second (10 + 10.01) / 2 = 10.005 -> 10.01 (half up).
TINY = [
    "acme,2020-03-02,DMA,DMA1,40,,fg1",
    "acme,2020-03-02,dma,digital-readiness,45.5,,fg1",
    "acme,2020-03-02,DMA,Human-centric digitalisation,41,,",
    "acme,2021-04-12,DMA,DMA1,10,,",
    "acme,2021-04-12,DMA,DMA6,10.01,,",
    "bigco,2020-05-04,Acatech,,,AC2,fg1",
]

EXPECTED = """
@prefix icgp: <https://w3id.org/icgp/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dma: <https://w3id.org/icgp/vocab/dma/> .
@prefix acatech: <https://w3id.org/icgp/vocab/acatech/> .
@prefix org: <https://example.org/id/mini/organisation/> .
@prefix src: <https://example.org/id/mini/source/> .
@prefix t0: <https://example.org/id/mini/maturity/acme/dma/2020-03-02/> .
@prefix t1: <https://example.org/id/mini/maturity/acme/dma/2021-04-12/> .
@prefix ac: <https://example.org/id/mini/maturity/bigco/acatech/2020-05-04/> .

<https://example.org/id/mini/maturity/acme/dma/2020-03-02> a icgp:MaturityAssessment ;
    icgp:assessedEntity org:acme ;
    prov:generatedAtTime "2020-03-02T00:00:00"^^xsd:dateTime ;
    icgp:maturityModel <https://w3id.org/icgp/vocab/dma> ;
    prov:wasGeneratedBy t0:assessing ;
    icgp:hasEvidence src:fg1 ;
    icgp:maturityScore "42.17"^^xsd:decimal ;
    icgp:hasDimensionScore t0:digital-business-strategy , t0:digital-readiness ,
        t0:human-centric-digitalisation .
t0:assessing a prov:Activity .
t0:digital-business-strategy a icgp:MaturityDimensionScore ;
    icgp:maturityDimension dma:digital-business-strategy ;
    icgp:maturityScore "40"^^xsd:decimal .
t0:digital-readiness a icgp:MaturityDimensionScore ;
    icgp:maturityDimension dma:digital-readiness ;
    icgp:maturityScore "45.5"^^xsd:decimal .
t0:human-centric-digitalisation a icgp:MaturityDimensionScore ;
    icgp:maturityDimension dma:human-centric-digitalisation ;
    icgp:maturityScore "41"^^xsd:decimal .

<https://example.org/id/mini/maturity/acme/dma/2021-04-12> a icgp:MaturityAssessment ;
    icgp:assessedEntity org:acme ;
    prov:generatedAtTime "2021-04-12T00:00:00"^^xsd:dateTime ;
    icgp:maturityModel <https://w3id.org/icgp/vocab/dma> ;
    prov:wasGeneratedBy t1:assessing ;
    icgp:maturityScore "10.01"^^xsd:decimal ;
    icgp:hasDimensionScore t1:digital-business-strategy , t1:green-digitalisation .
t1:assessing a prov:Activity .
t1:digital-business-strategy a icgp:MaturityDimensionScore ;
    icgp:maturityDimension dma:digital-business-strategy ;
    icgp:maturityScore "10"^^xsd:decimal .
t1:green-digitalisation a icgp:MaturityDimensionScore ;
    icgp:maturityDimension dma:green-digitalisation ;
    icgp:maturityScore "10.01"^^xsd:decimal .

<https://example.org/id/mini/maturity/bigco/acatech/2020-05-04> a icgp:MaturityAssessment ;
    icgp:assessedEntity org:bigco ;
    prov:generatedAtTime "2020-05-04T00:00:00"^^xsd:dateTime ;
    icgp:maturityModel <https://w3id.org/icgp/vocab/acatech> ;
    prov:wasGeneratedBy ac:assessing ;
    icgp:maturityStage acatech:connectivity ;
    icgp:hasEvidence src:fg1 .
ac:assessing a prov:Activity .
"""


@pytest.fixture(autouse=True)
def fixed_build_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def package(tmp_path: Path, rows: list[str]) -> Path:
    """The mini study (which has no maturity table) plus a maturity.csv of ``rows``."""
    target = shutil.copytree(MINI, tmp_path / "pkg")
    (target / "maturity.csv").write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    return target


def text(term: object) -> str:
    """The IRI of a named node or the lexical form of a literal (empty for anything else)."""
    return term.value if isinstance(term, NamedNode | Literal) else ""


def as_rdflib(quads: list[Quad]) -> rdflib.Graph:
    data = write_graph(quads, None, "nt")
    assert data is not None
    return rdflib.Graph().parse(data=data.decode("utf-8"), format="nt")


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> BuiltStudy:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", "1700000000")
        return build_package(package(tmp_path_factory.mktemp("tiny"), TINY))


def test_a_tiny_package_builds_exactly_the_expected_maturity_triples(tiny: BuiltStudy) -> None:
    built = [q for q in tiny.result.quads if text(q.subject).startswith(M)]
    assert len(built) == len(set(built))  # an assessment of several rows is typed once
    expected = rdflib.Graph().parse(data=EXPECTED, format="turtle")
    actual = as_rdflib(built)
    assert len(actual) == len(expected) == 43
    assert isomorphic(actual, expected)


def test_the_table_adds_only_its_triples_and_its_file(tiny: BuiltStudy) -> None:
    # Packages without the table build as before: the mini study's graph is the tiny one's minus the
    # assessments and the record of the extra input file.
    without = set(build_package(MINI).result.quads)
    with_table = set(tiny.result.quads)
    assert without <= with_table
    extra = with_table - without
    file = "https://example.org/id/mini/file/maturity.csv"
    assert {q for q in extra if not text(q.subject).startswith(M)} == {
        q for q in extra if file in (text(q.subject), text(q.object))
    }
    assert len(extra) == 43 + 5  # the file: typed, label, checksum, used by the build, derived from


def test_the_source_map_points_at_each_row_and_column(tiny: BuiltStudy) -> None:
    locate = tiny.source_map.locate
    assert locate(M + "acme/dma/2020-03-02") == ("maturity.csv", 2, None)
    assert locate(M + "acme/dma/2020-03-02", str(ICGP.assessedEntity)) == ("maturity.csv", 2, "organisation")
    assert locate(M + "acme/dma/2020-03-02/digital-readiness", str(ICGP.maturityScore)) == (
        "maturity.csv",
        3,
        "score",
    )
    assert locate(M + "acme/dma/2021-04-12/green-digitalisation", str(ICGP.maturityDimension)) == (
        "maturity.csv",
        6,
        "dimension",
    )
    assert locate(M + "bigco/acatech/2020-05-04", str(ICGP.maturityStage)) == ("maturity.csv", 7, "stage")


VALID = "acme,2020-03-02,DMA,DMA1,40,,"
# One bad row after a valid one (so always on line 3): the rule, the column and the message.
BAD_ROWS = {
    "unknown dimension": (
        "acme,2020-03-02,DMA,digital readyness,40,,",
        "table.concept",
        "dimension",
        "dimension 'digital readyness' is not a known DMA dimension; did you mean "
        "'digital-readiness' (DMA2)?",
    ),
    "score above 100": (
        "acme,2020-03-02,DMA,DMA2,120,,",
        "table.range",
        "score",
        "score '120' is out of range; expected a value from 0 to 100",
    ),
    "score below 0": (
        "acme,2020-03-02,DMA,DMA2,-0.5,,",
        "table.range",
        "score",
        "score '-0.5' is out of range; expected a value from 0 to 100",
    ),
    "decimal comma": (
        'acme,2020-03-02,DMA,DMA2,"4,5",,',
        "table.type",
        "score",
        "score '4,5' is not a number; use '.' as the decimal mark: 4.5",
    ),
    "DMA row without score": (
        "acme,2020-03-02,DMA,DMA2,,,",
        "table.required",
        "score",
        "score is empty; DMA rows of maturity.csv need a score",
    ),
    "DMA row without dimension": (
        "acme,2020-03-03,DMA,,40,,",
        "table.required",
        "dimension",
        "dimension is empty; DMA rows of maturity.csv need a dimension",
    ),
    "acatech row without stage": (
        "acme,2020-03-02,ACATECH,,,,",
        "table.required",
        "stage",
        "stage is empty; ACATECH rows of maturity.csv need a stage",
    ),
    "stage on a DMA row": (
        "acme,2020-03-02,DMA,DMA2,40,AC2,",
        "table.framework",
        "stage",
        "stage is given on a DMA row; only ACATECH rows have a stage, so leave it empty or change the "
        "framework",
    ),
    "score on an acatech row": (
        "acme,2020-03-02,ACATECH,,40,AC2,",
        "table.framework",
        "score",
        "score is given on an ACATECH row; only DMA rows have a score, so leave it empty or change the "
        "framework",
    ),
    "duplicate dimension": (
        "acme,2020-03-02,dma,digital-business-strategy,45,,",
        "table.unique",
        "organisation",
        "the combination organisation 'acme', date '2020-03-02', framework 'dma', dimension "
        "'digital-business-strategy' appears twice (also on row 2); merge the two rows",
    ),
    "unknown framework": (
        "acme,2020-03-02,dmaa,DMA2,40,,",
        "table.type",
        "framework",
        "framework 'dmaa' is not one of DMA, ACATECH; did you mean 'DMA'?",
    ),
    "unknown organisation": (
        "acmee,2020-03-02,DMA,DMA2,40,,",
        "table.foreign-key",
        "organisation",
        "organisation 'acmee' is not an id in organisations.csv; did you mean 'acme'?",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_ROWS))
def test_each_bad_row_is_one_violation_at_its_row_and_column(tmp_path: Path, case: str) -> None:
    row, rule, column, message = BAD_ROWS[case]
    checked = check_path(package(tmp_path, [VALID, row]))
    found = [(p.severity, p.rule, p.file, p.row, p.column, p.message) for p in checked.problems]
    assert found == [(Severity.VIOLATION, rule, "maturity.csv", 3, column, message)]


def test_two_acatech_rows_of_one_date_are_a_duplicate(tmp_path: Path) -> None:
    rows = ["acme,2020-03-02,ACATECH,,,AC2,", "acme,2020-03-02,acatech,,,AC3,"]
    checked = check_path(package(tmp_path, rows))
    assert [(p.rule, p.row, p.column, p.message) for p in checked.problems] == [
        (
            "table.unique",
            3,
            "organisation",
            "the combination organisation 'acme', date '2020-03-02', framework 'acatech', dimension "
            "'(empty)' appears twice (also on row 2); merge the two rows",
        )
    ]


def test_build_exits_2_naming_file_row_and_column(tmp_path: Path) -> None:
    row, _, column, message = BAD_ROWS["score above 100"]
    result = runner.invoke(app, ["build", str(package(tmp_path, [VALID, row]))])
    assert result.exit_code == 2
    assert f"maturity.csv:3:{column}: violation: {message}" in result.stderr
    assert "Traceback" not in result.output


def test_validate_reports_a_bad_row_once_not_again_through_the_shapes(tmp_path: Path) -> None:
    # The graph checks build from the rows the table checks let through; a row that fills another
    # framework's column must not come back as a shape violation on its assessment.
    rows = [
        "acme,2020-03-02,ACATECH,,,AC2,",
        "acme,2020-03-05,DMA,DMA2,40,AC2,",
        "bigco,2020-03-05,ACATECH,,,,",
    ]
    outcome = validate_path(package(tmp_path, rows))
    assert [
        (p.rule, p.file, p.row, p.column) for p in outcome.problems if p.severity is Severity.VIOLATION
    ] == [
        ("table.framework", "maturity.csv", 3, "stage"),
        ("table.required", "maturity.csv", 4, "stage"),
    ]


# -- the sample ---------------------------------------------------------------------------------------

DMA_DATES = """
PREFIX icgp: <https://w3id.org/icgp/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?org ?date ?score WHERE {
    ?a a icgp:MaturityAssessment ; icgp:assessedEntity ?org ; prov:generatedAtTime ?date ;
       icgp:maturityModel <https://w3id.org/icgp/vocab/dma> ; icgp:maturityScore ?score .
}
"""
NECKAR = "https://w3id.org/icgp/id/stuttgart-i40-clusters/cluster/neckar-smart-production"
OSTALB = "https://w3id.org/icgp/id/stuttgart-i40-clusters/cluster/ostalb-ai-robotics"
REACHED = """
PREFIX icgp: <https://w3id.org/icgp/ontology#>
SELECT DISTINCT ?org WHERE { ?activity icgp:organisedInCluster <%s> ; icgp:beneficiary ?org . }
"""


def gains(store: Store) -> dict[str, float]:
    """Each organisation's DMA gain in the study period: latest minus earliest overall score."""
    dated: dict[str, list[tuple[str, float]]] = {}
    for row in store.query(DMA_DATES, use_default_graph_as_union=True):  # type: ignore[union-attr]
        date = row["date"].value[:10]
        if "2020-01-01" <= date <= "2021-06-30":
            dated.setdefault(row["org"].value, []).append((date, float(row["score"].value)))
    return {org: max(v)[1] - min(v)[1] for org, v in dated.items() if len(v) >= 2}


def reached(store: Store, cluster: str) -> set[str]:
    query = store.query(REACHED % cluster, use_default_graph_as_union=True)
    return {row["org"].value for row in query}  # type: ignore[union-attr]


def test_the_sample_has_t0_and_t1_for_at_least_30_firms(sample_store: Store) -> None:
    rows = list(sample_store.query(DMA_DATES, use_default_graph_as_union=True))  # type: ignore[arg-type]
    firms = {row["org"].value for row in rows}
    assert len(firms) == 40  # every SME and startup of the sample
    assert len(gains(sample_store)) == 37  # three dropped out after T0
    # one firm was assessed a third time after the study period
    late = sorted({row["org"].value.rsplit("/", 1)[1] for row in rows if row["date"].value > "2021-07"})
    assert late == ["org-15"]


def test_the_sample_tells_its_story(sample_store: Store) -> None:
    by_org = gains(sample_store)
    neckar, ostalb = reached(sample_store, NECKAR), reached(sample_store, OSTALB)
    established = [g for org, g in by_org.items() if org in neckar]
    emerging_only = [g for org, g in by_org.items() if org in ostalb and org not in neckar]
    assert len(established) == 29 and len(emerging_only) == 8
    # Reached by the established cluster: about +12..+18 on the mean; by the emerging network only: a little.
    assert 12 <= sum(established) / len(established) <= 18
    assert 3 <= sum(emerging_only) / len(emerging_only) <= 7
    assert min(established) > max(emerging_only)


def test_the_sample_graph_conforms_to_the_maturity_shapes() -> None:
    outcome = validate_path(Path(__file__).resolve().parent.parent / "data")
    assert [p for p in outcome.problems if p.severity is not Severity.INFO] == []
    assert not [p for p in outcome.problems if p.file == "maturity.csv"]
