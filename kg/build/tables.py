"""One writer per table of a study package: the rows of that table as quads in the study's graph.

``write_tables`` runs them in a fixed order. The order matters beyond the quads' own order: the source
map keeps the first origin of each resource and the first column of each predicate per file, so a
resource that two tables mention is located where it was first written.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pyoxigraph import Literal, NamedNode

from kg.build.writer import GraphWriter, StudyIds, slug
from kg.ontology import namespaces
from kg.ontology.concepts import ConceptIndex, scheme_iri
from kg.ontology.namespaces import PlainTerms
from kg.package.table_checks import CheckedPackage

# The writers read a namespace term for almost every quad: plain attributes keep that cheap.
DCTERMS, FOAF, ICGP, OA, ORG, OWL, PROV, QB, RDF, RDFS, SCHEMA, SKOS, XSD = (
    PlainTerms(namespace)
    for namespace in (
        namespaces.DCTERMS,
        namespaces.FOAF,
        namespaces.ICGP,
        namespaces.OA,
        namespaces.ORG,
        namespaces.OWL,
        namespaces.PROV,
        namespaces.QB,
        namespaces.RDF,
        namespaces.RDFS,
        namespaces.SCHEMA,
        namespaces.SKOS,
        namespaces.XSD,
    )
)

_XSD_NON_NEGATIVE = NamedNode(str(XSD.nonNegativeInteger))
_XSD_DECIMAL = NamedNode(str(XSD.decimal))
_CENT = Decimal("0.01")
# The framework column's values: the slug in assessment IRIs and the scheme of the maturity model.
_MATURITY_MODELS = {"DMA": "dma", "ACATECH": "acatech"}
_NACE_BASE = "http://data.europa.eu/ux2/nace2/"
_WIKIDATA_BASE = "http://www.wikidata.org/entity/"
_GEO = "http://www.opengis.net/ont/geosparql#"
_WKT = NamedNode(_GEO + "wktLiteral")
_ADMS = "http://www.w3.org/ns/adms#"
# The agency that assigns each scheme's identifiers, as adms:schemeAgency names it.
IDENTIFIER_AGENCIES = {
    "wikidata": "Wikidata",
    "ror": "Research Organization Registry (ROR)",
    "lei": "Global Legal Entity Identifier Foundation (GLEIF)",
    "opencorporates": "OpenCorporates",
    "register": "National company register",
    "source": "The source database of the study",
}
_EVENT_CLASS = {
    "focus-group": ICGP.FocusGroupSession,
    "interview": ICGP.Interview,
    "survey-wave": ICGP.SurveyWave,
    "document": ICGP.DocumentCollection,
}
_SURVEY_COMPONENTS = (
    (ICGP.respondent, QB.dimension),
    (ICGP.surveyItem, QB.dimension),
    (ICGP.likertValue, QB.measure),
)


@dataclass(frozen=True)
class StudyTables:
    """What every table writer needs: the writer, the IRI maker, the checked package and the concepts."""

    w: GraphWriter
    ids: StudyIds
    data: CheckedPackage
    concepts: ConceptIndex
    study_iri: str

    @property
    def lang(self) -> str:
        """The language of the study's texts (English unless the descriptor says otherwise)."""
        return self.data.descriptor.language or "en"

    def rows(self, table: str) -> Iterator[Mapping[str, Any]]:
        """The rows of one table, each setting the origin of the resources built from it."""
        file = self.data.table_files.get(table, f"{table}.csv")
        for row in self.data.tables.get(table, ()):
            self.w.at(file, row.line)
            yield row.values


