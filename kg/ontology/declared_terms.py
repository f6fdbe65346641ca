"""Which icgp: terms a graph or text declares and uses, to catch terms used without a declaration."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import cast

import pyoxigraph as ox
import rdflib

from kg.ontology.namespaces import ICGP

_ICGP_NS = str(ICGP)

_PREFIXED = re.compile(r"(?<![\w:#\-])icgp:((?:[A-Za-z_]|%[0-9A-Fa-f]{2})(?:[\w\-.]|%[0-9A-Fa-f]{2})*)")
_FULL = re.compile(re.escape(_ICGP_NS) + r"([A-Za-z_][\w\-.]*)")

_DECLARED_QUERY = f"""
SELECT DISTINCT ?term WHERE {{
  ?term a ?type .
  FILTER(isIRI(?term) && STRSTARTS(STR(?term), "{_ICGP_NS}") && STR(?term) != "{_ICGP_NS}")
}}"""

_USED_QUERY = f"""
SELECT DISTINCT ?term WHERE {{
  {{ ?term ?p ?o }} UNION {{ ?s ?term ?o }} UNION {{ ?s ?p ?term }}
  FILTER(isIRI(?term) && STRSTARTS(STR(?term), "{_ICGP_NS}") && STR(?term) != "{_ICGP_NS}")
}}"""


def _iris(store: ox.Store, query: str) -> set[str]:
    solutions = cast(ox.QuerySolutions, store.query(query, use_default_graph_as_union=True))
    return {cast(ox.NamedNode, solution["term"]).value for solution in solutions}


def _as_store(graph: ox.Store | rdflib.Graph) -> ox.Store:
    if isinstance(graph, ox.Store):
        return graph
    store = ox.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


def declared_icgp_terms(graph: ox.Store | rdflib.Graph) -> set[str]:
    """The icgp: IRIs the graph declares, i.e. gives an ``rdf:type`` (class, property, individual...)."""
    return _iris(_as_store(graph), _DECLARED_QUERY)


def used_icgp_terms(graph: ox.Store | rdflib.Graph) -> set[str]:
    """Every icgp: IRI that occurs in the graph, in any position."""
    return _iris(_as_store(graph), _USED_QUERY)


def undeclared_icgp_terms(graph: ox.Store | rdflib.Graph, declared: Iterable[str] | None = None) -> list[str]:
    """icgp: IRIs used in ``graph`` but not declared, sorted.

    ``declared`` defaults to the declarations in ``graph`` itself; pass the declared set of the ontology
    (``declared_icgp_terms(load_store())``) to check data, shapes or queries that only use the terms.
    """
    store = _as_store(graph)
    known = declared_icgp_terms(store) if declared is None else set(declared)
    return sorted(used_icgp_terms(store) - known)


def icgp_terms_in_text(text: str) -> set[str]:
    """The icgp: terms a Turtle or SPARQL text mentions, as full IRIs (``icgp:X`` and ``<...#X>`` forms).

    The ``icgp:`` prefix is taken to mean the ICGP namespace, as everywhere in this project.
    """
    found = {_ICGP_NS + match.group(1).rstrip(".") for match in _PREFIXED.finditer(text)}
    found.update(_ICGP_NS + match.group(1).rstrip(".") for match in _FULL.finditer(text))
    return found


def undeclared_icgp_terms_in_text(text: str, declared: Iterable[str]) -> list[str]:
    """icgp: terms a Turtle or SPARQL text mentions that are not in ``declared``, sorted."""
    return sorted(icgp_terms_in_text(text) - set(declared))
