"""The two SHACL engines give the same results on a built study with errors injected into it.

Errors of the kinds contributors make after hand-editing RDF: numbers written as text, dates in the
wrong type, negative offsets, values out of range, missing labels. A constraint that means different
things on the two engines (a SPARQL filter comparing text with a number: an error on Oxigraph, a string
comparison in rdflib) shows up here as a difference.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, Quad, RdfFormat, serialize
from test_shapes import results

from kg.build.study import build_package

MINI = Path(__file__).parent / "fixtures" / "build" / "mini"
ICGP = "https://w3id.org/icgp/ontology#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDFS_LABEL = NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
ORG = "https://example.org/id/mini/organisation/"


def inject(quad: Quad) -> Quad | None:
    """The quad as a careless editor might have left it (None: deleted)."""
    predicate, value = quad.predicate.value, quad.object
    if predicate == ICGP + "employees":  # a number as text
        return Quad(quad.subject, quad.predicate, Literal(str(value.value)), quad.graph_name)
    if predicate == ICGP + "foundingYear":  # a year as a date
        return Quad(
            quad.subject, quad.predicate, Literal(f"{value.value}-01-01", datatype=NamedNode(XSD + "date"))
        )
    if predicate == "http://www.w3.org/ns/oa#start":  # a negative offset
        return Quad(quad.subject, quad.predicate, Literal("-3", datatype=NamedNode(XSD + "integer")))
    if predicate == ICGP + "likertValue":  # out of the item's scale
        return Quad(quad.subject, quad.predicate, Literal("99", datatype=NamedNode(XSD + "integer")))
    if quad.predicate == RDFS_LABEL and quad.subject == NamedNode(ORG + "uni"):
        return None
    return quad


@pytest.fixture(scope="module")
def injected(tmp_path_factory: pytest.TempPathFactory) -> Path:
    quads = [q for q in map(inject, build_package(MINI).result.quads) if q is not None]
    path = tmp_path_factory.mktemp("agreement") / "injected.ttl"
    path.write_bytes(serialize([q.triple for q in quads], format=RdfFormat.TURTLE))
    return path


def test_both_engines_give_the_same_results(injected: Path) -> None:
    fast = results(injected, "fast")
    assert fast == results(injected, "pyshacl")
    found = sorted((row[0].removeprefix("<https://example.org/id/mini/").rstrip(">"), row[4]) for row in fast)
    assert found == [
        ("cluster/mobility", "icgpsh:Cluster-foundingYear"),
        ("organisation/acme", "icgpsh:Organisation-employees"),
        ("organisation/acme", "icgpsh:Organisation-foundingYear"),
        ("organisation/bigco", "icgpsh:Organisation-employees"),
        ("organisation/bigco", "icgpsh:Organisation-foundingYear"),
        ("organisation/uni", "icgpsh:Organisation-foundingYear"),
        ("organisation/uni", "icgpsh:Organisation-label"),
        ("response/R01/Q1", "icgpsh:Response-withinScale"),
        ("segment/s1/position", "icgpsh:Position-start"),
    ]


def test_text_employees_are_a_datatype_problem_only(injected: Path) -> None:
    # Before the fix, rdflib compared the text "42" with the size class's bounds and warned about the
    # size class, and pySHACL also reported the text as below the minimum; Oxigraph did neither.
    for engine in ("fast", "pyshacl"):
        rows = [row for row in results(injected, engine) if row[1] == "icgp:employees"]
        assert sorted((row[2], row[4], row[5]) for row in rows) == [
            ("DatatypeConstraintComponent", "icgpsh:Organisation-employees", "42"),
            ("DatatypeConstraintComponent", "icgpsh:Organisation-employees", "5200"),
        ]
