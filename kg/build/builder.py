"""Turn the checked tables of a study package into RDF quads in the study's named graph.

Every IRI is derived from the study id and the rows' own ids, so the same input always yields the same
quads; no blank nodes are made. While building, a source map records for each resource the file and
line it came from and, per file, which column fed each predicate, so that graph-level problems can be
reported at ``file:row:column``.

This module builds the study's description and provenance and puts the parts together; the rows of each
table are written by :mod:`kg.build.tables`, through the quad writer of :mod:`kg.build.writer`.
"""

from __future__ import annotations

import datetime as dt
import gc
import os
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Quad

from kg import __version__
from kg.build.tables import StudyTables, write_tables

# The short private names are the ones _describe_study's signature has always used.
from kg.build.writer import GraphWriter as _Writer
from kg.build.writer import SourceMap, Statement, StatementSink
from kg.build.writer import StudyIds as _Ids
from kg.ontology.concepts import ConceptIndex
from kg.ontology.iso3166 import REGION_BASES, region_quads
from kg.ontology.namespaces import (
    DCAT,
    DCTERMS,
    FOAF,
    ICGP,
    ONTOLOGY_IRI,
    PROV,
    RDF,
    RDFS,
    SCHEMA,
    XSD,
)
from kg.package.reader import Descriptor
from kg.package.regions import resolve_region
from kg.package.table_checks import CheckedPackage

__all__ = [
    "BuildResult",
    "SourceMap",
    "StreamedStudy",
    "boolean_literal",
    "build_study",
    "build_timestamp",
    "class_counts",
    "stream_statements",
    "study_graph_iri",
    "timestamp_literal",
]

_RDF_TYPE = NamedNode(str(RDF.type))
_XSD_DATETIME = NamedNode(str(XSD.dateTime))
_XSD_BOOLEAN = NamedNode(str(XSD.boolean))
_DCAT_VERSION = "http://www.w3.org/ns/dcat#version"  # DCAT 3; missing from rdflib's DCAT namespace


@dataclass
class BuildResult:
    """The quads of one study graph, with its name, source map and counts, and the quads of the shared
    regions graph that its ISO 3166 regions need (see :func:`kg.ontology.iso3166.region_quads`)."""

    graph: NamedNode
    quads: list[Quad]
    source_map: SourceMap
    classes: dict[str, int]
    regions: list[Quad] = field(default_factory=list)

    @property
    def triples(self) -> int:
        """Number of triples in the study graph."""
        return len(self.quads)


def study_graph_iri(base: str, study: str) -> str:
    """IRI of the named graph that holds one study."""
    return f"{base}{study}/graph"


def build_timestamp() -> dt.datetime:
    """The build time: ``SOURCE_DATE_EPOCH`` when set (reproducible builds), else now, in UTC."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is not None and epoch.strip().isdigit():
        return dt.datetime.fromtimestamp(int(epoch), tz=dt.UTC)
    return dt.datetime.now(tz=dt.UTC).replace(microsecond=0)


def timestamp_literal(moment: dt.datetime) -> Literal:
    """A moment (a build, an assessment) as an ``xsd:dateTime`` in UTC with ``Z``."""
    return Literal(moment.isoformat().replace("+00:00", "Z"), datatype=_XSD_DATETIME)


def boolean_literal(value: bool) -> Literal:
    """``true`` or ``false`` as an ``xsd:boolean``."""
    return Literal("true" if value else "false", datatype=_XSD_BOOLEAN)


def build_study(
    data: CheckedPackage, concepts: ConceptIndex, built_at: dt.datetime | None = None
) -> BuildResult:
    """Build the quads of one study's named graph from checked tables that have no violations."""
    source_map = SourceMap()
    w = _Writer(study_graph_iri(data.descriptor.base, data.descriptor.name), source_map)
    with cycle_collector_paused():
        _write_study(w, data, concepts, built_at)
        w.flush()
        # The regions go to a graph of their own, shared by every study of a store, so that two studies
        # in one region do not state its concept twice (a union default graph would then give rows twice).
        regions = region_quads(_region_iris(q.object for q in w.quads))
        classes = class_counts(w.quads)
    return BuildResult(w.graph, w.quads, source_map, classes, regions)


@dataclass
class StreamedStudy:
    """What a streamed build leaves behind: the graph's name, its size and the regions graph's quads."""

    graph: NamedNode
    triples: int
    regions: list[Quad]


def stream_statements(
    data: CheckedPackage,
    concepts: ConceptIndex,
    sink: StatementSink,
    built_at: dt.datetime | None = None,
    batch: int = 100_000,
    source_map: SourceMap | None = None,
) -> StreamedStudy:
    """Build the triples of :func:`build_study`, handing them to ``sink`` ``batch`` at a time as term
    tuples (the consumers serialise them themselves: making a ``Quad`` of each would be most of the
    build's time).

    Memory stays bounded by the batch: no triple list is kept, and no source map unless one is given (it
    takes memory per resource; validation needs it to locate problems). The regions a study names are
    kept, a few hundred IRIs at most."""
    regions: set[str] = set()

    def forward(statements: list[Statement]) -> None:
        regions.update(_region_iris(o for _, _, o in statements))
        sink(statements)

    w = _Writer(study_graph_iri(data.descriptor.base, data.descriptor.name), source_map, forward, batch)
    with cycle_collector_paused():
        _write_study(w, data, concepts, built_at)
        w.flush()
    return StreamedStudy(w.graph, w.count, region_quads(regions))


def _region_iris(objects: Iterable[object]) -> set[str]:
    return {o.value for o in objects if isinstance(o, NamedNode) and o.value.startswith(REGION_BASES)}