def write_organisations(t: StudyTables) -> None:
    """Organisations, typed by their actor type, with their helix sector, size, place and sector."""
    w, ids, concepts = t.w, t.ids, t.concepts
    for v in t.rows("organisations"):
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
        w.text(org, str(ICGP.actorSubtype), v.get("actor_subtype"), "actor_subtype")
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
        _write_place(t, org, "organisation", v)
        for item in v.get("identifiers") or ():
            scheme, _, value = str(item).partition(":")
            # The value may hold '/' or spaces (a register number): one escaped segment of the IRI.
            local = f"{v['id']}/{scheme}/{urllib.parse.quote(value, safe='')}"
            identifier = w.subject(ids("identifier", local), _ADMS + "Identifier")
            w.add(org, _ADMS + "identifier", identifier, "identifiers")
            w.text(identifier, str(SKOS.notation), value, "identifiers")
            w.text(identifier, _ADMS + "schemeAgency", IDENTIFIER_AGENCIES[scheme], "identifiers")
        if v.get("contact_email") or v.get("contact_person"):
            # Personal data: a resource of its own, so that a release can leave it out whole.
            contact = w.subject(ids("contact", v["id"]), str(SCHEMA.ContactPoint))
            w.add(org, str(SCHEMA.contactPoint), contact, "contact_email")
            w.text(contact, str(SCHEMA.email), v.get("contact_email"), "contact_email")
            w.text(contact, str(SCHEMA.name), v.get("contact_person"), "contact_person")


def wkt_point(longitude: float, latitude: float) -> str:
    """A WGS 84 point as WKT, longitude first (GeoSPARQL's default CRS, CRS84), up to 7 decimals."""

    def number(value: float) -> str:
        text = f"{value:.7f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text

    return f"POINT({number(longitude)} {number(latitude)})"


def _write_place(t: StudyTables, subject: NamedNode, kind: str, v: Mapping[str, Any]) -> None:
    """A resource's point (GeoSPARQL) and street address (schema.org), from its row's columns."""
    w, ids = t.w, t.ids
    latitude, longitude = v.get("latitude"), v.get("longitude")
    if latitude is not None and longitude is not None:
        geometry = w.subject(ids("geometry", f"{kind}/{v['id']}"), _GEO + "Geometry")
        w.add(subject, _GEO + "hasGeometry", geometry, "latitude")
        w.add(geometry, _GEO + "asWKT", Literal(wkt_point(longitude, latitude), datatype=_WKT), "latitude")
    address = v.get("address")
    if address:
        postal = w.subject(ids("address", f"{kind}/{v['id']}"), str(SCHEMA.PostalAddress))
        w.add(subject, str(SCHEMA.address), postal, "address")
        w.text(postal, str(SCHEMA.streetAddress), address, "address")


def write_sites(t: StudyTables) -> None:
    """The sites of organisations with several, each with its own region, point and address."""
    w, ids = t.w, t.ids
    for v in t.rows("sites"):
        site = w.subject(ids("site", v["id"]), str(ORG.Site))
        w.add(site, str(DCTERMS.identifier), Literal(str(v["id"])), "id")
        w.add(w.node(ids("organisation", v["organisation"])), str(ORG.hasSite), site, "organisation")
        w.text(site, str(RDFS.label), v.get("name"), "name")
        w.iri(site, str(ICGP.locatedIn), v.get("nuts"), "nuts")
        _write_place(t, site, "site", v)


def write_clusters(t: StudyTables) -> None:
    """Innovation clusters with their place, specialisations, manager, age and labels."""
    w, ids = t.w, t.ids
    for v in t.rows("clusters"):
        cluster = w.subject(ids("cluster", v["id"]), str(ICGP.InnovationCluster))
        w.text(cluster, str(DCTERMS.identifier), v["id"], "id")
        w.text(cluster, str(RDFS.label), v.get("name"), "name")
        w.iri(cluster, str(ICGP.studiedIn), t.study_iri, "id")
        # A list: a cluster may span several regions, or have none (an industry-category cluster).
        w.iris(cluster, str(ICGP.locatedIn), v.get("nuts"), "nuts")
        w.iris(cluster, str(ICGP.specialisation), v.get("specialisations"), "specialisations")
        if v.get("managed_by"):
            manager = ids("organisation", v["managed_by"])
            w.iri(cluster, str(ICGP.managedBy), manager, "managed_by")
            w.add(w.node(manager), str(ICGP.manages), cluster, "managed_by")
        w.integer(cluster, str(ICGP.foundingYear), v.get("founded"), "founded")
        w.iri(cluster, str(ICGP.lifeCycleStage), v.get("lifecycle_stage"), "lifecycle_stage")
        w.iri(cluster, str(ICGP.excellenceLabel), v.get("excellence_label"), "excellence_label")


