"""Turn the checked tables of a study package into RDF quads in the study's named graph.

Every IRI is derived from the study id and the rows' own ids, so the same input always yields the same
quads; no blank nodes are made. While building, a source map records for each resource the file and
line it came from and, per file, which column fed each predicate, so that graph-level problems can be
reported at ``file:row:column``.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import Literal, NamedNode, Quad

from kg import __version__
from kg.ontology.concepts import ConceptIndex
from kg.ontology.namespaces import (
    DCAT,
    DCTERMS,
    FOAF,
    ICGP,
    NUTS,
    OA,
    ONTOLOGY_IRI,
    ORG,
    OWL,
    PROV,
    QB,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    XSD,
)
from kg.package.reader import Descriptor
from kg.package.table_checks import CheckedPackage

Term = NamedNode | Literal

_XSD_INTEGER = NamedNode(str(XSD.integer))
_XSD_NON_NEGATIVE = NamedNode(str(XSD.nonNegativeInteger))
_XSD_DATE = NamedNode(str(XSD.date))
_XSD_DATETIME = NamedNode(str(XSD.dateTime))
_XSD_BOOLEAN = NamedNode(str(XSD.boolean))
_DCAT_VERSION = "http://www.w3.org/ns/dcat#version"  # DCAT 3; missing from rdflib's DCAT namespace
_NACE_BASE = "http://data.europa.eu/ux2/nace2/"
_WIKIDATA_BASE = "http://www.wikidata.org/entity/"


@dataclass
class SourceMap:
    """Where each built resource and value came from: file, line and column."""

    origins: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    columns: dict[tuple[str, str], str] = field(default_factory=dict)

    def locate(self, focus: str, path: str | None = None) -> tuple[str, int | None, str | None] | None:
        """Return (file, line, column) for a focus node and optional predicate, or None if not built here.

        The line is None for resources that came from an imported RDF file."""
        origin = self.origins.get(focus)
        if origin is None:
            return None
        file, line = origin
        column = self.columns.get((file, path)) if path is not None else None
        return file, line, column


@dataclass
class BuildResult:
    """The quads of one study graph, with its name, source map and counts."""

    graph: NamedNode
    quads: list[Quad]
    source_map: SourceMap
    classes: dict[str, int]

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


class _Writer:
    """Accumulates quads in one graph, caching IRIs and remembering where values came from."""

    def __init__(self, graph: str, source_map: SourceMap) -> None:
        self.graph = NamedNode(graph)
        self.quads: list[Quad] = []
        self.types: Counter[str] = Counter()
        self.source_map = source_map
        self._nodes: dict[str, NamedNode] = {}
        self._file = ""
        self._line: int | None = 0

    def node(self, iri: str) -> NamedNode:
        found = self._nodes.get(iri)
        if found is None:
            found = self._nodes[iri] = NamedNode(iri)
        return found

    def at(self, file: str, line: int | None) -> None:
        """Set the file and line that the following resources come from."""
        self._file, self._line = file, line

    def subject(self, iri: str, *classes: str) -> NamedNode:
        """Start a resource, typing it and recording its origin."""
        node = self.node(iri)
        self.source_map.origins.setdefault(iri, (self._file, self._line))
        for cls in classes:
            self.add(node, str(RDF.type), self.node(cls))
            self.types[cls] += 1
        return node

    def add(self, s: NamedNode, p: str, o: Term, column: str | None = None) -> None:
        self.quads.append(Quad(s, self.node(p), o, self.graph))
        if column is not None:
            self.source_map.columns.setdefault((self._file, p), column)

    def iri(self, s: NamedNode, p: str, iri: str | None, column: str | None = None) -> None:
        if iri:
            self.add(s, p, self.node(iri), column)

    def iris(self, s: NamedNode, p: str, iris: Iterable[str] | None, column: str | None = None) -> None:
        for iri in iris or ():
            self.add(s, p, self.node(iri), column)

    def text(
        self, s: NamedNode, p: str, value: Any, column: str | None = None, lang: str | None = None
    ) -> None:
        if value is None or value == "":
            return
        literal = Literal(str(value), language=lang) if lang else Literal(str(value))
        self.add(s, p, literal, column)

    def integer(self, s: NamedNode, p: str, value: Any, column: str | None = None) -> None:
        if value is not None and value != "":
            self.add(s, p, Literal(str(int(value)), datatype=_XSD_INTEGER), column)

    def date(self, s: NamedNode, p: str, value: Any, column: str | None = None) -> None:
        if isinstance(value, dt.date):
            self.add(s, p, Literal(value.isoformat(), datatype=_XSD_DATE), column)


class _Ids:
    """Deterministic instance IRIs: ``{base}{study}/{kind}/{local id}``."""

    def __init__(self, base: str, study: str) -> None:
        self.prefix = f"{base}{study}/"

    def __call__(self, kind: str, *parts: str) -> str:
        return self.prefix + kind + "/" + "/".join(parts)


def _slug(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _scale(value: Any) -> tuple[int, int] | None:
    if isinstance(value, tuple) and len(value) == 2:
        return int(value[0]), int(value[1])
    if isinstance(value, str) and "-" in value:
        low, high = value.split("-", 1)
        if low.strip().isdigit() and high.strip().isdigit():
            return int(low), int(high)
    return None


def build_study(
    data: CheckedPackage, concepts: ConceptIndex, built_at: dt.datetime | None = None
) -> BuildResult:
    """Build the quads of one study's named graph from checked tables that have no violations."""
    if not data.ok:
        raise ValueError("build_study needs a package without violations; check it first")
    study_id, base = data.descriptor.name, data.descriptor.base
    source_map = SourceMap()
    w = _Writer(study_graph_iri(base, study_id), source_map)
    ids = _Ids(base, study_id)
    lang = data.descriptor.language or "en"
    file_of = data.table_files

    def rows(table: str) -> Iterable[Mapping[str, Any]]:
        """The rows of one table, each setting the origin of the resources built from it."""
        file = file_of.get(table, f"{table}.csv")
        for row in data.tables.get(table, ()):
            w.at(file, row.line)
            yield row.values

    study_iri = ids("study", study_id)
    _describe_study(w, data, ids, study_iri, built_at or build_timestamp())

    for v in rows("organisations"):
        actor_type = v.get("actor_type")
        cls = concepts.value(actor_type, str(ICGP.actorClass)) if actor_type else None
        org = w.subject(ids("organisation", v["id"]), cls or str(ICGP.Organisation))
        w.text(org, str(DCTERMS.identifier), v["id"], "id")
        w.text(org, str(RDFS.label), v.get("name"), "name")
        w.iri(org, str(ICGP.actorType), actor_type, "actor_type")
        if actor_type:
            w.iri(
                org,
                str(ICGP.helixSector),
                concepts.value(actor_type, str(ICGP.typicalHelixSector)),
                "actor_type",
            )
        w.iri(org, str(ICGP.sizeClass), v.get("size_class"), "size_class")
        w.integer(org, str(ICGP.employees), v.get("employees"), "employees")
        w.integer(org, str(ICGP.foundingYear), v.get("founded"), "founded")
        w.iri(org, str(ICGP.locatedIn), v.get("nuts"), "nuts")
        nace = v.get("nace")
        if nace:
            w.iri(org, str(ICGP.sector), _NACE_BASE + str(nace).lstrip("ABCDEFGHIJKLMNOPQRSTU"), "nace")
        w.iri(org, str(FOAF.homepage), v.get("website"), "website")
        wikidata = v.get("wikidata")
        if wikidata:
            w.iri(org, str(OWL.sameAs), _WIKIDATA_BASE + str(wikidata), "wikidata")

    for v in rows("clusters"):
        cluster = w.subject(ids("cluster", v["id"]), str(ICGP.InnovationCluster))
        w.text(cluster, str(DCTERMS.identifier), v["id"], "id")
        w.text(cluster, str(RDFS.label), v.get("name"), "name")
        w.iri(cluster, str(ICGP.locatedIn), v.get("nuts"), "nuts")
        w.iris(cluster, str(ICGP.specialisation), v.get("specialisations"), "specialisations")
        if v.get("managed_by"):
            manager = ids("organisation", v["managed_by"])
            w.iri(cluster, str(ICGP.managedBy), manager, "managed_by")
            w.add(w.node(manager), str(ICGP.manages), cluster, "managed_by")
        w.integer(cluster, str(ICGP.foundingYear), v.get("founded"), "founded")
        w.iri(cluster, str(ICGP.lifeCycleStage), v.get("lifecycle_stage"), "lifecycle_stage")
        w.iri(cluster, str(ICGP.excellenceLabel), v.get("excellence_label"), "excellence_label")

    member_role = concepts.resolve("role", "member")
    for v in rows("memberships"):
        role = v.get("role") or member_role
        cluster_iri, org_iri = ids("cluster", v["cluster"]), ids("organisation", v["organisation"])
        parts = [v["cluster"], v["organisation"]] + ([_slug(role)] if role else [])
        membership = w.subject(ids("membership", *parts), str(ICGP.Membership))
        w.iri(membership, str(ORG.organization), cluster_iri, "cluster")
        w.iri(membership, str(ORG.member), org_iri, "organisation")
        w.iri(membership, str(ORG.role), role, "role")
        w.date(membership, str(ICGP.memberSince), v.get("since"), "since")
        w.date(membership, str(ICGP.memberUntil), v.get("until"), "until")
        # The unqualified shortcut lets queries ask for members without going through the membership.
        w.add(w.node(cluster_iri), str(ORG.hasMember), w.node(org_iri), "organisation")

    for v in rows("interactions"):
        tie = w.subject(ids("interaction", v["id"]), str(ICGP.Interaction))
        w.text(tie, str(DCTERMS.identifier), v["id"], "id")
        w.iri(tie, str(ICGP.fromActor), ids("organisation", v["source"]), "source")
        w.iri(tie, str(ICGP.toActor), ids("organisation", v["target"]), "target")
        w.iri(tie, str(ICGP.interactionType), v.get("interaction_type"), "interaction_type")
        if v.get("linkage"):
            w.add(tie, str(RDF.type), w.node(str(ICGP.Linkage)))
            w.iri(tie, str(ICGP.linkageKind), v["linkage"], "linkage")
        w.integer(tie, str(ICGP.intensity), v.get("intensity"), "intensity")
        w.integer(tie, str(ICGP.interactionYear), v.get("year"), "year")
        w.iris(tie, str(ICGP.hasEvidence), [ids("source", s) for s in v.get("evidence") or ()], "evidence")

    for v in rows("adoptions"):
        technology = v["technology"]
        adoption = w.subject(
            ids("adoption", v["organisation"], _slug(technology)), str(ICGP.TechnologyAdoption)
        )
        w.iri(adoption, str(ICGP.adopter), ids("organisation", v["organisation"]), "organisation")
        w.iri(adoption, str(ICGP.technology), technology, "technology")
        w.iri(adoption, str(ICGP.adoptionStatus), v.get("status"), "status")
        w.integer(adoption, str(ICGP.adoptionYear), v.get("year"), "year")
        w.iris(
            adoption, str(ICGP.hasEvidence), [ids("source", s) for s in v.get("evidence") or ()], "evidence"
        )

    for v in rows("activities"):
        activity = w.subject(ids("activity", v["id"]), str(ICGP.CapacityBuildingActivity))
        w.text(activity, str(DCTERMS.identifier), v["id"], "id")
        w.text(activity, str(RDFS.label), v.get("title"), "title", lang)
        w.iri(activity, str(ICGP.activityType), v.get("activity_type"), "activity_type")
        w.iri(activity, str(ICGP.providedBy), ids("organisation", v["provider"]), "provider")
        if v.get("cluster"):
            w.iri(activity, str(ICGP.organisedInCluster), ids("cluster", v["cluster"]), "cluster")
        w.date(activity, str(SCHEMA.startDate), v.get("start"), "start")
        w.date(activity, str(SCHEMA.endDate), v.get("end"), "end")
        w.iris(activity, str(ICGP.addressesTechnology), v.get("technologies"), "technologies")
        w.iris(activity, str(ICGP.addressesFactor), v.get("addresses"), "addresses")
        w.iri(activity, str(ICGP.locatedIn), v.get("nuts"), "nuts")

    beneficiary_role = concepts.resolve("participation-role", "beneficiary")
    for v in rows("participations"):
        role = v.get("role") or beneficiary_role
        activity_iri, org_iri = ids("activity", v["activity"]), ids("organisation", v["organisation"])
        participation = w.subject(
            ids("participation", v["activity"], v["organisation"]), str(ICGP.Participation)
        )
        w.iri(participation, str(ICGP.inActivity), activity_iri, "activity")
        w.iri(participation, str(ICGP.participatingActor), org_iri, "organisation")
        w.iri(participation, str(ICGP.participationRole), role, "role")
        if role == beneficiary_role:
            w.add(w.node(activity_iri), str(ICGP.beneficiary), w.node(org_iri), "organisation")

    event_class = {
        "focus-group": ICGP.FocusGroupSession,
        "interview": ICGP.Interview,
        "survey-wave": ICGP.SurveyWave,
        "document": ICGP.DocumentCollection,
    }
    for v in rows("sources"):
        kind = v.get("kind")
        document = w.subject(ids("source", v["id"]), str(ICGP.SourceDocument))
        w.text(document, str(DCTERMS.identifier), v["id"], "id")
        w.text(document, str(DCTERMS.title), v.get("title"), "title", lang)
        w.iri(document, str(ICGP.sourceKind), kind, "kind")
        w.text(document, str(DCTERMS.language), v.get("language"), "language")
        w.integer(document, str(ICGP.documentLength), v.get("length"), "length")
        if kind and _slug(kind) in event_class:
            event = w.subject(ids("event", v["id"]), str(event_class[_slug(kind)]))
            w.add(document, str(PROV.wasGeneratedBy), event, "kind")
            w.iri(event, str(ICGP.partOfStudy), study_iri, "id")
            w.date(event, str(SCHEMA.startDate), v.get("date"), "date")
            w.integer(event, str(ICGP.participantCount), v.get("participants"), "participants")
        else:
            w.date(document, str(DCTERMS.date), v.get("date"), "date")

    for v in rows("participants"):
        person = w.subject(ids("participant", v["id"]), str(ICGP.StudyParticipant))
        w.text(person, str(DCTERMS.identifier), v["id"], "id")
        w.iri(person, str(ICGP.actorType), v.get("actor_type"), "actor_type")
        if v.get("organisation"):
            w.iri(person, str(ICGP.affiliatedWith), ids("organisation", v["organisation"]), "organisation")
        if v.get("source"):
            w.iri(person, str(ICGP.participatedIn), ids("event", v["source"]), "source")

    codebook_iri = ids("codebook", study_id)
    if data.tables.get("codebook"):
        w.at(file_of.get("codebook", "codebook.csv"), 1)
        codebook = w.subject(codebook_iri, str(ICGP.Codebook))
        w.text(codebook, str(RDFS.label), f"Codebook of {data.descriptor.title or study_id}", None, lang)
    for v in rows("codebook"):
        code = w.subject(ids("code", v["code"]), str(ICGP.Code))
        w.iri(code, str(SKOS.inScheme), codebook_iri, "code")
        w.text(code, str(SKOS.notation), v["code"], "code")
        w.text(code, str(SKOS.prefLabel), v.get("label"), "label", lang)
        if v.get("parent"):
            parent = ids("code", v["parent"])
            w.iri(code, str(SKOS.broader), parent, "parent")
            w.add(w.node(parent), str(SKOS.narrower), code, "parent")
        else:
            w.iri(code, str(SKOS.topConceptOf), codebook_iri, "parent")
            w.add(w.node(codebook_iri), str(SKOS.hasTopConcept), code, "parent")
        w.text(code, str(SKOS.definition), v.get("definition"), "definition", lang)
        w.iri(code, str(ICGP.polarity), v.get("polarity"), "polarity")
        w.iris(code, str(ICGP.mapsToFactor), v.get("maps_to"), "maps_to")
        w.text(code, str(ICGP.inclusionCriterion), v.get("include"), "include", lang)
        w.text(code, str(ICGP.exclusionCriterion), v.get("exclude"), "exclude", lang)
        w.text(code, str(SKOS.example), v.get("example"), "example", lang)

    coders: set[str] = set()
    for v in rows("segments"):
        segment_iri = ids("segment", v["id"])
        segment = w.subject(segment_iri, str(ICGP.CodedSegment))
        w.text(segment, str(DCTERMS.identifier), v["id"], "id")
        w.add(segment, str(OA.motivatedBy), w.node(str(OA.classifying)))
        w.iris(segment, str(OA.hasBody), [ids("code", c) for c in v.get("codes") or ()], "codes")
        target = w.subject(segment_iri + "/target", str(OA.SpecificResource))
        w.add(segment, str(OA.hasTarget), target)
        w.iri(target, str(OA.hasSource), ids("source", v["source"]), "source")
        position = w.subject(segment_iri + "/position", str(OA.TextPositionSelector))
        w.add(target, str(OA.hasSelector), position)
        w.add(position, str(OA.start), Literal(str(v["start"]), datatype=_XSD_NON_NEGATIVE), "start")
        w.add(position, str(OA.end), Literal(str(v["end"]), datatype=_XSD_NON_NEGATIVE), "end")
        if v.get("quote"):
            quote = w.subject(segment_iri + "/quote", str(OA.TextQuoteSelector))
            w.add(target, str(OA.hasSelector), quote)
            w.text(quote, str(OA.exact), v["quote"], "quote", lang)
        if v.get("speaker"):
            w.iri(segment, str(ICGP.speaker), ids("participant", v["speaker"]), "speaker")
        coder = v.get("coder")
        if coder:
            coder_iri = ids("coder", str(coder))
            w.iri(segment, str(PROV.wasAttributedTo), coder_iri, "coder")
            if coder_iri not in coders:
                coders.add(coder_iri)
                node = w.subject(coder_iri, str(ICGP.Coder))
                w.text(node, str(DCTERMS.identifier), coder, "coder")

    _build_survey(w, data, ids, rows, lang)
    for name, triples in data.imports.items():
        w.at(name, None)
        for triple in triples:
            subject = triple.subject
            if isinstance(subject, NamedNode):
                source_map.origins.setdefault(subject.value, (name, None))
            w.quads.append(Quad(subject, triple.predicate, triple.object, w.graph))
    return BuildResult(w.graph, w.quads, source_map, dict(w.types))


