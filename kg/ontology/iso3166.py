"""ISO 3166 countries and subdivisions as SKOS concepts, made from the tables that pycountry ships.

No vocabulary file holds them: the full lists are some 5,300 concepts (42,000 triples), while a study
uses a handful. The concept index (:mod:`kg.ontology.concepts`) reads every code from pycountry, so a
region cell can name any of them and a mistyped one gets suggestions; the builder writes only the
regions a study uses, with their broader regions (subdivision, parent subdivision, country), into the
shared regions graph :data:`REGIONS_GRAPH`, where each concept is stored once however many studies use
it. NUTS and ISO form one hierarchy: each NUTS country in use is ``skos:broader`` (and
``skos:exactMatch``) the ISO country it stands for, written in the same graph.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pycountry
from pyoxigraph import Literal, NamedNode, Quad

from kg.ontology.namespaces import NUTS, VOCAB_BASE

__all__ = [
    "ISO_BASE",
    "ISO_SCHEME",
    "NUTS_TO_ISO",
    "REGIONS_GRAPH",
    "IsoRegion",
    "concept_statements",
    "document_header",
    "iso_regions",
    "region_quads",
]

ISO_SCHEME = VOCAB_BASE + "iso3166"
"""The IRI of the ISO 3166 concept scheme; also the name of the graph that holds the regions in use."""
ISO_BASE = ISO_SCHEME + "/"
REGIONS_GRAPH = ISO_SCHEME
REGION_BASES = (ISO_BASE, str(NUTS[""]))
"""Every region IRI starts with one of these: the only IRIs :func:`region_quads` looks at."""
"""The graph of the ISO regions the stored studies use and of the NUTS-to-ISO country links."""

# NUTS country codes that differ from the ISO 3166-1 code of the same country. Kosovo (NUTS XK) has no
# ISO 3166-1 code, so its NUTS concept stays unlinked.
NUTS_TO_ISO = {"EL": "GR", "UK": "GB"}

_SKOS = "http://www.w3.org/2004/02/skos/core#"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_DCTERMS = "http://purl.org/dc/terms/"
_ICGP_COUNTRY_CODE = "https://w3id.org/icgp/ontology#countryCode"
_TITLE = "ISO 3166 countries and subdivisions"
_DESCRIPTION = (
    "The ISO 3166-1 countries and ISO 3166-2 subdivisions that the stored studies use, as SKOS concepts"
    " named by their codes, each under its parent subdivision or its country, and each NUTS 2024 country"
    " in use linked to the ISO country it stands for. Made from the tables shipped with pycountry."
)
_RIGHTS = (
    "Country and subdivision codes and names: ISO 3166, as compiled by the Debian iso-codes project"
    " (LGPL 2.1) and shipped with pycountry."
)


@dataclass(frozen=True)
class IsoRegion:
    """One ISO 3166 country or subdivision."""

    code: str
    label: str
    english: bool  # country names are English; subdivision names are in the country's languages
    country: str
    parent: str | None  # the parent subdivision, else the country; None for a country
    definition: str

    @property
    def iri(self) -> str:
        """The concept's IRI: the code under :data:`ISO_BASE`."""
        return ISO_BASE + self.code


@functools.cache
def iso_regions() -> dict[str, IsoRegion]:
    """Every ISO 3166-1 country (alpha-2 code) and ISO 3166-2 subdivision, by code, sorted."""
    names = {str(country.alpha_2): str(country.name) for country in pycountry.countries}
    found = {
        code: IsoRegion(code, name, True, code, None, f"The country {name}, coded {code} in ISO 3166-1.")
        for code, name in names.items()
    }
    codes = {str(item.code) for item in pycountry.subdivisions}
    for item in pycountry.subdivisions:
        code, country = str(item.code), str(item.country_code)
        parent = str(item.parent_code) if item.parent_code in codes else country
        kind = " ".join(str(item.type).split()).lower()
        found[code] = IsoRegion(
            code,
            " ".join(str(item.name).split()),
            False,
            country,
            parent,
            f"The {kind} {code} of {names[country]} in ISO 3166-2.",
        )
    return dict(sorted(found.items()))