def write_memberships(t: StudyTables) -> None:
    """Cluster memberships as qualified ``icgp:Membership`` resources plus the ``org:hasMember`` shortcut."""
    w, ids = t.w, t.ids
    member_role = t.concepts.resolve("role", "member")
    for v in t.rows("memberships"):
        role = v.get("role") or member_role
        cluster_iri, org_iri = ids("cluster", v["cluster"]), ids("organisation", v["organisation"])
        parts = [v["cluster"], v["organisation"]] + ([slug(role)] if role else [])
        membership = w.subject(ids("membership", *parts), str(ICGP.Membership))
        w.iri(membership, str(ORG.organization), cluster_iri, "cluster")
        w.iri(membership, str(ORG.member), org_iri, "organisation")
        w.iri(membership, str(ORG.role), role, "role")
        w.date(membership, str(ICGP.memberSince), v.get("since"), "since")
        w.date(membership, str(ICGP.memberUntil), v.get("until"), "until")
        # The unqualified shortcut lets queries ask for members without going through the membership.
        w.add(w.node(cluster_iri), str(ORG.hasMember), w.node(org_iri), "organisation")


def write_interactions(t: StudyTables) -> None:
    """Ties between organisations; a tie with a linkage kind is also an ``icgp:Linkage``."""
    w, ids = t.w, t.ids
    for v in t.rows("interactions"):
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


def write_adoptions(t: StudyTables) -> None:
    """Technology adoptions: who adopted what, how far and when, with the evidence."""
    w, ids = t.w, t.ids
    for v in t.rows("adoptions"):
        technology = v["technology"]
        adoption = w.subject(
            ids("adoption", v["organisation"], slug(technology)), str(ICGP.TechnologyAdoption)
        )
        w.iri(adoption, str(ICGP.adopter), ids("organisation", v["organisation"]), "organisation")
        w.iri(adoption, str(ICGP.technology), technology, "technology")
        w.iri(adoption, str(ICGP.adoptionStatus), v.get("status"), "status")
        w.integer(adoption, str(ICGP.adoptionYear), v.get("year"), "year")
        w.iris(
            adoption, str(ICGP.hasEvidence), [ids("source", s) for s in v.get("evidence") or ()], "evidence"
        )


def _decimal(value: Decimal) -> Literal:
    """An ``xsd:decimal`` in canonical form (``41``, ``43.5``), as SPARQL engines print them."""
    text = format(value.normalize(), "f")
    return Literal(text, datatype=_XSD_DECIMAL)


def write_maturity(t: StudyTables) -> None:
    """Maturity assessments: one per organisation, date and framework, with its dimension scores or stage.

    A DMA assessment's overall score is the mean of the dimension scores of its rows, rounded half up to
    two decimals; each row adds a dimension score. An acatech assessment gets the stage of its row.
    """
    w, ids = t.w, t.ids
    scores: dict[str, list[Decimal]] = {}
    evidence: dict[str, set[str]] = defaultdict(set)
    for v in t.rows("maturity"):
        day: dt.date = v["date"]
        scheme = _MATURITY_MODELS[v["framework"]]
        dimension, score, stage = v.get("dimension"), v.get("score"), v.get("stage")
        # Only a package with violations (validated, not built) has rows that lack their framework's
        # cells; leaving them out keeps the shapes from reporting what the table checks reported.
        if (dimension is None or score is None) if scheme == "dma" else stage is None:
            continue
        assessment_iri = ids("maturity", v["organisation"], scheme, day.isoformat())
        assessment = w.node(assessment_iri)
        if assessment_iri not in scores:
            w.subject(assessment_iri, str(ICGP.MaturityAssessment))
            w.iri(
                assessment, str(ICGP.assessedEntity), ids("organisation", v["organisation"]), "organisation"
            )
            w.date(assessment, str(PROV.generatedAtTime), day, "date")
            w.iri(assessment, str(ICGP.maturityModel), scheme_iri(scheme), "framework")
            run = w.subject(assessment_iri + "/assessing", str(PROV.Activity))
            w.add(assessment, str(PROV.wasGeneratedBy), run, "date")
            scores[assessment_iri] = []
        # The rows of one DMA assessment may each repeat its sources; each is linked once.
        sources = [ids("source", s) for s in v.get("evidence") or () if s not in evidence[assessment_iri]]
        evidence[assessment_iri].update(v.get("evidence") or ())
        w.iris(assessment, str(ICGP.hasEvidence), sources, "evidence")
        w.iri(assessment, str(ICGP.maturityStage), stage, "stage")
        if dimension is not None and score is not None:
            value = Decimal(str(score))
            scores[assessment_iri].append(value)
            node = w.subject(f"{assessment_iri}/{slug(dimension)}", str(ICGP.MaturityDimensionScore))
            w.add(assessment, str(ICGP.hasDimensionScore), node, "dimension")
            w.iri(node, str(ICGP.maturityDimension), dimension, "dimension")
            w.add(node, str(ICGP.maturityScore), _decimal(value), "score")
    for assessment_iri, values in scores.items():
        if values:
            mean = (sum(values, Decimal(0)) / len(values)).quantize(_CENT, rounding=ROUND_HALF_UP)
            w.add(w.node(assessment_iri), str(ICGP.maturityScore), _decimal(mean), "score")


