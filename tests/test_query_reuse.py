"""pySHACL's SPARQL constraints are parsed once per text (kg.validation.query_reuse); same answers."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from pyoxigraph import NamedNode, Quad, RdfFormat, parse
from rdflib.plugins.sparql import processor

from kg.build.store import ontology_quads
from kg.validation import engines, query_reuse
from kg.validation.engines import DataGraph, load_shapes, validate

FIXTURE = Path(__file__).parent / "fixtures" / "shapes" / "clusters.invalid.ttl"
VOCAB = "https://w3id.org/icgp/vocab/"


def test_each_text_is_parsed_once_and_the_results_do_not_change(monkeypatch: pytest.MonkeyPatch) -> None:
    # The fixture with the ontology and the small vocabularies its shapes look up.
    background = [q.triple for q in ontology_quads() if q.graph_name != NamedNode(VOCAB + "nuts")]
    fixture = [q.triple for q in parse(path=str(FIXTURE), format=RdfFormat.TURTLE) if isinstance(q, Quad)]
    data = DataGraph([*background, *fixture])
    shapes = load_shapes()
    with monkeypatch.context() as plain_rdflib:  # rdflib's own processor, parsing every text it is given
        plain_rdflib.setattr(engines, "queries_parsed_once", contextlib.nullcontext)
        plain = validate(data, shapes, "pyshacl")

    parsed: list[str] = []
    real_parse = query_reuse.parseQuery
    monkeypatch.setattr(query_reuse, "parseQuery", lambda text: parsed.append(text) or real_parse(text))
    query_reuse._translated.cache_clear()
    original = processor.SPARQLProcessor.query
    first = validate(data, shapes, "pyshacl")
    after_first = list(parsed)
    second = validate(data, shapes, "pyshacl")

    assert plain and first == second == plain
    assert after_first and len(after_first) == len(set(after_first))  # each distinct text parsed once
    assert parsed == after_first  # the second validation parsed nothing
    assert processor.SPARQLProcessor.query is original  # rdflib is left as it was


def test_prefix_lines_are_sorted_unless_a_prefix_is_declared_twice() -> None:
    text = "PREFIX b: <https://b/>\nPREFIX a: <https://a/>\nSELECT * WHERE { ?s a:p b:o }"
    sorted_text = "PREFIX a: <https://a/>\nPREFIX b: <https://b/>\nSELECT * WHERE { ?s a:p b:o }"
    assert query_reuse._normalised(text) == sorted_text
    twice = "PREFIX a: <https://x/>\nPREFIX a: <https://a/>\nSELECT * WHERE { ?s a:p ?o }"
    assert query_reuse._normalised(twice) == twice
