"""The shortcuts that make a release cheaper give what the long way gave: the changelog of a first release
without comparing against an empty one, each chart drawn once per process, each entity's description
sorted once for its three RDF files; and the JSON-LD a release writes, checked by hand and parsed back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad, Store

from kg.build import serialize
from kg.build.serialize import serialize_quads, sorted_quads, to_rdflib
from kg.build.sources import open_source, select_quads
from kg.publish.diff import diff_quads, render_initial, render_markdown
from kg.publish.entity_pages import RDF_FORMATS, Site
from kg.publish.report import drawing
from kg.publish.report.data import describe_evidence
from kg.query.run import StoreTarget

EX = "http://example.org/"
ICGP = "https://w3id.org/icgp/ontology#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"


@pytest.fixture(scope="module")
def sample_quads() -> list[Quad]:
    """Every quad of the bundled sample study's store: data, ontology and vocabularies."""
    return select_quads(open_source(None).store)


def _q(s: NamedNode | BlankNode, p: str, o: NamedNode | BlankNode | Literal) -> Quad:
    return Quad(s, NamedNode(p), o, DefaultGraph())


# -- the changelog of a first release -----------------------------------------------------------------


def test_initial_changelog_counts_every_entity_as_added_by_class() -> None:
    a, b, axiom, restriction = NamedNode(EX + "a"), NamedNode(EX + "b"), BlankNode("x"), BlankNode("y")
    quads = [
        _q(a, RDF + "type", NamedNode(EX + "C")),
        _q(a, EX + "p", restriction),  # a blank node hanging off a: part of a, no entity of its own
        _q(restriction, RDF + "type", NamedNode(OWL + "Restriction")),
        _q(b, EX + "p", Literal("untyped")),
        _q(axiom, RDF + "type", NamedNode(OWL + "AllDisjointClasses")),  # hangs off nothing: an entity
    ]
    text = render_initial(quads, title="1.0.0 (initial release)")
    assert text == (
        "## 1.0.0 (initial release)\n\n"
        "3 added, 0 removed, 0 changed (build times and input checksums are not compared).\n\n"
        "| class | added | removed | changed |\n"
        "|---|---:|---:|---:|\n"
        "| `(none)` | 1 | 0 | 0 |\n"
        "| `<http://example.org/C>` | 1 | 0 | 0 |\n"
        "| `owl:AllDisjointClasses` | 1 | 0 | 0 |\n"
    )
    assert text == render_markdown(diff_quads([], quads), title="1.0.0 (initial release)", details=False)


def test_initial_changelog_of_nothing_says_so() -> None:
    assert render_initial([], title="t") == "## t\n\nNo entity was added, removed or changed.\n"


def test_initial_changelog_of_the_sample_is_the_diff_against_an_empty_release(
    sample_quads: list[Quad],
) -> None:
    title = "1.0.0 (initial release)"
    expected = render_markdown(diff_quads([], sample_quads, "nothing", "1.0.0"), title=title, details=False)
    assert render_initial(sample_quads, title=title) == expected


# -- JSON-LD -------------------------------------------------------------------------------------------


def test_compacted_jsonld_of_a_small_graph_by_hand() -> None:
    s, o = NamedNode("https://w3id.org/icgp/id/mini/cluster/c1"), NamedNode("https://w3id.org/icgp/id/x")
    quads = [
        _q(s, RDF + "type", NamedNode(ICGP + "InnovationCluster")),
        _q(s, ICGP + "adopter", o),  # a term with "@type": "@id"
        _q(s, ICGP + "adoptionYear", Literal("2020", datatype=NamedNode(XSD + "integer"))),  # coerced
        _q(s, EX + "n", Literal("5", datatype=NamedNode(XSD + "integer"))),  # no term: a JSON number
        _q(s, EX + "d", Literal("2.5", datatype=NamedNode(XSD + "decimal"))),  # no term, not native
        _q(s, "http://www.w3.org/2000/01/rdf-schema#label", Literal("Eins", language="de")),
        _q(s, "http://www.w3.org/2000/01/rdf-schema#label", Literal("One", language="en")),
    ]
    document = json.loads(serialize_quads(quads, "jsonld"))
    assert document["@context"] == serialize.jsonld_context()
    assert document["@graph"] == [
        {
            "@id": "https://w3id.org/icgp/id/mini/cluster/c1",
            "@type": "icgp:InnovationCluster",
            "adopter": "https://w3id.org/icgp/id/x",
            "adoptionYear": "2020",
            "http://example.org/d": {"@type": "xsd:decimal", "@value": "2.5"},
            "http://example.org/n": 5,
            "rdfs:label": [{"@language": "de", "@value": "Eins"}, {"@language": "en", "@value": "One"}],
        }
    ]