def write_activities(t: StudyTables) -> None:
    """Capacity-building activities with their provider, cluster, dates, technologies and factors."""
    w, ids, lang = t.w, t.ids, t.lang
    for v in t.rows("activities"):
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


def write_participations(t: StudyTables) -> None:
    """Who took part in which activity and in what role; beneficiaries also get ``icgp:beneficiary``."""
    w, ids = t.w, t.ids
    beneficiary_role = t.concepts.resolve("participation-role", "beneficiary")
    for v in t.rows("participations"):
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


def write_sources(t: StudyTables) -> None:
    """Source documents; those of a focus group, interview or survey wave also get that event."""
    w, ids, lang = t.w, t.ids, t.lang
    for v in t.rows("sources"):
        kind = v.get("kind")
        document = w.subject(ids("source", v["id"]), str(ICGP.SourceDocument))
        w.text(document, str(DCTERMS.identifier), v["id"], "id")
        w.text(document, str(DCTERMS.title), v.get("title"), "title", lang)
        w.iri(document, str(ICGP.sourceKind), kind, "kind")
        w.text(document, str(DCTERMS.language), v.get("language"), "language")
        w.integer(document, str(ICGP.documentLength), v.get("length"), "length")
        if kind and slug(kind) in _EVENT_CLASS:
            event = w.subject(ids("event", v["id"]), str(_EVENT_CLASS[slug(kind)]))
            w.add(document, str(PROV.wasGeneratedBy), event, "kind")
            w.iri(event, str(ICGP.partOfStudy), t.study_iri, "id")
            w.date(event, str(SCHEMA.startDate), v.get("date"), "date")
            w.integer(event, str(ICGP.participantCount), v.get("participants"), "participants")
        else:
            w.date(document, str(DCTERMS.date), v.get("date"), "date")


def write_participants(t: StudyTables) -> None:
    """Study participants with their actor type, organisation and the event they took part in."""
    w, ids = t.w, t.ids
    for v in t.rows("participants"):
        person = w.subject(ids("participant", v["id"]), str(ICGP.StudyParticipant))
        w.text(person, str(DCTERMS.identifier), v["id"], "id")
        w.iri(person, str(ICGP.actorType), v.get("actor_type"), "actor_type")
        if v.get("organisation"):
            w.iri(person, str(ICGP.affiliatedWith), ids("organisation", v["organisation"]), "organisation")
        if v.get("source"):
            w.iri(person, str(ICGP.participatedIn), ids("event", v["source"]), "source")


def write_codebook(t: StudyTables) -> None:
    """The codebook as a SKOS scheme of codes, with their hierarchy, criteria and mapped factors."""
    w, ids, lang, data = t.w, t.ids, t.lang, t.data
    study_id = data.descriptor.name
    codebook_iri = ids("codebook", study_id)
    if data.tables.get("codebook"):
        w.at(data.table_files.get("codebook", "codebook.csv"), 1)
        codebook = w.subject(codebook_iri, str(ICGP.Codebook))
        w.text(codebook, str(RDFS.label), f"Codebook of {data.descriptor.title or study_id}", None, lang)
    for v in t.rows("codebook"):
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


def write_segments(t: StudyTables) -> None:
    """Coded segments as Web Annotations (target, position and quote), with speaker and coder."""
    w, ids, lang = t.w, t.ids, t.lang
    coders: set[str] = set()
    for v in t.rows("segments"):
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


