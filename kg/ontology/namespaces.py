"""Namespaces used across ICGP, defined once."""

from __future__ import annotations

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