def _write_study(
    w: _Writer, data: CheckedPackage, concepts: ConceptIndex, built_at: dt.datetime | None
) -> None:
    if not data.ok:
        raise ValueError("build_study needs a package without violations; check it first")
    study_id, base = data.descriptor.name, data.descriptor.base
    ids = _Ids(base, study_id)
    study_iri = ids("study", study_id)
    _describe_study(w, data, ids, study_iri, built_at or build_timestamp(), concepts)
    write_tables(StudyTables(w, ids, data, concepts, study_iri))
    _copy_imports(w, data)


@contextmanager
def cycle_collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while the rows are mapped (or checked), and restore it after.

    The mapping makes millions of small objects while the checked tables (millions more) stay alive, so
    the collector kept sweeping the tables: a quarter of the build's time at 1M triples. The mapping
    makes no reference cycles, so nothing waits longer to be freed."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def class_counts(quads: Iterable[Quad]) -> dict[str, int]:
    """Resources per class: distinct subjects of each ``rdf:type``, imported resources included."""
    typed = {
        (q.subject, q.object) for q in quads if q.predicate == _RDF_TYPE and isinstance(q.object, NamedNode)
    }
    return dict(Counter(cls.value for _, cls in typed if isinstance(cls, NamedNode)))


def _copy_imports(w: _Writer, data: CheckedPackage) -> None:
    """The triples of the package's imported RDF files, as they are, located at their file."""
    for name, triples in data.imports.items():
        w.at(name, None)
        for triple in triples:
            subject = triple.subject
            if isinstance(subject, NamedNode) and w.source_map is not None:
                w.source_map.origins.setdefault(subject.value, (name, None))
            w.append((subject, triple.predicate, triple.object))


def _describe_study(
    w: _Writer,
    data: CheckedPackage,
    ids: _Ids,
    study_iri: str,
    built_at: dt.datetime,
    concepts: ConceptIndex,
) -> None:
    """The study, its DCAT dataset and the PROV record of this build."""
    d: Descriptor = data.descriptor
    lang = d.language or "en"
    w.at("datapackage.yaml", d.lines.get("name", 1))
    study = w.subject(study_iri, str(ICGP.Study))
    w.text(study, str(DCTERMS.identifier), d.name, "name")
    w.text(study, str(DCTERMS.title), d.title, "title", lang)
    w.text(study, str(DCTERMS.description), d.description, "description", lang)
    for method in d.methods:
        w.text(study, str(ICGP.researchMethod), method, "methods")
    w.date(study, str(SCHEMA.startDate), d.period_start, "period")
    w.date(study, str(SCHEMA.endDate), d.period_end, "period")
    region = resolve_region(concepts, d.region) if d.region else None
    w.iri(study, str(DCTERMS.spatial), region, "region")

    dataset = w.subject(ids("dataset", d.name), str(DCAT.Dataset))
    w.text(dataset, str(DCTERMS.identifier), d.name, "name")
    w.text(dataset, str(DCTERMS.title), d.title, "title", lang)
    w.text(dataset, str(DCTERMS.description), d.description, "description", lang)
    w.text(dataset, _DCAT_VERSION, d.version, "version")
    w.iri(dataset, str(DCTERMS.spatial), region, "region")
    w.iri(dataset, str(DCTERMS.conformsTo), ONTOLOGY_IRI)
    # Not prov:wasDerivedFrom: the study is a prov:Activity, and PROV-O derives entities from entities only.
    w.iri(dataset, str(ICGP.datasetOf), study_iri)
    w.text(dataset, str(DCTERMS.language), d.language, "language")
    # Recorded in the graph so that a release made from a store knows what it may publish.
    w.add(dataset, str(ICGP.publicQuotes), boolean_literal(d.public_quotes), "public")
    w.add(dataset, str(ICGP.publicResponses), boolean_literal(d.public_responses), "public")
    if d.public_contacts:
        # Stated only when true, so that the graphs of packages without contacts stay as they were.
        w.add(dataset, str(ICGP.publicContacts), boolean_literal(True), "public")
    for licence in d.licenses:
        w.iri(dataset, str(DCTERMS.license), licence.path, "licenses")
    for index, contributor in enumerate(d.contributors, 1):
        agent = w.subject(ids("contributor", str(index)), str(PROV.Agent), str(FOAF.Agent))
        w.text(agent, str(FOAF.name), contributor.title, "contributors")
        relation = DCTERMS.creator if contributor.role in (None, "author", "creator") else DCTERMS.contributor
        w.add(dataset, str(relation), agent, "contributors")

    build = w.subject(ids("build", d.name), str(ICGP.BuildActivity))
    w.add(dataset, str(PROV.wasGeneratedBy), build)
    stamp = timestamp_literal(built_at)
    w.add(build, str(PROV.startedAtTime), stamp)
    w.add(build, str(PROV.endedAtTime), stamp)
    tool = w.subject(ids("agent", "icgp", __version__), str(PROV.SoftwareAgent))
    w.text(tool, str(RDFS.label), f"icgp {__version__}")
    w.text(tool, str(SCHEMA.softwareVersion), __version__)
    w.add(build, str(PROV.wasAssociatedWith), tool)
    for name in sorted(data.checksums):
        entity = w.subject(ids("file", name), str(PROV.Entity))
        w.text(entity, str(RDFS.label), name)
        w.text(entity, str(ICGP.sha256), data.checksums[name])
        w.add(build, str(PROV.used), entity)
        w.add(dataset, str(PROV.wasDerivedFrom), entity)
