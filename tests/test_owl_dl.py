"""OWL 2 DL over the import closure: the bundled stand-ins of the imported ontologies, OWL-RL beside
HermiT, ``icgp ontology check --data``, and the datatype and declaration rules on the built sample."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from cli_runner import CliRunner
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, XSD

from cli import app
from kg.assess.assessment import assess
from kg.assess.rdf import assessment_quads
from kg.build.study import BuiltStudy
from kg.ontology import quality as oc
from kg.ontology import reasoning, resources
from kg.ontology.loading import (
    ImportClosure,
    default_files,
    import_catalog,
    import_graph,
    imports_dir,
    load_store,
    load_with_imports,
)
from kg.query.run import StoreTarget

OWL_FIXTURES = Path(__file__).parent / "fixtures" / "owl"
MODULE = OWL_FIXTURES / "study-module.ttl"
DERIVED = OWL_FIXTURES / "derived-from-study.ttl"
GENERATED = OWL_FIXTURES / "generated-by-study.ttl"
QC = Path(__file__).parent / "fixtures" / "qc"

PROV = "http://www.w3.org/ns/prov#"
ICGP = "https://w3id.org/icgp/ontology#"
STUDY = "https://w3id.org/icgp/id/test/study"
PROV_CLASH = f"Disjoint classes {PROV}Entity and {PROV}Activity have a common individual https://w3id.org/icgp/id/test/study"
IMPORT_FILES = ["dcat.ttl", "dcterms.ttl", "foaf.ttl", "oa.ttl", "org.ttl", "prov.ttl", "qb.ttl", "skos.ttl"]
DL_RULES = [rule for rule in oc.load_rules() if rule.name in ("non_owl2_datatype", "undeclared_term")]

runner = CliRunner()


def dl_findings(store: ox.Store) -> list[tuple[str, tuple[str | None, str | None, str | None]]]:
    """What the two OWL 2 DL profile rules find in a store."""
    return [(finding.rule, finding.row()) for rule in DL_RULES for finding in oc.run_rule(store, rule)]


# --------------------------------------------------------------------------------------------------
# The bundled stand-ins of the imported ontologies


def test_catalog_maps_every_import_of_the_core_to_a_bundled_file() -> None:
    catalog = import_catalog()
    assert sorted(catalog) == [
        "http://purl.org/dc/terms",
        "http://purl.org/linked-data/cube",
        "http://www.w3.org/2004/02/skos/core",
        "http://www.w3.org/ns/dcat",
        "http://www.w3.org/ns/oa",
        "http://www.w3.org/ns/org",
        "http://www.w3.org/ns/prov",
        "http://www.w3.org/ns/prov-o",
        "http://xmlns.com/foaf/0.1",
    ]
    assert sorted({path.name for path in catalog.values()}) == IMPORT_FILES
    assert all(path.parent == imports_dir() for path in catalog.values())
    core = Graph().parse(resources.ontology_file())
    assert {str(iri) for iri in core.objects(URIRef("https://w3id.org/icgp/ontology"), OWL.imports)} == {
        "http://www.w3.org/2004/02/skos/core",
        "http://www.w3.org/ns/prov-o",
        "http://www.w3.org/ns/org",
        "http://purl.org/linked-data/cube",
        "http://www.w3.org/ns/oa",
        "http://xmlns.com/foaf/0.1/",
        "http://www.w3.org/ns/dcat",
        "http://purl.org/dc/terms/",
    }
    _, closure = load_with_imports([resources.ontology_file()])
    assert ([path.name for path in closure.files], closure.unresolved) == (IMPORT_FILES, ())


def test_imports_load_into_graphs_of_their_own_and_unknown_ones_are_reported(tmp_path: Path) -> None:
    module = tmp_path / "module.ttl"
    module.write_text(
        "@prefix owl: <http://www.w3.org/2002/07/owl#> .\n"
        "<https://example.org/module> a owl:Ontology ;\n"
        "    owl:imports <http://www.w3.org/ns/prov-o#> , <https://example.org/elsewhere> .\n",
        encoding="utf-8",
    )
    store, closure = load_with_imports([module])
    prov = imports_dir() / "prov.ttl"
    assert closure == ImportClosure(files=(prov,), unresolved=("https://example.org/elsewhere",))
    assert len(list(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))) == 3
    in_prov_graph = list(store.quads_for_pattern(None, None, None, ox.NamedNode(import_graph(prov))))
    assert len(in_prov_graph) == len(Graph().parse(prov))


@pytest.mark.parametrize("name", IMPORT_FILES)
def test_each_stand_in_is_owl2_dl_on_its_own_and_cites_its_source(name: str) -> None:
    path = imports_dir() / name
    assert dl_findings(load_store([path])) == []
    graph = Graph().parse(path)
    assert list(graph.subjects(RDF.type, OWL.Ontology)) == []  # a set of axioms, not a rival ontology
    header = path.read_text(encoding="utf-8").split("@prefix")[0]
    assert "# Source:" in header and "# Licence of the source:" in header


def test_prov_stand_in_keeps_the_disjointness_of_entities_and_activities() -> None:
    graph = Graph().parse(imports_dir() / "prov.ttl")
    assert (URIRef(PROV + "Entity"), OWL.disjointWith, URIRef(PROV + "Activity")) in graph


# --------------------------------------------------------------------------------------------------
# A data set derived from a study: caught once PROV-O is loaded


@pytest.mark.java
def test_hermit_catches_a_data_set_derived_from_a_study() -> None:
    derived, _ = load_with_imports([MODULE, DERIVED])
    assert reasoning.reason(derived).consistent is False
    generated, _ = load_with_imports([MODULE, GENERATED])
    verdict = reasoning.reason(generated)
    assert (verdict.consistent, verdict.unsatisfiable) == (True, ())
    # without PROV-O's disjointness axiom the same error goes unnoticed
    assert reasoning.reason(load_store([MODULE, DERIVED])).consistent is True


def test_owl_rl_names_the_clash_of_a_data_set_derived_from_a_study() -> None:
    derived, _ = load_with_imports([MODULE, DERIVED])
    result = reasoning.reason_owl_rl(derived)
    assert (result.reasoner, result.consistent, result.clashes) == ("OWL-RL", False, (PROV_CLASH,))
    assert result.message == "the OWL-RL closure derives 1 clash(es): no interpretation satisfies all axioms"
    generated, _ = load_with_imports([MODULE, GENERATED])
    verdict = reasoning.reason_owl_rl(generated)
    assert (verdict.consistent, verdict.clashes) == (True, ())
    assert reasoning.reason_owl_rl(load_store([MODULE, DERIVED])).consistent is True


def test_owl_rl_agrees_with_hermit_on_the_reasoner_fixtures() -> None:
    clash = reasoning.reason_owl_rl([QC / "reasoner_inconsistent.ttl"])
    assert clash.clashes == (
        f"Disjoint classes {ICGP}PublicAuthority and {ICGP}Firm have a common individual "
        "https://w3id.org/icgp/id/test/organisation/o1",
    )
    assert reasoning.reason_owl_rl([QC / "clean.ttl"]).ok


def test_owl_rl_reports_members_of_nothing_and_nodes_different_from_themselves() -> None:
    graph = Graph()
    graph.add((URIRef("https://example.org/a"), RDF.type, OWL.Nothing))
    graph.add((URIRef("https://example.org/b"), OWL.differentFrom, URIRef("https://example.org/b")))
    result = reasoning.reason_owl_rl(graph)
    assert result.consistent is False
    assert "https://example.org/a is a member of owl:Nothing" in result.clashes
    assert "https://example.org/b is declared different from itself" in result.clashes


def test_prepare_rl_graph_leaves_out_annotations_and_imports() -> None:
    graph = Graph().parse(QC / "clean.ttl")
    prepared, notes = reasoning.prepare_rl_graph(graph)
    assert notes == (
        "annotation assertions left out (they carry no meaning for consistency): 42",
        "owl:imports statements dropped (the given files are reasoned over instead): 1",
    )
    assert len(prepared) == len(graph) - 43
    assert not any(predicate == OWL.imports for predicate in prepared.predicates())


# --------------------------------------------------------------------------------------------------
# icgp ontology check --data


def test_cli_data_reasons_over_the_data_with_the_ontology_and_its_imports() -> None:
    result = runner.invoke(
        app, ["ontology", "check", str(MODULE), "--data", str(DERIVED), "--reasoner", "owl-rl", "-f", "json"]
    )
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert (report["files"], report["data"]) == ([str(MODULE)], [str(DERIVED)])
    assert [Path(name).name for name in report["imports"]] == ["dcat.ttl", "prov.ttl"]
    assert report["reasoner"] is None
    assert (report["owl_rl"]["consistent"], report["owl_rl"]["clashes"]) == (False, [PROV_CLASH])


@pytest.mark.java
def test_cli_data_text_report_shows_both_verdicts() -> None:
    result = runner.invoke(app, ["ontology", "check", str(MODULE), "--data", str(DERIVED)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert f"data: {DERIVED}" in lines
    hermit = next(line for line in lines if line.startswith("reasoner (HermiT"))
    assert hermit.endswith(
        "INCONSISTENT - HermiT found the ontology inconsistent: no interpretation satisfies all axioms"
    )
    at = next(i for i, line in enumerate(lines) if line.startswith("reasoner (OWL-RL"))
    assert lines[at].endswith(
        "INCONSISTENT - the OWL-RL closure derives 1 clash(es): no interpretation satisfies all axioms"
    )
    assert lines[at + 1] == f"  {PROV_CLASH}"
    assert lines[-1] == "result: FAILED (fail-on error)"


@pytest.mark.java
def test_cli_names_what_it_changed_before_reasoning(tmp_path: Path) -> None:
    # Regression: xsd:date literals used to be rewritten for HermiT without a word in the report.
    result = runner.invoke(
        app, ["ontology", "check", "--reasoner", "hermit", str(QC / "reasoner_datatypes.ttl")]
    )
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert "ERROR non_owl2_datatype: Datatype outside the OWL 2 datatype map (5)" in lines
    assert "  changed before reasoning: xsd:date literals turned into xsd:dateTime: 3" in lines


def test_cli_data_builds_a_package_and_refuses_an_invalid_one() -> None:
    broken = Path(__file__).parent / "fixtures" / "packages" / "broken-date"
    result = runner.invoke(app, ["ontology", "check", "--no-reasoner", "--data", str(broken)])
    assert result.exit_code == 2
    assert "violation(s); nothing was built" in result.stderr
    assert "Traceback" not in result.output


def test_cli_data_refuses_a_folder_that_is_no_package(tmp_path: Path) -> None:
    result = runner.invoke(app, ["ontology", "check", "--no-reasoner", "--data", str(tmp_path)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"error: {tmp_path}: a folder without datapackage.yaml; "
        "give a study package or an RDF file to --data\n"
    )


def test_cli_data_refuses_a_missing_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    result = runner.invoke(app, ["ontology", "check", "--no-reasoner", "--data", str(missing)])
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"error: {missing}: no such file or folder; give a study package or an RDF file to --data\n"
    )


@pytest.mark.java
def test_cli_data_on_the_sample_study_passes() -> None:
    sample = resources.sample_study_dir()
    result = runner.invoke(
        app, ["ontology", "check", "--data", str(sample), "--reasoner", "hermit", "--format", "json"]
    )
    assert result.exit_code == 0, result.stdout[-2000:]
    report = json.loads(result.stdout)
    assert (report["data"], report["counts"], report["passed"]) == (
        [str(sample)],
        {"error": 0, "warn": 0, "info": 0},
        True,
    )
    assert (report["reasoner"]["consistent"], report["reasoner"]["unsatisfiable"]) == (True, [])


# --------------------------------------------------------------------------------------------------
# The built sample stays in OWL 2 DL


@pytest.fixture(scope="module")
def merged(sample_built: BuiltStudy, sample_store: ox.Store) -> ox.Store:
    """Ontology, vocabularies, the bundled imports, the built sample study and what `icgp assess` writes
    about it (every cluster's growth-pole assessment, with the model as a prov:Plan)."""
    store, closure = load_with_imports(default_files())
    assert closure.unresolved == ()
    store.extend(sample_built.result.quads)
    store.extend(assessment_quads(assess(StoreTarget(sample_store))))
    return store


def nuts_regions_in_use(store: ox.Store) -> ox.Store:
    """The store with only the NUTS regions its other triples name, and their broader regions.

    The 2,000 unused regions triple the reasoners' time without touching anything the sample says;
    everything else (ontology, other vocabularies, imports, sample, assessment) stays whole."""
    nuts = "http://data.europa.eu/nuts/code/"
    broader = ox.NamedNode("http://www.w3.org/2004/02/skos/core#broader")
    by_region: dict[ox.NamedNode, list[ox.Quad]] = {}
    kept = ox.Store()
    used: set[ox.NamedNode] = set()
    for quad in store:
        if isinstance(quad.subject, ox.NamedNode) and quad.subject.value.startswith(nuts):
            by_region.setdefault(quad.subject, []).append(quad)
            continue
        kept.add(quad)
        if isinstance(quad.object, ox.NamedNode) and quad.object.value.startswith(nuts):
            used.add(quad.object)
    todo = list(used)
    while todo:
        region = todo.pop()
        for quad in by_region.get(region, []):
            kept.add(quad)
            if (
                quad.predicate == broader
                and quad.object not in used
                and isinstance(quad.object, ox.NamedNode)
            ):
                used.add(quad.object)
                todo.append(quad.object)
    return kept


@pytest.fixture(scope="module")
def merged_in_use(merged: ox.Store) -> ox.Store:
    """:func:`merged` with the NUTS vocabulary cut down to the regions in use (see nuts_regions_in_use)."""
    return nuts_regions_in_use(merged)


def test_built_sample_and_assessment_use_owl2_datatypes_and_declared_terms(merged: ox.Store) -> None:
    assert dl_findings(merged) == []


def test_builder_writes_dates_as_midnight_date_times(sample_built: BuiltStudy) -> None:
    since = [
        quad.object
        for quad in sample_built.result.quads
        if quad.predicate == ox.NamedNode(ICGP + "memberSince")
    ]
    assert since and all(isinstance(value, ox.Literal) for value in since)
    assert {value.datatype.value for value in since} == {str(XSD.dateTime)}
    assert all(value.value.endswith("T00:00:00") and len(value.value) == 19 for value in since)
    assert not any(
        isinstance(quad.object, ox.Literal) and quad.object.datatype.value == str(XSD.date)
        for quad in sample_built.result.quads
    )


def test_the_datatype_rule_catches_the_dates_the_builder_used_to_write(sample_built: BuiltStudy) -> None:
    first = next(q for q in sample_built.result.quads if q.predicate == ox.NamedNode(ICGP + "memberSince"))
    day = first.object.value[:10]
    store = ox.Store()
    store.add(ox.Quad(first.subject, first.predicate, ox.Literal(day, datatype=ox.NamedNode(str(XSD.date)))))
    assert [row for rule, row in dl_findings(store) if rule == "non_owl2_datatype"] == [
        (first.subject.value, ICGP + "memberSince", f'"{day}"^^<{XSD}date>')
    ]


@pytest.mark.java
@pytest.mark.slow
def test_hermit_finds_ontology_imports_sample_and_assessment_consistent(merged_in_use: ox.Store) -> None:
    result = reasoning.reason(merged_in_use)
    assert (result.consistent, result.unsatisfiable, result.message) == (True, (), "")


@pytest.mark.slow
def test_owl_rl_finds_ontology_imports_sample_and_assessment_consistent(merged_in_use: ox.Store) -> None:
    result = reasoning.reason_owl_rl(merged_in_use)
    assert (result.consistent, result.clashes) == (True, ())


def test_the_cut_keeps_every_region_the_sample_names(merged: ox.Store, merged_in_use: ox.Store) -> None:
    nuts = "http://data.europa.eu/nuts/code/"
    # The regions named from outside the NUTS vocabulary: by the sample, the ontology, the assessment.
    named = {
        q.object
        for q in merged
        if isinstance(q.object, ox.NamedNode) and nuts in q.object.value and nuts not in q.subject.value
    }
    kept = {q.subject for q in merged_in_use if q.subject.value.startswith(nuts)}
    assert named <= kept
    assert 0 < len(kept) < 200
    assert len(merged) - len(merged_in_use) > 10_000


def test_language_tagged_literals_are_owl2() -> None:
    # DATATYPE() of a language-tagged literal is rdf:langString, which OWL 2 allows like rdf:PlainLiteral
    store = ox.Store()
    subject, note = ox.NamedNode("https://example.org/a"), ox.NamedNode(ICGP + "note")
    store.add(ox.Quad(subject, note, ox.Literal("x", language="en")))
    assert [row for rule, row in dl_findings(store) if rule == "non_owl2_datatype"] == []


@pytest.mark.java
def test_auto_runs_owl_rl_only_with_data() -> None:
    # OWL-RL adds most of a minute on the bundled files; it runs by default only where data can clash.
    alone = json.loads(runner.invoke(app, ["ontology", "check", str(MODULE), "-f", "json"]).stdout)
    assert (alone["reasoner"]["reasoner"], alone["owl_rl"]) == ("HermiT", None)
    both = runner.invoke(app, ["ontology", "check", str(MODULE), "--data", str(DERIVED), "-f", "json"])
    report = json.loads(both.stdout)
    assert (report["reasoner"]["reasoner"], report["owl_rl"]["reasoner"]) == ("HermiT", "OWL-RL")
