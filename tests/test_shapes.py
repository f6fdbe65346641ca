"""The SHACL shapes: each area has a conforming and a non-conforming fixture, run through both engines.

``tests/fixtures/shapes/{area}.valid.ttl`` must give no result; ``{area}.invalid.ttl`` must give exactly
the results listed in ``{area}.expected.tsv`` (focus node, path, constraint component, severity, shape,
value), with the fast engine and with pySHACL alike. The data graph is the fixture plus the ontology and
the vocabularies cut down to the concepts the fixture or the ontology names and the concepts those name
(broader ones): pySHACL checks every concept it is given, one SPARQL query at a time, while the results
looked at are those on the fixture's own resources, whose shapes reach concepts only by such links.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Quad, RdfFormat, Triple, parse

from kg.build.store import ontology_quads
from kg.ontology import resources
from kg.validation.engines import ENGINES, DataGraph, Shapes, load_shapes, validate
from kg.validation.report_formats import shorten

FIXTURES = Path(__file__).parent / "fixtures" / "shapes"
AREAS = sorted(path.name.split(".")[0] for path in FIXTURES.glob("*.invalid.ttl"))
FX = "https://example.org/id/fx/"
VOCAB = "https://w3id.org/icgp/vocab/"
BROADER = NamedNode("http://www.w3.org/2004/02/skos/core#broader")
TOP = NamedNode("http://www.w3.org/2004/02/skos/core#hasTopConcept")
SH = "http://www.w3.org/ns/shacl#"
# pySHACL, the reference, takes seconds per fixture (it parses each SPARQL constraint once per focus node).
ENGINE_PARAMS = [pytest.param(e, marks=pytest.mark.slow) if e == "pyshacl" else e for e in ENGINES]


@cache
def shapes() -> Shapes:
    return load_shapes()


@cache
def background() -> tuple[list[Triple], dict[str, list[Triple]]]:
    """The ontology and every concept scheme, and the vocabularies' concepts' triples by concept."""
    rest: list[Triple] = []
    concepts: dict[str, list[Triple]] = {}
    for quad in ontology_quads():
        graph = quad.graph_name
        if isinstance(graph, NamedNode) and graph.value.startswith(VOCAB) and quad.subject != graph:
            concepts.setdefault(str(quad.subject), []).append(quad.triple)
        else:
            rest.append(quad.triple)
    return rest, concepts


@lru_cache(maxsize=1)  # the two engines' tests of a fixture run one after the other and only read it
def data_graph(fixture: Path) -> tuple[DataGraph, set[str]]:
    triples = [
        Triple(q.subject, q.predicate, q.object)
        for q in parse(path=str(fixture), format=RdfFormat.TURTLE)
        if isinstance(q, Triple | Quad)
    ]
    rest, concepts = background()
    # The concepts the fixture or the ontology names, and their broader concepts.
    todo = [str(t.object) for t in [*triples, *rest] if t.predicate != TOP]
    todo += [str(t.subject) for t in triples]
    kept: set[str] = set()
    while todo:
        node = todo.pop()
        if node in concepts and node not in kept:
            kept.add(node)
            todo.extend(str(t.object) for t in concepts[node] if t.predicate == BROADER)
    named = [t for node in sorted(kept) for t in concepts[node]]
    subjects = {t.subject.value for t in triples if isinstance(t.subject, NamedNode)}
    return DataGraph([*rest, *named, *triples]), subjects


def results(fixture: Path, engine: str) -> list[tuple[str, ...]]:
    """The results on the fixture's own resources, as sorted rows of short names."""
    graph, subjects = data_graph(fixture)
    rows = []
    for r in validate(graph, shapes(), engine):
        if r.focus not in subjects:
            continue
        rows.append(
            (
                "ex:" + r.focus[len(FX) :] if r.focus.startswith(FX) else shorten(r.focus),
                shorten(r.path) if r.path else "-",
                r.component[len(SH) :],
                r.severity.value,
                shorten(r.shape),
                "-" if r.value is None else r.value,
            )
        )
    return sorted(rows)


def expected(area: str) -> list[tuple[str, ...]]:
    lines = (FIXTURES / f"{area}.expected.tsv").read_text(encoding="utf-8").splitlines()
    return sorted(tuple(line.split("\t")) for line in lines if line and not line.startswith("#"))


@pytest.mark.parametrize("engine", ENGINE_PARAMS)
@pytest.mark.parametrize("area", AREAS)
def test_conforming_fixture_gives_no_result(area: str, engine: str) -> None:
    assert results(FIXTURES / f"{area}.valid.ttl", engine) == []


@pytest.mark.parametrize("engine", ENGINE_PARAMS)
@pytest.mark.parametrize("area", AREAS)
def test_non_conforming_fixture_gives_exactly_the_expected_results(area: str, engine: str) -> None:
    assert results(FIXTURES / f"{area}.invalid.ttl", engine) == expected(area)


def test_every_shape_with_a_constraint_fires_in_some_fixture() -> None:
    """Shapes used only through sh:node report through the shape that uses them, so they are left out."""
    fired = {row[4] for area in AREAS for row in expected(area)}
    triples = [t for path in resources.shape_files() for t in parse(path=str(path), format=RdfFormat.TURTLE)]
    nested = {str(t.object) for t in triples if t.predicate.value == SH + "node"}
    nested |= {
        str(t.object) for t in triples if t.predicate.value == SH + "property" and str(t.subject) in nested
    }
    constrained = {
        shorten(t.subject.value)
        for t in triples
        if isinstance(t.subject, NamedNode)
        and t.predicate.value == SH + "severity"
        and str(t.subject) not in nested
    }
    assert sorted(constrained - fired) == []


def test_every_shape_has_name_description_message_and_severity() -> None:
    triples = [t for path in resources.shape_files() for t in parse(path=str(path), format=RdfFormat.TURTLE)]
    by_subject: dict[str, set[str]] = {}
    for triple in triples:
        if isinstance(triple.subject, NamedNode) and triple.subject.value.startswith(
            "https://w3id.org/icgp/shapes#"
        ):
            by_subject.setdefault(triple.subject.value, set()).add(triple.predicate.value)
    missing = {}
    for shape, predicates in by_subject.items():
        needed = {SH + "name", SH + "description"}
        if SH + "severity" in predicates or SH + "path" in predicates:
            needed |= {SH + "message", SH + "severity"}
        if not needed <= predicates:
            missing[shorten(shape)] = sorted(n[len(SH) :] for n in needed - predicates)
    assert missing == {}


def test_no_shape_is_closed() -> None:
    text = "\n".join(path.read_text(encoding="utf-8") for path in resources.shape_files())
    assert "sh:closed" not in text


def test_the_bundled_ontology_and_vocabularies_conform() -> None:
    graph = DataGraph([q.triple for q in ontology_quads()])
    assert validate(graph, shapes(), "fast") == []