def write_survey(t: StudyTables) -> None:
    """Survey items, respondents and answers as an RDF Data Cube data set (nothing without a survey)."""
    if not t.data.tables.get("survey_items") and not t.data.tables.get("survey_responses"):
        return
    instrument, dataset_iri = _write_survey_structure(t)
    _write_survey_items(t, instrument)
    _write_respondents(t)
    _write_survey_responses(t, dataset_iri)


def _write_survey_structure(t: StudyTables) -> tuple[NamedNode, str]:
    """The instrument, the data set and its structure; returns the instrument and the data set's IRI."""
    w, ids, lang = t.w, t.ids, t.lang
    study_id, title = t.data.descriptor.name, t.data.descriptor.title
    instrument = w.subject(ids("survey", study_id), str(ICGP.SurveyInstrument))
    w.text(instrument, str(RDFS.label), f"Survey of {title or study_id}", None, lang)
    dataset_iri, dsd_iri = ids("survey-data", study_id), ids("survey-structure", study_id)
    dataset = w.subject(dataset_iri, str(QB.DataSet))
    w.text(dataset, str(RDFS.label), f"Survey answers of {title or study_id}", None, lang)
    w.iri(dataset, str(QB.structure), dsd_iri)
    dsd = w.subject(dsd_iri, str(QB.DataStructureDefinition))
    for order, (component, kind) in enumerate(_SURVEY_COMPONENTS, 1):
        spec = w.subject(f"{dsd_iri}/{str(component).rsplit('#', 1)[-1]}", str(QB.ComponentSpecification))
        w.add(dsd, str(QB.component), spec)
        w.iri(spec, str(kind), str(component))
        w.integer(spec, str(QB.order), order)
    return instrument, dataset_iri


def _write_survey_items(t: StudyTables, instrument: NamedNode) -> None:
    w, ids, lang = t.w, t.ids, t.lang
    for v in t.rows("survey_items"):
        item = w.subject(ids("survey-item", v["item"]), str(ICGP.SurveyItem))
        w.add(instrument, str(ICGP.hasItem), item, "item")
        w.text(item, str(SKOS.notation), v["item"], "item")
        w.text(item, str(SKOS.prefLabel), v.get("text"), "text", lang)
        scale = v.get("scale")
        if isinstance(scale, tuple):
            w.integer(item, str(ICGP.scaleMin), scale[0], "scale")
            w.integer(item, str(ICGP.scaleMax), scale[1], "scale")
        w.text(item, str(ICGP.construct), v.get("construct"), "construct")


def _write_respondents(t: StudyTables) -> None:
    w, ids = t.w, t.ids
    for v in t.rows("respondents"):
        person = w.subject(ids("respondent", v["id"]), str(ICGP.Respondent))
        w.text(person, str(DCTERMS.identifier), v["id"], "id")
        w.iri(person, str(ICGP.actorType), v.get("actor_type"), "actor_type")
        if v.get("organisation"):
            w.iri(person, str(ICGP.affiliatedWith), ids("organisation", v["organisation"]), "organisation")
        w.iri(person, str(ICGP.locatedIn), v.get("nuts"), "nuts")


def _write_survey_responses(t: StudyTables, dataset_iri: str) -> None:
    w, ids = t.w, t.ids
    for v in t.rows("survey_responses"):
        answer = w.subject(ids("response", v["respondent"], v["item"]), str(ICGP.SurveyResponse))
        w.add(answer, str(QB.dataSet), w.node(dataset_iri))
        w.iri(answer, str(ICGP.respondent), ids("respondent", v["respondent"]), "respondent")
        w.iri(answer, str(ICGP.surveyItem), ids("survey-item", v["item"]), "item")
        w.integer(answer, str(ICGP.likertValue), v.get("value"), "value")


# In this order: see the module docstring for why the order matters.
TABLE_WRITERS: tuple[Callable[[StudyTables], None], ...] = (
    write_organisations,
    write_sites,
    write_clusters,
    write_memberships,
    write_interactions,
    write_adoptions,
    write_maturity,
    write_activities,
    write_participations,
    write_sources,
    write_participants,
    write_codebook,
    write_segments,
    write_survey,
)


def write_tables(t: StudyTables) -> None:
    """Write every table of the study, in the order of ``TABLE_WRITERS``."""
    for write in TABLE_WRITERS:
        write(t)
