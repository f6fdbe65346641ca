"""The OWL-RL closure's graph (kg.ontology.rl_graph): the same lookups and the same closure as rdflib's."""

from __future__ import annotations

import itertools

from owlrl import OWLRL_Semantics
from rdflib import Graph, Literal, Namespace
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS, XSD

from kg.ontology import reasoning
from kg.ontology.rl_graph import IndexedGraph, plain_namespaces

EX = Namespace("https://example.org/")

AXIOMS = f"""
@prefix ex: <{EX}> . @prefix owl: <{OWL}> . @prefix rdfs: <{RDFS}> . @prefix xsd: <{XSD}> .
ex:Firm rdfs:subClassOf ex:Actor . ex:Sme rdfs:subClassOf ex:Firm .
ex:Person owl:disjointWith ex:Firm .
ex:memberOf rdfs:domain ex:Actor ; rdfs:range ex:Cluster ; owl:inverseOf ex:hasMember .
ex:partOf a owl:TransitiveProperty . ex:knows a owl:SymmetricProperty .
ex:vat a owl:FunctionalProperty . ex:employees rdfs:range xsd:integer .
ex:region owl:propertyChainAxiom ( ex:memberOf ex:locatedIn ) .
ex:a a ex:Sme ; ex:memberOf ex:c ; ex:knows ex:b ; ex:vat ex:v1, ex:v2 ; ex:employees 12 .
ex:c ex:locatedIn ex:r1 . ex:r1 ex:partOf ex:r2 . ex:r2 ex:partOf ex:r3 .
ex:b a ex:Person , ex:Firm .
ex:d ex:employees "many"^^xsd:integer .
"""


def _closure(graph: Graph, *, indexed: bool) -> tuple[Graph, list[str]]:
    source = IndexedGraph(graph) if indexed else Graph()
    if not indexed:
        for triple in graph:
            source.add(triple)
    closure = reasoning._RLClosure(source, False, False, False)
    if indexed:
        with plain_namespaces():
            closure.closure()
    else:
        closure.closure()
    closed = Graph()
    for triple in source:
        closed.add(triple)
    return closed, sorted(closure.error_messages)


def test_the_closure_and_its_clashes_are_the_same_as_on_an_rdflib_graph() -> None:
    given = Graph().parse(data=AXIOMS, format="turtle")
    triples, clashes = _closure(given, indexed=False)
    indexed_triples, indexed_clashes = _closure(given, indexed=True)
    # Each closure writes its error messages as new blank nodes, so the two compare as graphs.
    assert isomorphic(indexed_triples, triples)
    assert indexed_clashes == clashes
    # The rules that ran: subclass and domain typing, inverse, transitivity, symmetry, chains, clashes.
    for derived in [
        (EX.a, RDF.type, EX.Actor),
        (EX.c, EX.hasMember, EX.a),
        (EX.r1, EX.partOf, EX.r3),
        (EX.b, EX.knows, EX.a),
        (EX.a, EX.region, EX.r1),
        (EX.v1, OWL.sameAs, EX.v2),
    ]:
        assert derived in triples
    assert len(clashes) == 2  # ex:b in two disjoint classes; "many" is no integer


def test_every_lookup_pattern_gives_what_rdflib_gives() -> None:
    nodes = [EX.s1, EX.s2, EX.p1, EX.p2, Literal("x"), Literal(3)]
    triples = [
        (s, p, o)
        for s, p, o in itertools.product(nodes[:3], nodes[2:4], nodes)
        if hash((s, p, o)) % 3  # a mixed, uneven graph
    ]
    plain, indexed = Graph(), IndexedGraph()
    for triple in triples:
        plain.add(triple)
        indexed.add(triple)
    indexed.add(triples[0])  # a repeated triple is stored once
    for pattern in itertools.product([None, *nodes[:3]], [None, *nodes[2:4]], [None, *nodes]):
        assert sorted(indexed.triples(pattern)) == sorted(plain.triples(pattern)), pattern
        assert (pattern in indexed) == (pattern in plain), pattern
    assert len(indexed) == len(plain)
    indexed.remove((EX.s1, None, None))
    plain.remove((EX.s1, None, None))
    assert sorted(indexed) == sorted(plain) and len(indexed) == len(plain)


def test_the_namespaces_are_restored_after_the_closure() -> None:
    import owlrl.OWLRL

    before = owlrl.OWLRL.OWL
    with plain_namespaces():
        assert owlrl.OWLRL.OWL is not before
        assert owlrl.OWLRL.OWL.sameAs == OWL.sameAs
    assert owlrl.OWLRL.OWL is before
    assert issubclass(reasoning._RLClosure, OWLRL_Semantics)


class _EveryTriple(reasoning._RLClosure):  # type: ignore[misc]
    """The closure with owlrl's own ``rules``: every rule tried on every triple."""

    rules = OWLRL_Semantics.rules


def test_skipping_the_triples_no_rule_starts_from_changes_nothing() -> None:
    given = Graph().parse(data=AXIOMS, format="turtle")
    given.add((EX.v3, RDF.type, OWL.Nothing))
    given.add((EX.Actor, RDF.type, OWL.Class))  # a class declared: scm-cls fires on an rdf:type triple
    results = []
    for closure_class in (reasoning._RLClosure, _EveryTriple):
        source = IndexedGraph(given)
        closure = closure_class(source, False, False, False)
        with plain_namespaces(source):
            closure.closure()
        closed = Graph()
        for triple in source:
            closed.add(triple)
        results.append((closed, sorted(closure.error_messages)))
    (skipping, skipping_clashes), (every, every_clashes) = results
    # The error messages are new blank nodes in each closure, so the two compare as graphs.
    assert isomorphic(skipping, every) and skipping_clashes == every_clashes
    assert (EX.Actor, RDFS.subClassOf, OWL.Thing) in skipping  # scm-cls ran
    assert len(skipping_clashes) == 3  # ex:b in disjoint classes, "many" no integer, ex:v3 in owl:Nothing
