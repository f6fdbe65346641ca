"""`icgp assess` on the sample study: verdicts, evidence, bad input, stored RDF, saved queries, endpoints."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_runner import CliRunner
from pyoxigraph import NamedNode, Quad, RdfFormat, Store, parse
from rdflib import Dataset
from test_endpoint import published, server  # noqa: F401  (module fixtures: a real oxigraph server)

from cli import app
from kg.assess.assessment import assess
from kg.assess.formats import to_json
from kg.assess.model import default_model_file
from kg.assess.rdf import assessment_quads
from kg.build.serialize import serialize_quads
from kg.build.study import BuiltStudy
from kg.problems import Severity
from kg.query.catalogue import find_query
from kg.query.parameters import prepare
from kg.query.run import StoreTarget
from kg.validation.validate import validate_rdf_file

runner = CliRunner()
REPO = Path(__file__).resolve().parent.parent
NECKAR = "https://w3id.org/icgp/id/stuttgart-i40-clusters/cluster/neckar-smart-production"
OSTALB = "https://w3id.org/icgp/id/stuttgart-i40-clusters/cluster/ostalb-ai-robotics"
GRAPH = "https://w3id.org/icgp/id/stuttgart-i40-clusters/assessment/graph"
EPOCH = "1700000000"


@pytest.fixture(scope="module")
def sample_json(sample_store: Store) -> dict[str, Any]:
    return to_json(assess(StoreTarget(sample_store)))


@pytest.fixture(scope="module")
def assessed_store(sample_store: Store) -> Iterator[Store]:
    store = Store()
    store.extend(sample_store.quads_for_pattern(None, None, None, None))
    store.extend(assessment_quads(assess(StoreTarget(sample_store))))
    yield store


def test_the_sample_clusters_differ_as_the_story_says(sample_json: dict[str, Any]) -> None:
    clusters = {c["id"]: c for c in sample_json["clusters"]}
    assert sorted(clusters) == ["neckar-smart-production", "ostalb-ai-robotics"]
    neckar, ostalb = clusters["neckar-smart-production"], clusters["ostalb-ai-robotics"]
    # The established, gold-labelled cluster acts as a pole; the network founded in 2020 is emerging.
    assert (neckar["verdict"]["id"], neckar["stage"]["notation"]) == ("pole", "RM6")
    assert (ostalb["verdict"]["id"], ostalb["stage"]["notation"]) == ("emerging-pole", "RM4")
    assert ostalb["roadmap"]["next_stage"] == "RM5"
    # Ostalb has no dominant core yet: dominance is what RM5 still needs.
    assert [n["criterion"] for n in ostalb["roadmap"]["needs"] if not n["met"]] == ["GP-C1"]
    assert ostalb["roadmap"]["barriers"][0]["notation"] == "F3.03"
    missing = sorted(t["label"] for t in ostalb["roadmap"]["missing_activity_types"])
    assert missing == ["Hackathon and challenge", "Joint R&D and innovation project", "Learning factory"]
    assert neckar["robust"] and ostalb["robust"]
    # data/README.md tells the same outcome.
    readme = " ".join((REPO / "data" / "README.md").read_text(encoding="utf-8").split())
    assert "comes out as a **pole** at roadmap stage **RM6**" in readme
    assert "comes out as an **emerging pole** at stage **RM4**" in readme
    assert "learning factories, hackathons and joint R&D projects" in readme
    for cluster in (neckar, ostalb):
        assert cluster["period"] == {"from": "2020-01-01", "to": "2021-06-30"}
        for criterion in cluster["criteria"]:
            # Segments on one passage (two coders) count once: never more than the evidence listed.
            assert 0 < criterion["evidence_count"] <= len(criterion["evidence"])
            assert all(
                e.startswith("https://w3id.org/icgp/id/stuttgart-i40-clusters/")
                for e in criterion["evidence"]
            )


def test_the_table_names_verdict_stage_and_next_step() -> None:
    result = runner.invoke(app, ["assess", "--cluster", "ostalb-ai-robotics"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["cluster", "period", "verdict"]
    assert "Ostalb AI and Robotics Network" in lines[1] and "Neckar" not in result.stdout
    assert (
        "Ostalb AI and Robotics Network, 2020-01-01 to 2021-06-30: emerging pole (growth-pole index "
        in result.stdout
    )
    assert "Next: RM5 Propel innovation around anchors, which needs GP-C1 at least 0.5" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--cluster", "neckar"], "no cluster 'neckar' in the data"),
        (["--period", "2021-01-01/2020-01-01"], "is empty: it ends before it starts"),
        (
            ["--period", "1990/1991"],
            "the period 1990-01-01/1991-12-31 holds no data of the clusters assessed",
        ),
        (["--model", "missing.yaml"], "model file missing.yaml does not exist"),
    ],
)
def test_bad_input_exits_2_with_a_message(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["assess", *args])
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_a_model_missing_a_criterion_exits_2_with_file_and_line(tmp_path: Path) -> None:
    text = default_model_file().read_text(encoding="utf-8")
    cut = text[: text.index("  - criterion: GP-C6")] + text[text.index("verdict:") :]
    model = tmp_path / "model.yaml"
    model.write_text(cut, encoding="utf-8")
    result = runner.invoke(app, ["assess", "--model", str(model)])
    assert result.exit_code == 2
    assert f"{model}:" in result.stderr and "the model has no criterion GP-C6" in result.stderr


def test_a_cluster_without_data_gets_insufficient_evidence(sample_store: Store) -> None:
    store = Store()
    store.extend(sample_store.quads_for_pattern(None, None, None, None))
    empty = NamedNode("https://w3id.org/icgp/id/stuttgart-i40-clusters/cluster/empty")
    study = NamedNode("https://w3id.org/icgp/id/stuttgart-i40-clusters/study/stuttgart-i40-clusters")
    graph = NamedNode("https://w3id.org/icgp/id/stuttgart-i40-clusters/graph")
    icgp = "https://w3id.org/icgp/ontology#"
    store.extend(
        [
            Quad(
                empty,
                NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                NamedNode(icgp + "InnovationCluster"),
                graph,
            ),
            Quad(empty, NamedNode(icgp + "studiedIn"), study, graph),
        ]
    )
    run = assess(StoreTarget(store), cluster_names=[empty.value])
    (only,) = run.assessments
    assert only.outcome.verdict == "insufficient-evidence"
    assert only.outcome.stage is None and only.outcome.index is None
    assert all(not c.sufficient and not c.evidence for c in only.outcome.criteria)


def test_stored_assessments_validate_and_a_broken_one_does_not(assessed_store: Store, tmp_path: Path) -> None:
    quads = list(assessed_store.quads_for_pattern(None, None, None, None))
    good = tmp_path / "assessed.nq"
    good.write_bytes(
        serialize_quads([q for q in quads if q.graph_name.value != "https://w3id.org/icgp/ontology"], "nq")
    )
    problems = [p for p in validate_rdf_file(good).problems if p.severity is Severity.VIOLATION]
    assert problems == []
    verdict = NamedNode("https://w3id.org/icgp/ontology#overallVerdict")
    broken = tmp_path / "broken.nq"
    broken.write_bytes(serialize_quads([q for q in quads if q.predicate != verdict], "nq"))
    rules = {p.rule for p in validate_rdf_file(broken).problems if p.severity is Severity.VIOLATION}
    assert rules == {"shacl.Assessment-overallVerdict"}


def test_the_rdf_parses_in_rdflib_and_two_runs_are_identical(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    first, second = tmp_path / "a.trig", tmp_path / "b.trig"
    for out in (first, second):
        result = runner.invoke(app, ["assess", "--format", "trig", "--output", str(out)])
        assert result.exit_code == 0, result.output
    assert first.read_bytes() == second.read_bytes()
    dataset = Dataset()
    dataset.parse(first, format="trig")
    assert {str(g.identifier) for g in dataset.graphs() if len(g)} == {GRAPH}
    ours = list(parse(path=str(first), format=RdfFormat.TRIG))
    assert set(ours) == set(parse(path=str(second), format=RdfFormat.TRIG))  # no blank nodes to map
    assert sum(1 for g in dataset.graphs() for _ in g) == len(ours)


def test_build_assess_stores_the_assessment_beside_the_study(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    result = runner.invoke(app, ["build", "data", "--store", str(store_dir), "--assess"])
    assert result.exit_code == 0, result.output
    store = Store.read_only(str(store_dir))
    graphs = {g.value for g in store.named_graphs()}
    assert GRAPH in graphs and "https://w3id.org/icgp/id/stuttgart-i40-clusters/graph" in graphs
    rows = StoreTarget(store).run(prepare(find_query("assessments_by_cluster"), {}))
    verdicts = {r[0].value: (r[6].value, r[7].value) for r in rows.rows if r[0] and r[6] and r[7]}
    assert verdicts == {NECKAR: ("Pole", "RM6"), OSTALB: ("Emerging pole", "RM4")}


def test_saved_queries_read_stored_assessments(assessed_store: Store, sample_json: dict[str, Any]) -> None:
    target = StoreTarget(assessed_store)
    by_cluster = target.run(prepare(find_query("assessments_by_cluster"), {}))
    names = by_cluster.variables
    rows = [dict(zip(names, row, strict=True)) for row in by_cluster.rows]
    assert [r["clusterLabel"].value for r in rows] == [
        "Neckar Smart Production Cluster",
        "Ostalb AI and Robotics Network",
    ]
    expected = {c["cluster"]: c for c in sample_json["clusters"]}
    for row in rows:
        cluster = expected[row["cluster"].value]
        assert float(row["index"].value) == pytest.approx(cluster["index"])
        assert float(row["dominance"].value) == pytest.approx(cluster["criteria"][0]["score"])
        assert float(row["backwashRisk"].value) == pytest.approx(cluster["criteria"][5]["score"])
        assert row["modelVersion"].value == "1.0.0"
    history = target.run(prepare(find_query("assessment_history"), {"cluster": OSTALB}))
    (only,) = history.rows
    values = dict(zip(history.variables, only, strict=True))
    assert (values["verdict"].value, values["stage"].value, values["nextStage"].value) == (
        "Emerging pole",
        "RM4",
        "RM5",
    )
    holding = sum(c["holds"] for c in expected[OSTALB]["criteria"])
    assert int(values["criteriaHolding"].value) == holding
    evidence = target.run(
        prepare(find_query("assessment_evidence"), {"cluster": NECKAR, "criterion": "GP-C1"})
    )
    items = [dict(zip(evidence.variables, row, strict=True))["evidence"].value for row in evidence.rows]
    assert sorted(items) == sorted(expected[NECKAR]["criteria"][0]["evidence"])


def test_the_endpoint_gives_the_same_assessment(
    server: str,  # noqa: F811
    published: dict[str, Any],  # noqa: F811
    sample_store: Store,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    result = runner.invoke(app, ["assess", "--endpoint", f"{server}/query", "--format", "json"])
    assert result.exit_code == 0, result.output
    remote = json.loads(result.stdout)
    local = json.loads(json.dumps(to_json(assess(StoreTarget(sample_store)))))
    for document in (remote, local):
        document.pop("source")
        document.pop("generated")
    assert remote == local


def test_a_release_with_assess_carries_the_assessment(sample_built: BuiltStudy, tmp_path: Path) -> None:
    del sample_built  # the session's sample build warms the caches the release reuses
    out = tmp_path / "release"
    result = runner.invoke(app, ["release", "data", "--out", str(out), "--version", "1.0.0", "--assess"])
    assert result.exit_code == 0, result.output
    data = sorted(p.name for p in (out / "data").iterdir() if p.stem == "stuttgart-i40-clusters-assessment")
    assert data == [f"stuttgart-i40-clusters-assessment.{s}" for s in ("jsonld", "nq", "ttl")]
    released = list(
        parse(path=str(out / "data" / "stuttgart-i40-clusters-assessment.nq"), format=RdfFormat.N_QUADS)
    )
    assert {q.graph_name.value for q in released} == {GRAPH}
    assessments = {q.subject.value for q in released if q.object.value.endswith("#GrowthPoleAssessment")}
    assert len(assessments) == 2
    # Regression: the release moved the assessments' generation times out as build times, and the
    # released file then failed its own shapes.
    problems = validate_rdf_file(out / "data" / "stuttgart-i40-clusters-assessment.nq").problems
    assert [p.rule for p in problems if p.severity is Severity.VIOLATION] == []
    assert "records no privacy flags" not in result.output
