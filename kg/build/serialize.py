"""Deterministic RDF output: the whole store or chosen graphs in any of six formats, byte-stable.

Identical input gives byte-identical output: blank nodes get canonical labels (RDFC-1.0) and quads are
written sorted by graph, subject, predicate and object. pyoxigraph writes Turtle, N-Triples, N-Quads,
TriG and RDF/XML; JSON-LD is compacted with the context shipped in ``ontology/context.jsonld`` (through
rdflib, whose output is then put in a canonical order). The triple formats merge the selected graphs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, cast

import rdflib
from pyoxigraph import (
    BlankNode,
    CanonicalizationAlgorithm,
    Dataset,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    QuerySolutions,
    RdfFormat,
    Store,
    Triple,
    serialize,
)

from kg.errors import InputError
from kg.files import write_atomically
from kg.ontology import resources
from kg.ontology.namespaces import ONTOLOGY_IRI, PREFIXES, VOCAB_BASE

# Output formats by name; the triple formats merge the selected graphs, the quad formats keep their names.
FORMATS: dict[str, RdfFormat] = {
    "ttl": RdfFormat.TURTLE,
    "nt": RdfFormat.N_TRIPLES,
    "nq": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
    "jsonld": RdfFormat.JSON_LD,
    "xml": RdfFormat.RDF_XML,
}
SUFFIXES = {
    ".ttl": "ttl",
    ".nt": "nt",
    ".nq": "nq",
    ".trig": "trig",
    ".jsonld": "jsonld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}
MEDIA_TYPES = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "nq": "application/n-quads",
    "trig": "application/trig",
    "jsonld": "application/ld+json",
    "xml": "application/rdf+xml",
}
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def format_for(output: Path | None, name: str | None, default: str = "nq") -> str:
    """The output format named by ``--format`` or, failing that, by the output file's suffix."""
    if name is not None:
        if name not in FORMATS:
            raise InputError(f"unknown format {name!r}; choose one of {', '.join(FORMATS)}")
        return name
    if output is not None and output.suffix.lower() in SUFFIXES:
        return SUFFIXES[output.suffix.lower()]
    return default


# --------------------------------------------------------------------------------------------------
# Stable order


def _quad_key(quad: Quad) -> tuple[str, str, str, str]:
    return (str(quad.graph_name), str(quad.subject), str(quad.predicate), str(quad.object))


def sorted_quads(quads: Iterable[Quad]) -> list[Quad]:
    """Quads without duplicates in a stable order: graph, subject, predicate, object (N-Quads text).

    Blank nodes are first relabelled with RDFC-1.0, so the same graph always gets the same labels."""
    unique = set(quads)
    for q in unique:  # a plain loop: called for every entity page, a generator's overhead showed
        if isinstance(q.subject, BlankNode) or isinstance(q.object, BlankNode):
            dataset = Dataset(unique)
            dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
            unique = set(dataset)
            break
    return sorted(unique, key=_quad_key)


def sorted_triples(quads: Iterable[Quad]) -> list[Triple]:
    """The triples of ``quads`` (graph names dropped, duplicates merged) in a stable order."""
    merged = sorted_quads(Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in quads)
    return [q.triple for q in merged]


def select(store: Store, query: str, **options: Any) -> QuerySolutions:
    """Run a SELECT query (typed for mypy: pyoxigraph's ``query`` returns a union)."""
    return cast(QuerySolutions, store.query(query, **options))


def node_value(term: Any) -> str:
    """The IRI of a named node, the label of a blank node or the lexical form of a literal."""
    return cast(str, term.value)


# --------------------------------------------------------------------------------------------------
# Serialisation


def serialize_quads(quads: Iterable[Quad], fmt: str, *, merge_graphs: bool = False) -> bytes:
    """Serialise quads deterministically in format ``fmt`` (a key of ``FORMATS``).

    Triple formats always merge the graphs; ``merge_graphs`` also drops graph names in N-Quads, TriG
    and JSON-LD (used for the ontology and vocabulary files of a release)."""
    rdf_format = FORMATS[fmt]
    if merge_graphs or not rdf_format.supports_datasets:
        return serialize_sorted(merged_quads(quads), fmt)
    return serialize_sorted(sorted_quads(quads), fmt)


def merged_quads(quads: Iterable[Quad]) -> list[Quad]:
    """``sorted_triples`` as quads of the default graph: what ``serialize_quads`` writes when it merges
    the graphs, to pass to ``serialize_sorted``."""
    return [Quad(t.subject, t.predicate, t.object, DefaultGraph()) for t in sorted_triples(quads)]


def serialize_sorted(ordered: Sequence[Quad], fmt: str) -> bytes:
    """``serialize_quads`` of quads already ordered by ``sorted_quads`` (or merged by ``merged_quads``):
    a caller that writes the same statements in several formats sorts them once."""
    if fmt == "jsonld":
        return _compact_jsonld(ordered)
    items: Sequence[Quad] | list[Triple] = (
        ordered if FORMATS[fmt].supports_datasets else [q.triple for q in ordered]
    )
    return serialize_ordered(items, fmt)


def serialize_ordered(items: Sequence[Quad] | Sequence[Triple], fmt: str) -> bytes:
    """Write statements already in ``sorted_quads``/``sorted_triples`` order in the pyoxigraph format
    ``fmt`` (not ``jsonld``): what ``serialize_quads`` does after sorting, for callers that write the
    same statements in several formats and sort them once."""
    return cast(bytes, serialize(items, format=FORMATS[fmt], prefixes=PREFIXES))


