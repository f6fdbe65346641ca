"""The reasoners' input prepared on pyoxigraph terms is the graph the former rdflib preparation gave.

``reason`` and ``reason_owl_rl`` used to copy a store into an rdflib graph and prepare that; they now
prepare the store's triples directly. The former functions are kept below, verbatim in behaviour, as
the reference: on the bundled files, the sample study and the reasoner fixtures, both give the same
graph (compared as graphs) and the same list of adjustments.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kg.build.study import BuiltStudy
from kg.errors import InputError
from kg.ontology import quality as oc
from kg.ontology import reasoning
from kg.ontology.loading import load_with_imports

QC = Path(__file__).parent / "fixtures" / "qc"
FIXTURES = [QC / "reasoner_datatypes.ttl", QC / "reasoner_unsatisfiable.ttl", QC / "clean.ttl"]

# --------------------------------------------------------------------------------------------------
# The former preparation (rdflib), as it was before the pyoxigraph one replaced it

_BUILT_IN = (str(OWL), str(RDF), str(RDFS), str(XSD))
_DATE = re.compile(r"^(-?\d{4,}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?$")


def _old_graph_from_store(store: ox.Store) -> Graph:
    graph = Graph()
    for quad in store.quads_for_pattern(None, None, None, None):
        graph.add((_old_term(quad.subject), _old_term(quad.predicate), _old_term(quad.object)))
    return graph


def _old_term(term: object) -> URIRef | BNode | Literal:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    assert isinstance(term, ox.Literal)
    if term.language:
        return Literal(term.value, lang=term.language, normalize=False)
    if term.datatype.value == str(XSD.string):
        return Literal(term.value, normalize=False)
    return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)


def _old_class_positions(graph: Graph) -> Iterator[object]:
    for predicate in (RDFS.subClassOf, OWL.equivalentClass, OWL.disjointWith):
        for subject, obj in graph.subject_objects(predicate):
            yield subject
            yield obj
    yield from graph.objects(None, RDFS.domain)
    yield from graph.objects(None, RDF.type)
    yield from graph.objects(None, OWL.onClass)
    object_properties = set(graph.subjects(RDF.type, OWL.ObjectProperty))
    for prop, obj in graph.subject_objects(RDFS.range):
        if prop in object_properties:
            yield obj
    for restriction, prop in graph.subject_objects(OWL.onProperty):
        if prop in object_properties:
            yield from graph.objects(restriction, OWL.someValuesFrom)
            yield from graph.objects(restriction, OWL.allValuesFrom)


def _old_prepare_graph(graph: Graph) -> tuple[Graph, tuple[str, ...]]:
    notes: Counter[str] = Counter()
    prepared = Graph()
    for subject, predicate, obj in graph:
        if predicate == OWL.imports:
            notes["owl:imports statements dropped (the given files are reasoned over instead)"] += 1
            continue
        if (
            isinstance(obj, Literal)
            and obj.datatype is not None
            and str(obj.datatype) not in reasoning.OWL2_DATATYPES
        ):
            date = _DATE.match(str(obj)) if obj.datatype == XSD.date else None
            if date is None:
                notes[f"literals of datatype <{obj.datatype}> dropped (not in the OWL 2 datatype map)"] += 1
                continue
            obj = Literal(f"{date.group(1)}T00:00:00{date.group(2) or ''}", datatype=XSD.dateTime)
            notes["xsd:date literals turned into xsd:dateTime"] += 1
        elif (
            isinstance(obj, URIRef)
            and str(obj).startswith(str(XSD))
            and str(obj) not in reasoning.OWL2_DATATYPES
        ):
            notes[f"datatype <{obj}> replaced where used as a data range"] += 1
            obj = XSD.dateTime if obj == XSD.date else RDFS.Literal
        prepared.add((subject, predicate, obj))
    declared = set(prepared.subjects(RDF.type, OWL.Class)) | set(prepared.subjects(RDF.type, RDFS.Datatype))
    missing = {
        node
        for node in _old_class_positions(prepared)
        if isinstance(node, URIRef) and node not in declared and not str(node).startswith(_BUILT_IN)
    }
    for node in missing:
        prepared.add((node, RDF.type, OWL.Class))
    if missing:
        notes["owl:Class declarations added for classes used but not declared"] += len(missing)
    return prepared, tuple(f"{note}: {n}" for note, n in sorted(notes.items()))


# --------------------------------------------------------------------------------------------------


def _hermit_input(store: ox.Store) -> tuple[set[ox.Quad], tuple[str, ...]]:
    """What ``reason`` writes for HermiT (the same calls, without running Java), read back."""
    prepared, adjustments = reasoning._prepare_triples(reasoning._as_triples(store))
    ntriples = ox.serialize((ox.Triple(*triple) for triple in prepared), format=ox.RdfFormat.N_TRIPLES)
    return set(ox.parse(ntriples, ox.RdfFormat.N_TRIPLES)), adjustments  # type: ignore[arg-type]


def _assert_same_preparations(store: ox.Store) -> None:
    before = _old_graph_from_store(store)
    old, old_adjustments = _old_prepare_graph(before)
    new, new_adjustments = _hermit_input(store)
    assert new_adjustments == old_adjustments
    # Both N-Triples files keep the store's blank node labels, so the graphs compare triple by triple
    # (the same graph, which is stronger than isomorphic).
    old_ntriples = old.serialize(format="nt", encoding="utf-8")
    assert new == set(ox.parse(old_ntriples, ox.RdfFormat.N_TRIPLES))  # type: ignore[arg-type]

    old_rl, old_rl_adjustments = reasoning.prepare_rl_graph(before)
    new_rl, new_rl_adjustments = reasoning._rl_graph_from_triples(reasoning._as_triples(store))
    assert new_rl_adjustments == old_rl_adjustments
    assert set(new_rl) == set(old_rl) and len(new_rl) == len(old_rl)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda path: path.stem)
def test_the_reasoner_fixtures_are_prepared_as_before(fixture: Path) -> None:
    store, _ = load_with_imports([fixture])
    _assert_same_preparations(store)


def test_the_bundled_files_and_the_sample_study_are_prepared_as_before(sample_built: BuiltStudy) -> None:
    store, closure = load_with_imports(oc.default_files())
    assert closure.unresolved == ()
    store.extend(sample_built.result.quads + sample_built.result.regions)
    _assert_same_preparations(store)


def test_the_fixture_adjustments_are_the_documented_ones() -> None:
    # The comparison above is only as good as the cases it meets: these are all the kinds of change.
    store, _ = load_with_imports([QC / "reasoner_datatypes.ttl"])
    assert _hermit_input(store)[1] == (
        "datatype <http://www.w3.org/2001/XMLSchema#date> replaced where used as a data range: 1",
        "literals of datatype <http://www.w3.org/2001/XMLSchema#gYear> dropped "
        "(not in the OWL 2 datatype map): 1",
        "owl:imports statements dropped (the given files are reasoned over instead): 1",
        "xsd:date literals turned into xsd:dateTime: 3",
    )
    store, _ = load_with_imports([QC / "reasoner_unsatisfiable.ttl"])
    assert _hermit_input(store)[1] == ("owl:Class declarations added for classes used but not declared: 1",)


def test_a_directional_literal_loses_its_direction_as_it_did_in_rdflib() -> None:
    store = ox.Store()
    subject, label = ox.NamedNode("https://example.org/a"), ox.NamedNode("https://example.org/note")
    store.add(ox.Quad(subject, label, ox.Literal("x", language="ar", direction=ox.BaseDirection.RTL)))
    new, _ = _hermit_input(store)
    assert new == {ox.Quad(subject, label, ox.Literal("x", language="ar"), ox.DefaultGraph())}


def test_a_graph_with_a_literal_subject_is_refused_clearly() -> None:
    graph = Graph()
    graph.add((Literal("x"), RDF.type, OWL.Class))
    with pytest.raises(InputError, match="RDF triples only"):
        reasoning.prepare_graph(graph)
