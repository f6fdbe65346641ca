"""Graph comparison for the tests: isomorphism through RDFC-1.0 canonical forms.

``rdflib.compare.isomorphic`` takes seconds to minutes on the ontology, whose OWL restrictions and lists are
hundreds of blank nodes alike in shape; Oxigraph's RDFC-1.0 canonicalisation answers the same question in
a fraction of a second. The graphs stay rdflib graphs, so the parsing under test is still rdflib's.
"""

from __future__ import annotations

import rdflib
from pyoxigraph import CanonicalizationAlgorithm, Dataset, Quad, RdfFormat, parse


def canonical(graph: rdflib.Graph) -> set[Quad]:
    """The graph's triples with their blank nodes relabelled canonically (RDFC-1.0)."""
    data = graph.serialize(format="nt", encoding="utf-8")
    dataset = Dataset(Quad(t.subject, t.predicate, t.object) for t in parse(data, format=RdfFormat.N_TRIPLES))
    dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
    return set(dataset)


def isomorphic(first: rdflib.Graph, second: rdflib.Graph) -> bool:
    """True when the two graphs are the same up to the names of their blank nodes."""
    return len(first) == len(second) and canonical(first) == canonical(second)