def _build_survey(w: _Writer, data: CheckedPackage, ids: _Ids, rows: Any, lang: str) -> None:
    """Survey items, respondents and answers as an RDF Data Cube data set."""
    if not data.tables.get("survey_items") and not data.tables.get("survey_responses"):
        return
    study_id = data.descriptor.name
    instrument = w.subject(ids("survey", study_id), str(ICGP.SurveyInstrument))
    w.text(instrument, str(RDFS.label), f"Survey of {data.descriptor.title or study_id}", None, lang)
    dataset_iri, dsd_iri = ids("survey-data", study_id), ids("survey-structure", study_id)
    dataset = w.subject(dataset_iri, str(QB.DataSet))
    w.text(dataset, str(RDFS.label), f"Survey answers of {data.descriptor.title or study_id}", None, lang)
    w.iri(dataset, str(QB.structure), dsd_iri)
    dsd = w.subject(dsd_iri, str(QB.DataStructureDefinition))
    components = (
        (ICGP.respondent, QB.dimension),
        (ICGP.surveyItem, QB.dimension),
        (ICGP.likertValue, QB.measure),
    )
    for order, (component, kind) in enumerate(components, 1):
        spec = w.subject(f"{dsd_iri}/{str(component).rsplit('#', 1)[-1]}", str(QB.ComponentSpecification))
        w.add(dsd, str(QB.component), spec)
        w.iri(spec, str(kind), str(component))
        w.integer(spec, str(QB.order), order)
    for v in rows("survey_items"):
        item = w.subject(ids("survey-item", v["item"]), str(ICGP.SurveyItem))
        w.add(instrument, str(ICGP.hasItem), item, "item")
        w.text(item, str(SKOS.notation), v["item"], "item")
        w.text(item, str(SKOS.prefLabel), v.get("text"), "text", lang)
        scale = v.get("scale")
        if isinstance(scale, tuple):
            w.integer(item, str(ICGP.scaleMin), scale[0], "scale")
            w.integer(item, str(ICGP.scaleMax), scale[1], "scale")
        w.text(item, str(ICGP.construct), v.get("construct"), "construct")
    for v in rows("respondents"):
        person = w.subject(ids("respondent", v["id"]), str(ICGP.Respondent))
        w.text(person, str(DCTERMS.identifier), v["id"], "id")
        w.iri(person, str(ICGP.actorType), v.get("actor_type"), "actor_type")
        if v.get("organisation"):
            w.iri(person, str(ICGP.affiliatedWith), ids("organisation", v["organisation"]), "organisation")
        w.iri(person, str(ICGP.locatedIn), v.get("nuts"), "nuts")
    for v in rows("survey_responses"):
        answer = w.subject(ids("response", v["respondent"], v["item"]), str(ICGP.SurveyResponse))
        w.add(answer, str(QB.dataSet), w.node(dataset_iri))
        w.iri(answer, str(ICGP.respondent), ids("respondent", v["respondent"]), "respondent")
        w.iri(answer, str(ICGP.surveyItem), ids("survey-item", v["item"]), "item")
        w.integer(answer, str(ICGP.likertValue), v.get("value"), "value")


