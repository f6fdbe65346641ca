"""Namespaces used across ICGP, defined once."""

from __future__ import annotations

from typing import Any

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, VANN, VOID, XSD

ONTOLOGY_IRI = "https://w3id.org/icgp/ontology"
ICGP = Namespace(ONTOLOGY_IRI + "#")
VOCAB_BASE = "https://w3id.org/icgp/vocab/"
DEFAULT_DATA_BASE = "https://w3id.org/icgp/id/"

ORG = Namespace("http://www.w3.org/ns/org#")
OA = Namespace("http://www.w3.org/ns/oa#")
QB = Namespace("http://purl.org/linked-data/cube#")
SCHEMA = Namespace("https://schema.org/")
NUTS = Namespace("http://data.europa.eu/nuts/code/")
NACE = Namespace("http://data.europa.eu/ux2/nace2/")
TIME = Namespace("http://www.w3.org/2006/time#")
BIBO = Namespace("http://purl.org/ontology/bibo/")
SH = Namespace("http://www.w3.org/ns/shacl#")


def vocab(scheme: str) -> Namespace:
    """Namespace of the concepts of one ICGP SKOS scheme (``.../vocab/{scheme}/``)."""
    return Namespace(f"{VOCAB_BASE}{scheme}/")


class PlainTerms:
    """A namespace whose terms become plain attributes on first use.

    rdflib checks the name and makes a new ``URIRef`` on every ``NS.term``; code that reads a term per
    row or per triple (the builder, the OWL-RL closure) reads it through this wrapper at the cost of an
    attribute read. The terms are the namespace's own, so nothing else changes."""

    def __init__(self, namespace: Any) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        term = getattr(self._namespace, name)
        setattr(self, name, term)
        return term

    def __getitem__(self, name: str) -> Any:
        return self._namespace[name]

    def __contains__(self, term: object) -> bool:
        return term in self._namespace


# Prefixes for serialisations and for SPARQL texts built by the library.
PREFIXES: dict[str, str] = {
    "icgp": str(ICGP),
    "org": str(ORG),
    "oa": str(OA),
    "qb": str(QB),
    "schema": str(SCHEMA),
    "nuts": str(NUTS),
    "nace": str(NACE),
    "time": str(TIME),
    "bibo": str(BIBO),
    "sh": str(SH),
    "dcat": str(DCAT),
    "dcterms": str(DCTERMS),
    "foaf": str(FOAF),
    "owl": str(OWL),
    "prov": str(PROV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "skos": str(SKOS),
    "vann": str(VANN),
    "void": str(VOID),
    "xsd": str(XSD),
}

__all__ = [
    "BIBO",
    "DCAT",
    "DCTERMS",
    "DEFAULT_DATA_BASE",
    "FOAF",
    "ICGP",
    "NACE",
    "NUTS",
    "OA",
    "ONTOLOGY_IRI",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "QB",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SH",
    "SKOS",
    "TIME",
    "VANN",
    "VOCAB_BASE",
    "VOID",
    "XSD",
    "vocab",
]
