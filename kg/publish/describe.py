"""VoID, DCAT and SPARQL service descriptions of a release (and of the graphs ``icgp serve`` offers).

Every node gets an IRI derived from the release IRI and stable names (no blank nodes), and nothing here
carries a date, so the descriptions of two releases of the same input are identical; the release date
lives in the provenance file (see ``kg.publish.release``).
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from pyoxigraph import BlankNode, Literal, NamedNode, Quad

from kg.build.serialize import MEDIA_TYPES
from kg.ontology.namespaces import DCAT, DCTERMS, FOAF, PREFIXES, RDF, RDFS, SCHEMA, VOID, XSD

SD = "http://www.w3.org/ns/sparql-service-description#"
SPDX = "http://spdx.org/rdf/terms#"
IANA = "https://www.iana.org/assignments/media-types/"
_TYPE = str(RDF.type)
_XSD_INTEGER = NamedNode(str(XSD.integer))
_XSD_NON_NEGATIVE = NamedNode(str(XSD.nonNegativeInteger))
_XSD_HEX = NamedNode(str(XSD.hexBinary))
# W3C format IRIs of the result formats ``icgp serve`` writes.
RESULT_FORMATS = (
    "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
    "http://www.w3.org/ns/formats/SPARQL_Results_XML",
    "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
    "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
    "http://www.w3.org/ns/formats/Turtle",
    "http://www.w3.org/ns/formats/N-Triples",
    "http://www.w3.org/ns/formats/RDF_XML",
)
_MEDIA = {**MEDIA_TYPES, "html": "text/html", "md": "text/markdown", "svg": "image/svg+xml"}


@dataclass(frozen=True)
class Statistics:
    """VoID statistics of a set of triples."""

    triples: int
    entities: int
    subjects: int
    objects: int
    classes: dict[str, int]  # class -> number of distinct instances
    properties: dict[str, int]  # property -> number of triples


def statistics(quads: Iterable[Quad]) -> Statistics:
    """Count triples (graph names ignored, duplicates merged), entities, classes and properties."""
    triples = {(q.subject, q.predicate, q.object) for q in quads}
    instances: dict[str, set[object]] = defaultdict(set)
    properties: Counter[str] = Counter()
    for s, p, o in triples:
        properties[p.value] += 1
        if p.value == _TYPE and isinstance(o, NamedNode):
            instances[o.value].add(s)
    return Statistics(
        triples=len(triples),
        entities=len({s for s, _, _ in triples if isinstance(s, NamedNode)}),
        subjects=len({s for s, _, _ in triples}),
        objects=len({o for _, _, o in triples}),
        classes={c: len(members) for c, members in sorted(instances.items())},
        properties=dict(sorted(properties.items())),
    )


@dataclass(frozen=True)
class Distribution:
    """One file of the release."""

    path: str  # relative to the release folder, with '/'
    fmt: str  # a key of kg.build.serialize.MEDIA_TYPES, or "html", "md", "svg"
    size: int
    sha256: str


@dataclass
class Part:
    """One dataset of the release: the ontology, a vocabulary or a data graph."""

    key: str  # short stable name, e.g. "ontology", "vocab-i40t", "data-stuttgart-i40-clusters"
    iri: str  # the dataset's own IRI (ontology IRI, scheme IRI, the study's dcat:Dataset)
    title: str
    description: str
    kind: str  # "ontology", "vocabulary" or "data"
    stats: Statistics
    graph: str | None = None  # the named graph that holds it in a store
    uri_space: str | None = None
    distributions: list[Distribution] = field(default_factory=list)
    licence: str | None = None


@dataclass(frozen=True)
class ReleaseInfo:
    """What every description needs to know about the release as a whole."""

    iri: str
    version: str
    title: str
    description: str
    files_url: str  # where the release's files can be downloaded, ending in '/'
    endpoint: str
    licence: str
    publisher: str | None = None


class _Writer:
    def __init__(self) -> None:
        self.quads: list[Quad] = []

    def add(self, s: str, p: str, o: NamedNode | Literal | str) -> None:
        obj = NamedNode(o) if isinstance(o, str) else o
        self.quads.append(Quad(NamedNode(s), NamedNode(p), obj))

    def text(self, s: str, p: str, value: str, lang: str | None = "en") -> None:
        self.add(s, p, Literal(value, language=lang) if lang else Literal(value))

    def integer(self, s: str, p: str, value: int, datatype: NamedNode = _XSD_INTEGER) -> None:
        self.add(s, p, Literal(str(value), datatype=datatype))


def _slug(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and iri[len(namespace) :].replace("_", "").replace("-", "").isalnum():
            return f"{prefix}-{iri[len(namespace) :]}"
    return hashlib.sha256(iri.encode("utf-8")).hexdigest()[:12]


def _dist_iri(release: ReleaseInfo, dist: Distribution) -> str:
    return f"{release.iri}#file-{dist.path.replace('/', '-')}"


def void_quads(release: ReleaseInfo, parts: Sequence[Part]) -> list[Quad]:
    """The VoID description: the release as a void:Dataset with one subset per part, statistics,
    class and property partitions, data dumps, the SPARQL endpoint and the vocabularies used."""
    w = _Writer()
    top = f"{release.iri}#void"
    w.add(top, _TYPE, str(VOID.Dataset))
    w.text(top, str(DCTERMS.title), release.title)
    w.text(top, str(DCTERMS.description), release.description)
    w.add(top, str(DCTERMS.license), release.licence)
    w.add(top, str(VOID.sparqlEndpoint), release.endpoint)
    w.add(top, str(RDFS.seeAlso), release.iri)
    w.integer(top, str(VOID.triples), sum(p.stats.triples for p in parts))
    vocabularies = {p.iri for p in parts if p.kind in ("ontology", "vocabulary")}
    for iri in sorted(vocabularies):
        w.add(top, str(VOID.vocabulary), iri)
    for part in parts:
        node = part.iri
        w.add(top, str(VOID.subset), node)
        w.add(node, _TYPE, str(VOID.Dataset))
        w.text(node, str(DCTERMS.title), part.title)
        if part.licence:
            w.add(node, str(DCTERMS.license), part.licence)
        w.add(node, str(VOID.sparqlEndpoint), release.endpoint)
        if part.uri_space:
            w.add(node, str(VOID.uriSpace), Literal(part.uri_space))
        if part.kind == "data":
            for iri in sorted(vocabularies):
                w.add(node, str(VOID.vocabulary), iri)
        stats = part.stats
        for name, value in (
            ("triples", stats.triples),
            ("entities", stats.entities),
            ("distinctSubjects", stats.subjects),
            ("distinctObjects", stats.objects),
            ("classes", len(stats.classes)),
            ("properties", len(stats.properties)),
        ):
            w.integer(node, str(VOID) + name, value)
        for dist in part.distributions:
            if dist.fmt != "html":
                w.add(node, str(VOID.dataDump), release.files_url + dist.path)
        for cls, count in stats.classes.items():
            partition = f"{release.iri}#{part.key}-class-{_slug(cls)}"
            w.add(node, str(VOID.classPartition), partition)
            w.add(partition, str(VOID["class"]), cls)
            w.integer(partition, str(VOID.entities), count)
        for prop, count in stats.properties.items():
            partition = f"{release.iri}#{part.key}-property-{_slug(prop)}"
            w.add(node, str(VOID.propertyPartition), partition)
            w.add(partition, str(VOID.property), prop)
            w.integer(partition, str(VOID.triples), count)
    return w.quads


def catalog_quads(
    release: ReleaseInfo, parts: Sequence[Part], extra: Sequence[Distribution] = ()
) -> list[Quad]:
    """The DCAT description: a catalog with one dataset per part, each file as a distribution (media
    type, size, SHA-256, licence, download URL), the SPARQL data service, and ``extra`` files of the
    release as distributions of the catalog record."""
    w = _Writer()
    catalog = release.iri
    w.add(catalog, _TYPE, str(DCAT.Catalog))
    w.text(catalog, str(DCTERMS.title), release.title)
    w.text(catalog, str(DCTERMS.description), release.description)
    w.add(catalog, str(DCTERMS.license), release.licence)
    w.add(catalog, str(DCAT) + "version", Literal(release.version))
    w.add(catalog, str(FOAF.homepage), release.files_url + "index.html")
    if release.publisher:
        w.add(catalog, str(DCTERMS.publisher), release.publisher)
    service = f"{release.iri}#sparql"
    w.add(catalog, str(DCAT.service), service)
    w.add(service, _TYPE, str(DCAT.DataService))
    w.text(service, str(DCTERMS.title), f"SPARQL endpoint of {release.title}")
    w.add(service, str(DCAT.endpointURL), release.endpoint)
    w.add(service, str(DCTERMS.conformsTo), "https://www.w3.org/TR/sparql11-protocol/")
    w.add(service, str(DCAT.endpointDescription), release.files_url + "service.ttl")
    for part in parts:
        dataset = part.iri
        w.add(catalog, str(DCAT.dataset), dataset)
        w.add(service, str(DCAT.servesDataset), dataset)
        w.add(dataset, _TYPE, str(DCAT.Dataset))
        # FOOPS FIND_3_BIS looks for the catalog an ontology is listed in.
        w.add(dataset, str(SCHEMA.includedInDataCatalog), catalog)
        w.text(dataset, str(DCTERMS.title), part.title)
        w.text(dataset, str(DCTERMS.description), part.description)
        w.add(dataset, str(DCAT) + "version", Literal(release.version))
        if part.licence:
            w.add(dataset, str(DCTERMS.license), part.licence)
        if part.kind == "data":
            w.add(dataset, str(DCTERMS.conformsTo), "https://w3id.org/icgp/ontology")
        for dist in part.distributions:
            if dist.fmt == "html":
                w.add(dataset, str(DCAT.landingPage), release.files_url + dist.path)
            _distribution(w, release, dataset, dist, part.licence)
    for dist in extra:
        _distribution(w, release, catalog, dist, release.licence)
    return w.quads


def _distribution(
    w: _Writer, release: ReleaseInfo, owner: str, dist: Distribution, licence: str | None
) -> None:
    node = _dist_iri(release, dist)
    media = _MEDIA[dist.fmt]
    w.add(owner, str(DCAT.distribution), node)
    w.add(node, _TYPE, str(DCAT.Distribution))
    w.add(node, str(DCTERMS.title), Literal(dist.path))
    w.add(node, str(DCAT.downloadURL), release.files_url + dist.path)
    w.add(node, str(DCAT.accessURL), release.files_url + dist.path)
    w.add(node, str(DCAT.mediaType), IANA + media)
    w.add(node, str(DCTERMS.format), Literal(media))
    w.integer(node, str(DCAT.byteSize), dist.size, _XSD_NON_NEGATIVE)
    if licence:
        w.add(node, str(DCTERMS.license), licence)
    checksum = node + "-sha256"
    w.add(node, SPDX + "checksum", checksum)
    w.add(checksum, _TYPE, SPDX + "Checksum")
    w.add(checksum, SPDX + "algorithm", SPDX + "checksumAlgorithm_sha256")
    w.add(checksum, SPDX + "checksumValue", Literal(dist.sha256, datatype=_XSD_HEX))


def service_quads(
    endpoint: str, graphs: Sequence[tuple[str, str | None]], base: str | None = None
) -> list[Quad]:
    """A SPARQL 1.1 service description of a read-only endpoint: query language, result formats and
    the dataset (the default graph is the union of the named graphs, each listed with its name).

    ``graphs`` pairs each graph name with the IRI of its VoID description, if any."""
    w = _Writer()
    root = base or endpoint
    service = f"{root}#service"
    w.add(service, _TYPE, SD + "Service")
    w.add(service, SD + "endpoint", endpoint)
    w.add(service, SD + "supportedLanguage", SD + "SPARQL11Query")
    w.add(service, SD + "feature", SD + "UnionDefaultGraph")
    w.text(service, str(RDFS.comment), "Read-only: SPARQL Update requests are refused.")
    for fmt in RESULT_FORMATS:
        w.add(service, SD + "resultFormat", fmt)
    dataset = f"{root}#dataset"
    w.add(service, SD + "defaultDataset", dataset)
    w.add(dataset, _TYPE, SD + "Dataset")
    default = f"{root}#default-graph"
    w.add(dataset, SD + "defaultGraph", default)
    w.add(default, _TYPE, SD + "Graph")
    for index, (name, description) in enumerate(sorted(graphs, key=lambda g: g[0]), 1):
        node = f"{root}#graph-{index}"
        w.add(dataset, SD + "namedGraph", node)
        w.add(node, _TYPE, SD + "NamedGraph")
        w.add(node, SD + "name", name)
        if description:
            w.add(node, SD + "graph", description)
    return w.quads


def has_blank_nodes(quads: Iterable[Quad]) -> bool:
    """True if any quad has a blank node (the descriptions here never do)."""
    return any(isinstance(q.subject, BlankNode) or isinstance(q.object, BlankNode) for q in quads)