def test_lists_blank_nodes_and_named_graphs() -> None:
    cls, head, tail, other = NamedNode(EX + "C"), BlankNode("l1"), BlankNode("l2"), BlankNode("r")
    graph = NamedNode(EX + "graph")
    quads = [
        _q(cls, OWL + "unionOf", head),
        _q(head, RDF + "first", NamedNode(EX + "A")),
        _q(head, RDF + "rest", tail),
        _q(tail, RDF + "first", Literal("b")),
        _q(tail, RDF + "rest", NamedNode(RDF + "nil")),
        _q(cls, EX + "r", other),
        _q(other, EX + "v", Literal("true", datatype=NamedNode(XSD + "boolean"))),
        Quad(NamedNode(EX + "s"), NamedNode(EX + "p"), NamedNode(EX + "o"), graph),
    ]
    written = serialize_quads(quads, "jsonld")
    assert {"@list": [{"@id": "http://example.org/A"}, "b"]} in [
        node.get("owl:unionOf") for item in json.loads(written)["@graph"] for node in item.get("@graph", [])
    ]


def test_sample_jsonld_parses_back_to_the_same_graph(sample_quads: list[Quad]) -> None:
    data = [q for q in sample_quads if q.graph_name.value.endswith("/graph")]
    assert data
    ordered = sorted_quads(data)
    written = serialize_quads(data, "jsonld")
    parsed = rdflib.Dataset()
    parsed.parse(data=written.decode("utf-8"), format="json-ld")
    got = {(str(g.identifier), _normal(t)) for g in parsed.graphs() for t in g if len(g)}
    want = {
        (q.graph_name.value, _normal((to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object))))
        for q in ordered
    }
    assert got == want  # no blank nodes in the study data: equal sets are isomorphic graphs


def _normal(triple: tuple[object, ...]) -> tuple[object, ...]:
    """The triple with literals in rdflib's normal form (its JSON-LD parser writes "Z" as "+00:00")."""
    return tuple(
        rdflib.Literal(str(t), datatype=t.datatype, lang=t.language) if isinstance(t, rdflib.Literal) else t
        for t in triple
    )


# -- charts and entity files --------------------------------------------------------------------------

DRAWN: list[str] = []


def _count_drawing(label: str) -> str:
    DRAWN.append(label)
    return f"<svg>{label}</svg>"


def test_a_chart_is_drawn_once_per_process() -> None:
    DRAWN.clear()
    first = drawing.draw_all([drawing.chart(_count_drawing, "speed-test-a")], workers=1)
    again = drawing.draw_all(
        [drawing.chart(_count_drawing, "speed-test-a"), drawing.chart(_count_drawing, "speed-test-b")],
        workers=1,
    )
    assert first == ["<svg>speed-test-a</svg>"]
    assert again == ["<svg>speed-test-a</svg>", "<svg>speed-test-b</svg>"]
    assert DRAWN == ["speed-test-a", "speed-test-b"]


def test_a_chart_that_cannot_be_pickled_is_drawn_each_time() -> None:
    calls: list[int] = []

    def local(n: int) -> str:
        calls.append(n)
        return "<svg/>"

    assert drawing.draw_all([drawing.chart(local, 1), drawing.chart(local, 1)], workers=1) == ["<svg/>"] * 2
    assert calls == [1, 1]


def test_entity_rdf_files_are_the_single_format_answers(tmp_path: Path) -> None:
    graph = NamedNode("https://w3id.org/icgp/id/mini/graph")
    entity = NamedNode("https://w3id.org/icgp/id/mini/cluster/c1")
    quads = [
        Quad(entity, NamedNode(RDF + "type"), NamedNode(ICGP + "InnovationCluster"), graph),
        Quad(entity, NamedNode(ICGP + "adopter"), NamedNode(EX + "o"), graph),
        Quad(entity, NamedNode(EX + "b"), BlankNode("n"), graph),
        Quad(BlankNode("n"), NamedNode(EX + "v"), Literal("1"), graph),
    ]
    site = Site(quads)
    files = site.rdf_files(entity.value)
    assert list(files) == list(RDF_FORMATS)
    assert files == {suffix: site.rdf(entity.value, suffix) for suffix in RDF_FORMATS}
    assert files["nt"] == (
        b"<https://w3id.org/icgp/id/mini/cluster/c1> <http://example.org/b> _:c14n0 .\n"
        b"<https://w3id.org/icgp/id/mini/cluster/c1> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
        b"<https://w3id.org/icgp/ontology#InnovationCluster> .\n"
        b"<https://w3id.org/icgp/id/mini/cluster/c1> <https://w3id.org/icgp/ontology#adopter> "
        b"<http://example.org/o> .\n"
        b'_:c14n0 <http://example.org/v> "1" .\n'
    )


# -- the report's evidence text -----------------------------------------------------------------------


@pytest.mark.parametrize("order", [("b", "c", "a"), ("c", "a", "b"), ("a", "b", "c"), ("c", "b", "a")])
def test_a_coded_passages_codes_are_listed_in_sorted_order(order: tuple[str, ...]) -> None:
    # GROUP_CONCAT joins in the store's order: releases of the same data listed the codes differently.
    store = Store()
    segment = NamedNode(EX + "segment")
    names = {"a": "Alpha code", "b": "Beta code", "c": "Gamma code"}
    for key in order:
        code = NamedNode(EX + "code-" + key)
        store.add(Quad(segment, NamedNode("http://www.w3.org/ns/oa#hasBody"), code))
        store.add(Quad(code, NamedNode("http://www.w3.org/2004/02/skos/core#prefLabel"), Literal(names[key])))
    found = describe_evidence(StoreTarget(store, "test"), [segment.value], False)
    assert found[segment.value].text == "coded Alpha code; Beta code; Gamma code"
