"""`icgp ontology check`: every quality rule catches its fixture, the reasoner step, the CLI contract."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runner import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as ns

from cli import app
from kg.errors import InputError
from kg.ontology import declared_terms as dt
from kg.ontology import quality as oc
from kg.ontology import reasoning
from kg.ontology.loading import load_with_imports

FIXTURES = Path(__file__).parent / "fixtures" / "qc"
CLEAN = FIXTURES / "clean.ttl"

I = "https://w3id.org/icgp/ontology#"  # noqa: E741 - reads like the icgp: prefix in the expectations
X = "https://w3id.org/icgp/vocab/x/"
ONT = "https://w3id.org/icgp/ontology"
VX = "https://w3id.org/icgp/vocab/x"
VY = "https://w3id.org/icgp/vocab/y"
ORG = "http://www.w3.org/ns/org#"
OWL_ = "http://www.w3.org/2002/07/owl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_ = "http://www.w3.org/2000/01/rdf-schema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
VANN = "http://purl.org/vocab/vann/"
SCHEMA = "https://schema.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
EX = "https://w3id.org/icgp/id/test/"
RDF_PROPERTY = "http://www.w3.org/1999/02/22-rdf-syntax-ns#Property"

LABEL, COMMENT, SUBCLASS = RDFS_ + "label", RDFS_ + "comment", RDFS_ + "subClassOf"
DEFINITION, PREFLABEL, NOTATION = SKOS + "definition", SKOS + "prefLabel", SKOS + "notation"

Row = tuple[str | None, str | None, str | None]


def ref(iri: str) -> str:
    """An IRI value as the report writes it (N-Triples)."""
    return f"<{iri}>"


# rule -> (level, exact rows found in tests/fixtures/qc/<rule>.ttl)
EXPECTED: dict[str, tuple[str, list[Row]]] = {
    # ROBOT report rules
    "missing_label": ("error", [(I + "Widget", LABEL, None)]),
    "multiple_labels": ("error", [(I + "Widget", LABEL, '"gizmo"@en'), (I + "Widget", LABEL, '"widget"@en')]),
    "duplicate_label": (
        "error",
        [
            (I + "Gizmo", LABEL, '"Widget"@en'),
            (I + "Widget", LABEL, '"widget"@en'),
            (I + "hasPart", LABEL, '"has part"@en'),
            (I + "partOf", LABEL, '"Has Part"@en'),
        ],
    ),
    "label_whitespace": (
        "error",
        [(I + "Widget", LABEL, '"widget "@en'), (X + "ml", SKOS + "altLabel", '" ML"@en')],
    ),
    "label_repeated_whitespace": (
        "warn",
        [(I + "Widget", LABEL, '"small \twidget"@en'), (X + "ml", PREFLABEL, '"machine  learning"@en')],
    ),
    "label_formatting": (
        "error",
        [(I + "Widget", LABEL, '"wid\tget"@en'), (X + "ml", PREFLABEL, '"machine\\nlearning"@en')],
    ),
    "multiple_definitions": (
        "error",
        [
            (X + "ml", DEFINITION, '"Software that learns from data."@en'),
            (X + "ml", DEFINITION, '"Statistical learning by machines."@en'),
        ],
    ),
    "duplicate_definition": (
        "error",
        [
            (I + "Gadget", DEFINITION, '"A small device."@en'),
            (I + "Widget", DEFINITION, '"A small device."@en'),
        ],
    ),
    "missing_ontology_title": ("error", [(ONT, DCT + "title", None)]),
    "missing_ontology_description": ("error", [(ONT, DCT + "description", None)]),
    "missing_ontology_license": (
        "error",
        [(ONT, DCT + "license", None), (VX, DCT + "license", '"CC BY 4.0"')],
    ),
    "deprecated_class_reference": (
        "error",
        [
            (I + "Gadget", SUBCLASS, ref(I + "OldThing")),
            (I + "Widget", SUBCLASS, ref(I + "OldThing")),
            (I + "uses", RDFS_ + "range", ref(I + "OldThing")),
        ],
    ),
    "deprecated_property_reference": (
        "error",
        [
            (I + "Widget", SUBCLASS, ref(I + "oldPart")),
            (I + "hasPart", RDFS_ + "subPropertyOf", ref(I + "oldPart")),
            (X + "a", "http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate", ref(I + "oldPart")),
        ],
    ),
    "misused_obsolete_label": ("error", [(I + "Widget", LABEL, '"obsolete widget"@en')]),
    "multiple_equivalent_classes": (
        "error",
        [
            (I + "Widget", OWL_ + "equivalentClass", ref(I + "Device")),
            (I + "Widget", OWL_ + "equivalentClass", ref(I + "Gizmo")),
        ],
    ),
    "missing_definition": ("warn", [(I + "Widget", DEFINITION, None)]),
    "missing_comment": ("warn", [(I + "uses", COMMENT, None)]),
    "annotation_whitespace": (
        "warn",
        [(ONT, DCT + "title", '"\\nICGP"@en'), (I + "Widget", DEFINITION, '"A small device. "@en')],
    ),
    "missing_obsolete_label": ("warn", [(I + "OldThing", LABEL, '"old thing"@en')]),
    "lowercase_definition": ("info", [(I + "Widget", DEFINITION, '"a small device."@en')]),
    "missing_superclass": ("info", [(I + "Widget", SUBCLASS, None)]),
    # OOPS! pitfalls
    "unconnected_class": ("warn", [(I + "Widget", None, None)]),
    "class_hierarchy_cycle": (
        "error",
        [
            (I + "A", SUBCLASS, ref(I + "B")),
            (I + "B", SUBCLASS, ref(I + "C")),
            (I + "C", SUBCLASS, ref(I + "A")),
        ],
    ),
    "missing_domain_or_range": (
        "error",
        [
            (I + "size", RDFS_ + "domain", None),
            (I + "size", RDFS_ + "range", None),
            (I + "usedBy", RDFS_ + "domain", None),
            (I + "uses", RDFS_ + "range", None),
        ],
    ),
    "multiple_domains_or_ranges": (
        "warn",
        [
            (I + "uses", RDFS_ + "domain", ref(I + "Gadget")),
            (I + "uses", RDFS_ + "domain", ref(I + "Widget")),
        ],
    ),
    "naming_convention": (
        "warn",
        [
            (I + "HasPart", RDF_TYPE, ref(OWL_ + "ObjectProperty")),
            (I + "widget_type", RDF_TYPE, ref(OWL_ + "Class")),
        ],
    ),
    "self_inverse_property": ("warn", [(I + "partnerOf", OWL_ + "inverseOf", ref(I + "partnerOf"))]),
    "untyped_class": ("warn", [(ORG + "Organization", RDF_TYPE, None), (I + "Gadget", RDF_TYPE, None)]),
    "untyped_property": (
        "warn",
        [(ORG + "hasMember", RDF_TYPE, None), (I + "madeBy", RDF_TYPE, None), (I + "rank", RDF_TYPE, None)],
    ),
    "ontology_iri_file_extension": ("warn", [("https://example.org/widgets.owl", None, None)]),
    "missing_ontology_declaration": (
        "error",
        [(None, RDF_TYPE, ref(OWL_ + "Ontology")), (ONT, RDF_TYPE, ref(OWL_ + "Ontology"))],
    ),
    "missing_license": ("error", [(ONT, DCT + "license", None)]),
    # FOOPS! checks that run offline
    "missing_minimum_metadata": (
        "error",
        [
            (ONT, DCT + "creator", None),
            (ONT, VANN + "preferredNamespaceUri", ref(I)),
            (ONT, OWL_ + "versionIRI", None),
        ],
    ),
    "missing_recommended_metadata": (
        "warn",
        [
            (ONT, DCT + "bibliographicCitation", None),
            (ONT, DCT + "created", None),
            (ONT, VANN + "preferredNamespacePrefix", None),
        ],
    ),
    "missing_detailed_metadata": ("info", [(ONT, DCT + "issued", None)]),
    "missing_version_iri": ("error", [(ONT, OWL_ + "versionIRI", ref(ONT)), (VX, OWL_ + "versionIRI", None)]),
    "non_persistent_ontology_iri": ("warn", [("https://example.org/ontology", None, None)]),
    "non_http_ontology_iri": (
        "warn",
        [("ftp://example.org/ontology", None, None), ("urn:example:ontology", None, None)],
    ),
    "missing_namespace_prefix": ("warn", [(ONT, VANN + "preferredNamespacePrefix", None)]),
    "no_vocabulary_reuse": ("warn", [(ONT, OWL_ + "imports", None)]),
    # SKOS integrity
    "concept_missing_notation": ("error", [(X + "a", NOTATION, None)]),
    "duplicate_notation": ("error", [(X + "a", NOTATION, '"T01"'), (X + "b", NOTATION, '"T01"')]),
    "concept_missing_pref_label": ("error", [(X + "a", PREFLABEL, None)]),
    "multiple_pref_labels": (
        "error",
        [(X + "a", PREFLABEL, '"robot"@en'), (X + "a", PREFLABEL, '"robotics"@en')],
    ),
    "concept_missing_in_scheme": ("error", [(X + "a", SKOS + "inScheme", None)]),
    "scheme_missing_top_concept": ("warn", [(VX, SKOS + "hasTopConcept", None)]),
    "broader_cycle": (
        "error",
        [(X + "a", SKOS + "broader", ref(X + "b")), (X + "b", SKOS + "broader", ref(X + "a"))],
    ),
    "concept_missing_definition": ("warn", [(X + "a", DEFINITION, None), (X + "b", DEFINITION, None)]),
    # ICGP
    "undeclared_icgp_term": ("error", [(I + "Gadgett", RDF_TYPE, None), (I + "rnak", RDF_TYPE, None)]),
    "concept_class_by_scheme": (
        "error",
        [(X + "non-pole", RDF_TYPE, ref(I + "Verdict")), (VY + "/region", RDF_TYPE, ref(I + "Verdict"))],
    ),
    "actor_class_hierarchy": (
        "error",
        [
            (X + "bank", I + "actorClass", ref(I + "Investor")),
            (X + "citizen", I + "actorClass", ref(I + "Person")),
            (X + "fund", I + "actorClass", ref(I + "Investor")),
            (X + "fund", I + "actorClass", ref(I + "SME")),
            (X + "other", I + "actorClass", None),
        ],
    ),
    # OWL 2 DL profile
    "undeclared_term": (
        "error",
        [
            (DCT + "identifier", RDF_TYPE, ref(RDF_PROPERTY)),
            (SKOS + "Concept", RDF_TYPE, ref(OWL_ + "Class")),
            (SKOS + "broader", RDF_TYPE, ref(RDF_PROPERTY)),
            (SCHEMA + "Event", RDF_TYPE, ref(OWL_ + "Class")),
            (SCHEMA + "startDate", RDF_TYPE, ref(RDF_PROPERTY)),
            (I + "Gizmo", RDF_TYPE, ref(OWL_ + "Class")),
        ],
    ),
    "non_owl2_datatype": (
        "error",
        [
            (EX + "m1", I + "code", f'"A-1"^^<{EX}code>'),
            (EX + "m1", I + "duration", f'"P2Y"^^<{XSD}duration>'),
            (EX + "m1", I + "foundingYear", f'"1998"^^<{XSD}gYear>'),
            (EX + "m1", I + "memberSince", f'"2015-03-01"^^<{XSD}date>'),
            (ONT, DCT + "created", f'"2025-01-01"^^<{XSD}date>'),
            (I + "memberSince", RDFS_ + "range", ref(XSD + "date")),
        ],
    ),
}

RULES = {rule.name: rule for rule in oc.load_rules()}


# --------------------------------------------------------------------------------------------------
# Rules


def test_every_rule_has_a_fixture_and_an_expectation() -> None:
    assert sorted(RULES) == sorted(EXPECTED)
    for name in RULES:
        assert (FIXTURES / f"{name}.ttl").is_file(), name


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_rule_catches_its_fixture(name: str) -> None:
    level, rows = EXPECTED[name]
    rule = RULES[name]
    assert rule.level == level
    findings = oc.run_rule(oc.load_store([FIXTURES / f"{name}.ttl"]), rule)
    assert [finding.row() for finding in findings] == rows
    assert {finding.level for finding in findings} == {level}


# Counted by hand in tests/fixtures/qc/clean.ttl: 2 ICGP, 1 ORG and 2 SKOS classes; 2 ICGP and 5 SKOS
# object properties; icgp:foundingYear and skos:notation; 8 DCMI, 2 VANN and 3 SKOS annotation properties.
CLEAN_AXIOMS = dict.fromkeys(oc.AXIOM_PATTERNS, 0) | {
    "classes": 5,
    "object_properties": 7,
    "datatype_properties": 2,
    "annotation_properties": 13,
    "subclass_of": 2,
    "disjoint_classes": 1,
    "inverse_properties": 1,
    "domains": 2,
    "ranges": 2,
}


def test_clean_fixture_passes_every_rule() -> None:
    report = oc.check_files([CLEAN])
    assert report.findings == ()
    assert report.counts == {"error": 0, "warn": 0, "info": 0}
    assert report.triples == 93
    assert report.axioms == CLEAN_AXIOMS
    assert (report.imports, report.unresolved_imports) == ((), ())
    assert len(report.rules) == len(EXPECTED)


def test_rule_headers_are_complete_and_written_out() -> None:
    for rule in RULES.values():
        for text in (rule.title, rule.source, rule.problem, rule.why, rule.fix):
            assert text and "  " not in text, (rule.name, text)
        assert rule.query.lstrip().startswith("# title:")


def test_parse_rule_joins_continuation_lines() -> None:
    text = (
        "# title: Demo\n# level: WARN\n# source: OOPS P99\n# problem: First half\n#   second half.\n"
        "# why: Because.\n# fix: Do it.\nSELECT ?entity ?property ?value WHERE {}\n"
    )
    rule = oc.parse_rule(text, "demo")
    assert (rule.name, rule.level, rule.problem) == ("demo", "warn", "First half second half.")


def test_parse_rule_refuses_an_incomplete_header() -> None:
    with pytest.raises(InputError, match=r"quality rule broken: header lacks why, fix"):
        oc.parse_rule("# title: T\n# level: error\n# source: S\n# problem: P\nSELECT * {}", "broken")


def test_parse_rule_refuses_an_unknown_level() -> None:
    text = "# title: T\n# level: fatal\n# source: S\n# problem: P\n# why: W\n# fix: F\nSELECT * {}"
    with pytest.raises(InputError, match=r"level 'fatal' is not one of error, warn, info"):
        oc.parse_rule(text, "odd")


def test_a_rule_must_select_the_three_columns() -> None:
    text = "# title: T\n# level: info\n# source: S\n# problem: P\n# why: W\n# fix: F\nSELECT ?x WHERE {}"
    with pytest.raises(InputError, match=r"must select \?entity \?property \?value"):
        oc.run_rule(oc.load_store([CLEAN]), oc.parse_rule(text, "narrow"))


def test_failing_counts_levels_at_or_above_the_threshold() -> None:
    report = oc.check_files([FIXTURES / "missing_label.ttl"])
    assert report.counts == {"error": 3, "warn": 6, "info": 2}
    assert (report.failing("error"), report.failing("warn"), report.failing("info")) == (3, 9, 11)
    assert not oc.passed(report, "error")


# --------------------------------------------------------------------------------------------------
# Loading


def test_missing_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"nothing\.ttl: no such file"):
        oc.load_store([tmp_path / "nothing.ttl"])


def test_broken_turtle_names_file_and_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text('@prefix ex: <http://example.org/> .\nex:a ex:b "open .\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"broken\.ttl: not valid Turtle: .*line 2"):
        oc.load_store([broken])


def test_unknown_file_ending_is_refused(tmp_path: Path) -> None:
    odd = tmp_path / "ontology.txt"
    odd.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match=r"cannot tell the RDF syntax from the ending '\.txt'"):
        oc.load_store([odd])


# --------------------------------------------------------------------------------------------------
# Undeclared icgp: terms


def test_undeclared_terms_in_a_graph() -> None:
    store = oc.load_store([FIXTURES / "undeclared_icgp_term.ttl"])
    assert dt.undeclared_icgp_terms(store) == [I + "Gadgett", I + "rnak"]
    assert dt.declared_icgp_terms(store) == {I + "Widget", I + "Gadget", I + "rank"}
    # against another declared set, e.g. the ontology's, when checking data that only uses terms
    assert dt.undeclared_icgp_terms(store, declared={I + "Widget"}) == [
        I + "Gadget",
        I + "Gadgett",
        I + "rank",
        I + "rnak",
    ]


def test_undeclared_terms_in_an_rdflib_graph() -> None:
    graph = Graph()
    graph.add((URIRef(I + "Widget"), ns.RDF.type, ns.OWL.Class))
    graph.add((URIRef(I + "Widget"), URIRef(I + "colour"), Literal("red")))
    assert dt.undeclared_icgp_terms(graph) == [I + "colour"]


def test_undeclared_terms_in_sparql_and_turtle_text() -> None:
    sparql = f"""
        # counts actors per icgp:ActorType (a comment still names a term)
        PREFIX icgp: <{I}>
        SELECT ?a WHERE {{ ?a a icgp:Actor ; icgp:memberOf/icgp:locatedIn ?r ; <{I}hasName> ?n . }}
    """
    turtle = f"@prefix icgp: <{I}> .\nicgp:Widget a icgp:Gadget.\n"
    declared = {I + "Actor", I + "memberOf", I + "Widget"}
    assert dt.icgp_terms_in_text(turtle) == {I + "Widget", I + "Gadget"}
    assert dt.undeclared_icgp_terms_in_text(sparql, declared) == [
        I + "ActorType",
        I + "hasName",
        I + "locatedIn",
    ]
    assert dt.undeclared_icgp_terms_in_text(turtle, declared) == [I + "Gadget"]


# --------------------------------------------------------------------------------------------------
# Reasoner preparation (no Java needed)


def test_prepare_graph_for_hermit() -> None:
    graph = reasoning.graph_from_store(oc.load_store([FIXTURES / "reasoner_datatypes.ttl"]))
    prepared, notes = reasoning.prepare_graph(graph)
    assert notes == (
        "datatype <http://www.w3.org/2001/XMLSchema#date> replaced where used as a data range: 1",
        "literals of datatype <http://www.w3.org/2001/XMLSchema#gYear> dropped "
        "(not in the OWL 2 datatype map): 1",
        "owl:imports statements dropped (the given files are reasoned over instead): 1",
        "xsd:date literals turned into xsd:dateTime: 3",
    )
    ontology = URIRef(ONT)
    assert list(prepared.objects(ontology, ns.OWL.imports)) == []
    assert list(prepared.objects(ontology, URIRef(DCT + "issued"))) == [
        Literal("2025-02-01T00:00:00Z", datatype=ns.XSD.dateTime)
    ]
    assert list(prepared.objects(URIRef(I + "startDate"), ns.RDFS.range)) == [ns.XSD.dateTime]
    assert not any(isinstance(o, Literal) and o.datatype == ns.XSD.date for o in prepared.objects())


def test_prepare_graph_declares_classes_owlready2_would_miss() -> None:
    graph = Graph().parse(FIXTURES / "reasoner_unsatisfiable.ttl")
    prepared, notes = reasoning.prepare_graph(graph)
    assert (URIRef(ORG + "Organization"), ns.RDF.type, ns.OWL.Class) in prepared
    assert notes == ("owl:Class declarations added for classes used but not declared: 1",)


def test_missing_java_is_a_clear_input_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reasoning, "java_executable", lambda: None)
    with pytest.raises(reasoning.ReasonerUnavailableError, match=r"needs a Java runtime.*--no-reasoner"):
        reasoning.reason([CLEAN])


# --------------------------------------------------------------------------------------------------
# Reasoner (HermiT through owlready2)


@pytest.mark.java
def test_reasoner_finds_a_consistent_ontology(capfd: pytest.CaptureFixture[str]) -> None:
    result = reasoning.reason([CLEAN])
    assert (result.consistent, result.unsatisfiable, result.ok) == (True, (), True)
    assert capfd.readouterr() == ("", "")  # owlready2's and HermiT's chatter stays out of the output


@pytest.mark.java
def test_reasoner_lists_unsatisfiable_classes() -> None:
    result = reasoning.reason([FIXTURES / "reasoner_unsatisfiable.ttl"])
    assert result.consistent
    assert result.unsatisfiable == (I + "Hybrid", I + "PublicFirm", I + "SubHybrid")


@pytest.mark.java
def test_reasoner_detects_inconsistency() -> None:
    result = reasoning.reason([FIXTURES / "reasoner_inconsistent.ttl"])
    assert (result.consistent, result.unsatisfiable) == (False, ())
    assert "inconsistent" in result.message


@pytest.mark.java
def test_reasoner_copes_with_dates_and_imports() -> None:
    result = reasoning.reason([FIXTURES / "reasoner_datatypes.ttl"])
    assert (result.consistent, result.unsatisfiable) == (True, ())


@pytest.mark.slow
@pytest.mark.java
def test_bundled_ontology_and_vocabularies_are_consistent() -> None:
    store, closure = load_with_imports()
    assert len(closure.files) == 8
    result = reasoning.reason(store)
    assert (result.consistent, result.unsatisfiable) == (True, ())


# --------------------------------------------------------------------------------------------------
# CLI

runner = CliRunner()


def warn_only_files(tmp_path: Path) -> list[str]:
    """The clean fixture plus one concept without a definition: exactly one warning."""
    extra = tmp_path / "extra.ttl"
    extra.write_text(
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "<https://w3id.org/icgp/vocab/helix/services> a skos:Concept ;\n"
        '    skos:inScheme <https://w3id.org/icgp/vocab/helix> ; skos:notation "H1.2" ;\n'
        '    skos:prefLabel "services"@en ; skos:broader <https://w3id.org/icgp/vocab/helix/industry> .\n',
        encoding="utf-8",
    )
    return [str(CLEAN), str(extra)]


def test_cli_clean_file_exits_0() -> None:
    result = runner.invoke(app, ["ontology", "check", "--no-reasoner", str(CLEAN)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"ICGP ontology check: 1 file(s), 93 triples, {len(EXPECTED)} rules",
        "errors: 0  warnings: 0  info: 0",
        "axioms: 5 classes, 7 object, 2 datatype and 13 annotation properties",
        "  class axioms: 2 subclass-of, 0 equivalent-class, 1 disjoint-class, 0 disjoint-union, "
        "0 restrictions",
        "  property axioms: 0 sub-property, 0 equivalent-property, 1 inverse pairs, 0 disjoint-property, "
        "0 chains, 2 domains, 2 ranges, 0 keys",
        "  characteristics: 0 functional, 0 inverse functional, 0 transitive, 0 symmetric, 0 asymmetric, "
        "0 reflexive, 0 irreflexive",
        "",
        "reasoner: skipped (--no-reasoner)",
        "result: passed (fail-on error)",
    ]


def test_cli_error_exits_1_and_shows_rule_and_fix() -> None:
    result = runner.invoke(app, ["ontology", "check", "--no-reasoner", str(FIXTURES / "missing_label.ttl")])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    start = lines.index("ERROR missing_label: Missing English label (1)")
    assert lines[start + 1 : start + 3] == [
        "  icgp:Widget  rdfs:label  -",
        "  fix: " + RULES["missing_label"].fix,
    ]
    assert lines[-1] == "result: FAILED (fail-on error)"


def test_cli_fail_on_level(tmp_path: Path) -> None:
    files = warn_only_files(tmp_path)
    default = runner.invoke(app, ["ontology", "check", "--no-reasoner", *files])
    assert default.exit_code == 0, default.output
    assert "errors: 0  warnings: 1  info: 0" in default.stdout
    for level in ("warn", "info"):
        strict = runner.invoke(app, ["ontology", "check", "--no-reasoner", "--fail-on", level, *files])
        assert strict.exit_code == 1, level


def test_cli_json_shape(tmp_path: Path) -> None:
    files = warn_only_files(tmp_path)
    result = runner.invoke(app, ["ontology", "check", "--no-reasoner", "--format", "json", *files])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert sorted(data) == ["axioms", "counts", "data", "fail_on", "files", "findings", "format", "imports",
                            "owl_rl", "passed", "reasoner", "rules", "triples",
                            "unresolved_imports"]  # fmt: skip
    assert data["format"] == "icgp-ontology-check/1"
    assert (data["files"], data["fail_on"], data["passed"], data["reasoner"]) == (files, "error", True, None)
    assert (data["owl_rl"], data["imports"], data["data"]) == (None, [], [])
    assert data["unresolved_imports"] == []  # clean.ttl's scheme imports the ontology the file itself holds
    assert data["axioms"] == CLEAN_AXIOMS
    assert data["counts"] == {"error": 0, "warn": 1, "info": 0}
    assert data["findings"] == [
        {
            "rule": "concept_missing_definition",
            "level": "warn",
            "entity": "https://w3id.org/icgp/vocab/helix/services",
            "property": DEFINITION,
            "value": None,
        }
    ]
    assert len(data["rules"]) == len(EXPECTED)
    first = data["rules"][0]
    assert sorted(first) == ["findings", "fix", "level", "name", "problem", "source", "title", "why"]


def test_cli_json_literal_values_use_sparql_json_terms() -> None:
    files = [str(FIXTURES / "duplicate_notation.ttl"), str(FIXTURES / "multiple_labels.ttl")]
    result = runner.invoke(app, ["ontology", "check", "--no-reasoner", "-f", "json", *files])
    data = json.loads(result.stdout)
    values = [f["value"] for f in data["findings"] if f["rule"] in ("duplicate_notation", "multiple_labels")]
    assert values == [
        {"type": "literal", "value": "T01"},
        {"type": "literal", "value": "T01"},
        {"type": "literal", "value": "gizmo", "xml:lang": "en"},
        {"type": "literal", "value": "widget", "xml:lang": "en"},
    ]
    iris = [f["value"] for f in data["findings"] if f["rule"] == "missing_ontology_declaration"]
    assert iris == [{"type": "uri", "value": OWL_ + "Ontology"}] * 2


def test_cli_output_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    result = runner.invoke(
        app, ["ontology", "check", "--no-reasoner", "--format", "json", "--output", str(target), str(CLEAN)]
    )
    assert result.exit_code == 0
    assert result.stdout == ""
    assert json.loads(target.read_text(encoding="utf-8"))["passed"] is True


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no-such-file.ttl"], "no-such-file.ttl: no such file"),
        (["--fail-on", "fatal", str(CLEAN)], "--fail-on"),
        (["--format", "xml", str(CLEAN)], "--format"),
    ],
)
def test_cli_bad_input_exits_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["ontology", "check", "--no-reasoner", *args])
    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_cli_unparsable_file_exits_2(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text("this is not turtle", encoding="utf-8")
    result = runner.invoke(app, ["ontology", "check", "--no-reasoner", str(broken)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {broken}: not valid Turtle: Parser error at line 1")


def test_cli_without_java_exits_2_and_says_how_to_skip(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reasoning, "java_executable", lambda: None)
    result = runner.invoke(app, ["ontology", "check", str(CLEAN)])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: the HermiT reasoner needs a Java runtime")
    assert "--no-reasoner" in result.stderr


@pytest.mark.java
def test_cli_reasoner_failure_exits_1() -> None:
    result = runner.invoke(
        app, ["ontology", "check", "-f", "json", str(FIXTURES / "reasoner_inconsistent.ttl")]
    )
    assert result.exit_code == 1
    verdict = json.loads(result.stdout)["reasoner"]
    assert (verdict["reasoner"], verdict["consistent"], verdict["unsatisfiable"]) == ("HermiT", False, [])


@pytest.mark.java
def test_cli_reports_unsatisfiable_classes_in_text() -> None:
    result = runner.invoke(app, ["ontology", "check", str(FIXTURES / "reasoner_unsatisfiable.ttl")])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("reasoner (HermiT"))
    assert lines[at].endswith("consistent, 3 unsatisfiable class(es):")
    assert lines[at + 1 : at + 4] == ["  icgp:Hybrid", "  icgp:PublicFirm", "  icgp:SubHybrid"]


# --------------------------------------------------------------------------------------------------
# The installed command on the bundled files


def installed_icgp() -> str:
    """The ``icgp`` script of the environment running the tests."""
    beside = Path(sys.executable).with_name("icgp")
    found = str(beside) if beside.exists() else shutil.which("icgp")
    assert found, "the icgp command is not installed in this environment"
    return found


def test_installed_command_passes_on_bundled_files(tmp_path: Path) -> None:
    result = subprocess.run(
        [installed_icgp(), "ontology", "check", "--no-reasoner", "--format", "json"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    data = json.loads(result.stdout)
    errors = [f for f in data["findings"] if f["level"] == "error"]
    assert errors == []
    assert (result.returncode, data["counts"]["error"], data["passed"]) == (0, 0, True)
    assert len(data["files"]) >= 2 and all(Path(name).is_absolute() for name in data["files"])