def concept_statements(region: IsoRegion) -> Iterator[tuple[str, str, str | None, bool]]:
    """The statements about one concept as (predicate, value, language, value is an IRI)."""
    yield _RDF_TYPE, _SKOS + "Concept", None, True
    yield _SKOS + "inScheme", ISO_SCHEME, None, True
    yield _SKOS + "notation", region.code, None, False
    yield _SKOS + "prefLabel", region.label, "en" if region.english else None, False
    yield _SKOS + "definition", region.definition, "en", False
    yield _ICGP_COUNTRY_CODE, region.country, None, False
    if region.parent is None:
        yield _SKOS + "topConceptOf", ISO_SCHEME, None, True
    else:
        yield _SKOS + "broader", ISO_BASE + region.parent, None, True


def _with_ancestors(codes: Iterable[str]) -> list[IsoRegion]:
    regions = iso_regions()
    found: dict[str, IsoRegion] = {}
    for code in codes:
        current = regions.get(code)
        while current is not None and current.code not in found:
            found[current.code] = current
            current = regions.get(current.parent) if current.parent else None
    return [found[code] for code in sorted(found)]


def region_quads(iris: Iterable[str]) -> list[Quad]:
    """The quads of :data:`REGIONS_GRAPH` that the regions named by ``iris`` need, sorted.

    Each ISO region among ``iris`` comes with its broader regions; each NUTS region's country is linked
    to its ISO country, which comes too. Other IRIs are ignored, so a study's objects can be passed as
    they are. Empty when no region needs anything (a study with no region at all)."""
    nuts_base = str(NUTS[""])
    iso_codes: set[str] = set()
    links: dict[str, str] = {}
    for iri in iris:
        if iri.startswith(ISO_BASE):
            iso_codes.add(iri[len(ISO_BASE) :])
        elif iri.startswith(nuts_base) and len(iri) > len(nuts_base) + 1:
            country = iri[len(nuts_base) : len(nuts_base) + 2]
            iso = NUTS_TO_ISO.get(country, country)
            if iso in iso_regions():
                links[country] = iso
    regions = _with_ancestors([*iso_codes, *links.values()])
    if not regions:
        return []
    graph = NamedNode(REGIONS_GRAPH)
    scheme = NamedNode(ISO_SCHEME)
    quads = [
        Quad(scheme, NamedNode(_RDF_TYPE), NamedNode(_SKOS + "ConceptScheme"), graph),
        Quad(scheme, NamedNode(_DCTERMS + "title"), Literal(_TITLE, language="en"), graph),
        Quad(scheme, NamedNode(_DCTERMS + "description"), Literal(_DESCRIPTION, language="en"), graph),
        Quad(scheme, NamedNode(_DCTERMS + "rights"), Literal(_RIGHTS, language="en"), graph),
        Quad(scheme, NamedNode(_DCTERMS + "source"), NamedNode("https://pypi.org/project/pycountry/"), graph),
    ]
    for region in regions:
        subject = NamedNode(region.iri)
        if region.parent is None:
            quads.append(Quad(scheme, NamedNode(_SKOS + "hasTopConcept"), subject, graph))
        for predicate, value, language, is_iri in concept_statements(region):
            term = NamedNode(value) if is_iri else Literal(value, language=language)
            quads.append(Quad(subject, NamedNode(predicate), term, graph))
    for country, iso in sorted(links.items()):
        nuts_country = NamedNode(nuts_base + country)
        for predicate in ("exactMatch", "broader"):
            quads.append(Quad(nuts_country, NamedNode(_SKOS + predicate), NamedNode(ISO_BASE + iso), graph))
    return quads


def document_header() -> list[Quad]:
    """What makes the regions graph a vocabulary document when it is released as a file: the scheme as
    an ``owl:Ontology`` with its licence, creator, publisher and preferred prefix (in the regions graph).

    A store does not need it; a release lists every vocabulary document in its catalog."""
    graph = NamedNode(REGIONS_GRAPH)
    scheme = NamedNode(ISO_SCHEME)
    team = NamedNode("https://w3id.org/icgp/team")
    vann = "http://purl.org/vocab/vann/"
    return [
        Quad(scheme, NamedNode(_RDF_TYPE), NamedNode("http://www.w3.org/2002/07/owl#Ontology"), graph),
        Quad(
            scheme,
            NamedNode(_DCTERMS + "license"),
            NamedNode("https://creativecommons.org/licenses/by/4.0/"),
            graph,
        ),
        Quad(scheme, NamedNode(_DCTERMS + "creator"), team, graph),
        Quad(scheme, NamedNode(_DCTERMS + "publisher"), team, graph),
        Quad(scheme, NamedNode(vann + "preferredNamespacePrefix"), Literal("iso3166"), graph),
        Quad(scheme, NamedNode(vann + "preferredNamespaceUri"), Literal(ISO_BASE), graph),
    ]