def _describe_study(
    w: _Writer, data: CheckedPackage, ids: _Ids, study_iri: str, built_at: dt.datetime
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
    region = str(NUTS[d.region]) if d.region else None
    w.iri(study, str(DCTERMS.spatial), region, "region")

    dataset = w.subject(ids("dataset", d.name), str(DCAT.Dataset))
    w.text(dataset, str(DCTERMS.identifier), d.name, "name")
    w.text(dataset, str(DCTERMS.title), d.title, "title", lang)
    w.text(dataset, str(DCTERMS.description), d.description, "description", lang)
    w.text(dataset, _DCAT_VERSION, d.version, "version")
    w.iri(dataset, str(DCTERMS.spatial), region, "region")
    w.iri(dataset, str(DCTERMS.conformsTo), ONTOLOGY_IRI)
    w.iri(dataset, str(PROV.wasDerivedFrom), study_iri)
    w.text(dataset, str(DCTERMS.language), d.language, "language")
    # Recorded in the graph so that a release made from a store knows what it may publish.
    w.add(dataset, str(ICGP.publicQuotes), _boolean(d.public_quotes), "public")
    w.add(dataset, str(ICGP.publicResponses), _boolean(d.public_responses), "public")
    for licence in d.licenses:
        w.iri(dataset, str(DCTERMS.license), licence.path, "licenses")
    for index, contributor in enumerate(d.contributors, 1):
        agent = w.subject(ids("contributor", str(index)), str(PROV.Agent), str(FOAF.Agent))
        w.text(agent, str(FOAF.name), contributor.title, "contributors")
        relation = DCTERMS.creator if contributor.role in (None, "author", "creator") else DCTERMS.contributor
        w.add(dataset, str(relation), agent, "contributors")

    build = w.subject(ids("build", d.name), str(ICGP.BuildActivity))
    w.add(dataset, str(PROV.wasGeneratedBy), build)
    stamp = Literal(built_at.isoformat().replace("+00:00", "Z"), datatype=_XSD_DATETIME)
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


def _boolean(value: bool) -> Literal:
    return Literal("true" if value else "false", datatype=_XSD_BOOLEAN)
