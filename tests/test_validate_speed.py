"""Issue 18: the faster paths of ``icgp validate`` give exactly what the plain ones gave.

The streamed build hands validation term tuples (no quads), which are written as N-Triples by hand; the
SPARQL-based rules get small focus sets as ``VALUES`` instead of a sub-select; shacl-rust runs in a thread
beside Oxigraph. Each is checked against the plain path or against results written down by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Triple
from test_shapes import AREAS, FIXTURES, expected, results

from kg.build.builder import build_study, stream_statements
from kg.ontology.concepts import load_concepts
from kg.ontology.resources import sample_study_dir
from kg.package.table_checks import check_path
from kg.validation import engines
from kg.validation.engines import DataGraph, Shapes, load_shapes, validate

MINI = Path(__file__).parent / "fixtures" / "build" / "mini"
REGIONS = Path(__file__).parent / "fixtures" / "regions"
RDF_TYPE = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
FOAF_NAME = NamedNode("http://xmlns.com/foaf/0.1/name")
CODER = NamedNode("https://w3id.org/icgp/ontology#Coder")
NO_PERSONAL_DATA = "https://w3id.org/icgp/shapes#Pseudonymised-noPersonalData"


@pytest.fixture(autouse=True)
def fixed_build_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")


@pytest.mark.parametrize("package", [MINI, sample_study_dir(), REGIONS / "us-clusters"], ids=lambda p: p.name)
def test_the_streamed_statements_are_the_built_triples_in_order(package: Path) -> None:
    concepts = load_concepts()
    checked = check_path(package, concepts)
    whole = build_study(checked, concepts)
    batches: list[list[tuple[object, object, object]]] = []
    streamed = stream_statements(checked, concepts, lambda rows: batches.append(list(rows)), batch=5)
    assert [row for batch in batches for row in batch] == [
        (q.subject, q.predicate, q.object) for q in whole.quads
    ]
    assert all(len(batch) == 5 for batch in batches[:-1])
    assert (streamed.graph, streamed.triples, streamed.regions) == (whole.graph, whole.triples, whole.regions)


def test_statements_are_written_as_the_serialiser_writes_them() -> None:
    s, p = NamedNode("https://example.org/ü/s"), NamedNode("https://example.org/p")
    objects = [
        Literal('a "quoted"\nline\\ with\ttab and \r', language="de"),
        Literal("0042", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        Literal("bell \u0007 delete \u007f emoji \U0001f600"),
        BlankNode("b1"),
        NamedNode("https://example.org/o?q=1#f"),
    ]
    by_hand, serialised = DataGraph(), DataGraph()
    by_hand.add_statements([(s, p, o) for o in objects] + [(BlankNode("b1"), p, s)])
    serialised.add([Triple(s, p, o) for o in objects] + [Triple(BlankNode("b1"), p, s)])
    assert by_hand.ntriples == serialised.ntriples
    assert by_hand.ntriples.count(b"\n") == 6
    assert by_hand.size == serialised.size == 6


@pytest.mark.parametrize("share", [0, 10**12], ids=["always-values", "never-values"])
@pytest.mark.parametrize("area", AREAS)
def test_the_sparql_rules_give_the_expected_results_with_values_or_the_sub_select(
    area: str, share: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engines, "_VALUES_SHARE", share)
    assert results(FIXTURES / f"{area}.invalid.ttl", "fast") == expected(area)


def test_a_small_focus_set_of_iris_goes_in_as_values_and_one_with_a_blank_node_does_not() -> None:
    carl, anna = NamedNode("https://example.org/carl"), BlankNode("anna")
    named = DataGraph([Triple(carl, RDF_TYPE, CODER), Triple(carl, FOAF_NAME, Literal("Carl"))] * 60)
    targets = next(rule.targets for rule in load_shapes().rules if rule.shape == NO_PERSONAL_DATA)
    assert engines._focus_nodes(named, targets) == (
        {"https://example.org/carl"},
        "\nVALUES ?this { <https://example.org/carl> }",
    )
    # One focus node in 120 triples is more than a hundredth of the graph: the sub-select stays.
    assert engines._focus_nodes(DataGraph([Triple(carl, RDF_TYPE, CODER)] * 99), targets)[1] is None
    mixed = DataGraph(
        [
            Triple(carl, RDF_TYPE, CODER),
            Triple(anna, RDF_TYPE, CODER),
            Triple(anna, FOAF_NAME, Literal("Anna")),
        ]
        * 100
    )
    focus, values = engines._focus_nodes(mixed, targets)
    assert len(focus) == 2 and values is None
    found = [
        (r.shape, r.path, r.value) for r in validate(mixed, load_shapes()) if r.shape == NO_PERSONAL_DATA
    ]
    assert found == [(NO_PERSONAL_DATA, FOAF_NAME.value, "Anna")]


def test_a_failure_of_shacl_rust_in_its_thread_reaches_the_caller() -> None:
    data = DataGraph([Triple(NamedNode("https://example.org/s"), RDF_TYPE, CODER)])
    with pytest.raises(ValueError, match="Parse error"):
        validate(data, Shapes([], "this is not N-Triples"))


def test_when_both_engines_fail_shacl_rust_s_error_is_raised_as_before() -> None:
    data = DataGraph()
    data.add_statements([(NamedNode("https://example.org/s"), RDF_TYPE, "not a term")])
    with pytest.raises(ValueError, match="Parse error"):
        validate(data, load_shapes())