def write_quads(
    quads: Iterable[Quad], output: Path | None, fmt: str, *, merge_graphs: bool = False
) -> bytes | None:
    """Serialise quads (see ``serialize_quads``); write atomically to ``output`` or return the bytes."""
    data = serialize_quads(quads, fmt, merge_graphs=merge_graphs)
    if output is None:
        return data
    write_atomically(output, data)
    return None


def to_rdflib(term: Any) -> Any:
    """The rdflib term for a pyoxigraph term (literal lexical forms are kept exactly)."""
    if isinstance(term, NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(datatype), normalize=False)
    raise TypeError(f"cannot convert {term!r} to rdflib")


def _compact_jsonld(quads: Sequence[Quad]) -> bytes:
    """JSON-LD compacted with the shipped context, then put in canonical order (sorted keys and sets)."""
    dataset = rdflib.Dataset()
    for quad in quads:
        triple = (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object))
        if isinstance(quad.graph_name, DefaultGraph):
            dataset.default_graph.add(triple)
        else:
            dataset.graph(rdflib.URIRef(quad.graph_name.value)).add(triple)
    context = jsonld_context()
    if not quads:
        document: Any = {"@context": context, "@graph": []}
    else:
        document = json.loads(dataset.serialize(format="json-ld", context=context, auto_compact=True))
        body = {key: value for key, value in document.items() if key != "@context"}
        document = {"@context": context, **_one_shape(body)}
    return _jsonld_bytes(document)


def _one_shape(body: dict[str, Any]) -> dict[str, Any]:
    # A single node or a single named graph comes out unwrapped; always use the same shape:
    # a top-level @graph array whose items are nodes or named graphs.
    return body if set(body) == {"@graph"} else {"@graph": [body]}


def _jsonld_bytes(document: Any) -> bytes:
    text = json.dumps(_canonical(document), indent=2, sort_keys=True, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def _canonical(value: Any, key: str | None = None) -> Any:
    """Sort JSON-LD arrays that stand for sets (everything but @list), recursively."""
    if isinstance(value, dict):
        return {k: _canonical(v, k) for k, v in value.items()}
    if isinstance(value, list):
        items = [_canonical(v) for v in value]
        if key == "@list":
            return items
        return sorted(items, key=_sort_key)
    return value


def _sort_key(item: Any) -> tuple[int, str]:
    # Nodes and references sort by their @id (unique within one array); other values by their JSON text.
    if isinstance(item, dict) and isinstance(item.get("@id"), str) and len(item) > 1:
        return (0, item["@id"])
    if isinstance(item, dict) and isinstance(item.get("@id"), str):
        return (1, item["@id"])
    return (2, json.dumps(item, sort_keys=True, ensure_ascii=False))


# --------------------------------------------------------------------------------------------------
# The JSON-LD context


def jsonld_context() -> dict[str, Any]:
    """The JSON-LD context that ships with ICGP (``ontology/context.jsonld``)."""
    path = resources.resource_dir("ontology") / "context.jsonld"
    document = json.loads(path.read_text(encoding="utf-8"))
    context: dict[str, Any] = document["@context"]
    return context


def build_context(ontology: Path | None = None) -> dict[str, Any]:
    """Generate the JSON-LD context from the ontology: prefixes plus a short term for each ICGP property.

    Object properties are coerced to IRIs and datatype properties with one XSD range to that datatype.
    ``ontology/context.jsonld`` is this function's output; a test keeps the two in step."""
    store = Store()
    store.load(path=str(ontology or resources.ontology_file()), format=RdfFormat.TURTLE)
    context: dict[str, Any] = dict(sorted(PREFIXES.items()))
    for path in resources.vocabulary_files():
        context.setdefault(path.stem, f"{VOCAB_BASE}{path.stem}/")
    query = """
        PREFIX owl: <http://www.w3.org/2002/07/owl#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?property ?kind (SAMPLE(?r) AS ?range) (COUNT(DISTINCT ?r) AS ?ranges) WHERE {
          VALUES ?kind { owl:ObjectProperty owl:DatatypeProperty owl:AnnotationProperty }
          ?property a ?kind .
          OPTIONAL { ?property rdfs:range ?r }
        } GROUP BY ?property ?kind
    """
    terms: dict[str, Any] = {}
    for row in select(store, query):
        iri, kind = row["property"].value, row["kind"].value.rsplit("#", 1)[-1]
        if not iri.startswith(ONTOLOGY_IRI + "#"):
            continue
        name = iri.rsplit("#", 1)[-1]
        if name in context:
            continue  # never shadow a prefix
        target = row["range"].value if row["range"] is not None and int(row["ranges"].value) == 1 else None
        definition: dict[str, str] = {"@id": f"icgp:{name}"}
        if kind == "ObjectProperty" or target == "http://www.w3.org/2002/07/owl#Class":
            definition["@type"] = "@id"
        elif (
            kind == "DatatypeProperty"
            and target
            and target.startswith(PREFIXES["xsd"])
            and target != _XSD_STRING
        ):
            definition["@type"] = "xsd:" + target[len(PREFIXES["xsd"]) :]
        terms[name] = definition
    context.update(sorted(terms.items()))
    return context


def context_document(ontology: Path | None = None) -> str:
    """The text of ``ontology/context.jsonld`` as ``build_context`` makes it."""
    return json.dumps({"@context": build_context(ontology)}, indent=2, ensure_ascii=False) + "\n"
