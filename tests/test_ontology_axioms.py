"""The ontology says something: disjoint siblings, inverses, typed ranges, restrictions, connected classes,
comments that inform, primary sources; and the built graphs stay consistent under the imported ontologies.

Counts are exact so that a change to the axioms has to update them on purpose.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from pyoxigraph import RdfFormat
from rdflib import OWL, RDF, RDFS, SKOS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS
from rdflib.term import Node

from kg.ontology import reasoning
from kg.ontology.loading import load_with_imports
from kg.ontology.namespaces import ICGP, VOCAB_BASE
from kg.ontology.resources import alignments_file, ontology_file, vocabulary_files

BUILD_FIXTURE = Path(__file__).parent / "fixtures" / "build" / "mini.expected.ttl"
ICGP_NS = str(ICGP)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ontology_file())


def name(node: Node) -> str:
    return str(node).removeprefix(ICGP_NS)


def icgp_classes(graph: Graph) -> set[URIRef]:
    return {c for c in graph.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef) and c.startswith(ICGP_NS)}


def members(graph: Graph, node: Node) -> list[Node]:
    """The classes a class expression names: itself if an IRI, the members of a union otherwise."""
    if isinstance(node, URIRef):
        return [node]
    union = graph.value(node, OWL.unionOf)
    return list(Collection(graph, union)) if union is not None else []


def disjoint_pairs(graph: Graph) -> set[frozenset[Node]]:
    pairs = {frozenset(pair) for pair in graph.subject_objects(OWL.disjointWith)}
    for axiom in graph.subjects(RDF.type, OWL.AllDisjointClasses):
        listed = list(Collection(graph, graph.value(axiom, OWL.members)))
        pairs |= {frozenset(pair) for pair in itertools.combinations(listed, 2)}
    return pairs


def sibling_pairs(graph: Graph) -> dict[str, set[frozenset[Node]]]:
    """Pairs of icgp: classes with the same told (named) superclass, by superclass name."""
    children: dict[Node, set[URIRef]] = {}
    for cls in icgp_classes(graph):
        for parent in graph.objects(cls, RDFS.subClassOf):
            if isinstance(parent, URIRef):
                children.setdefault(parent, set()).add(cls)
    return {
        str(parent).rsplit("#", 1)[-1].rsplit("/", 1)[-1]: {
            frozenset(p) for p in itertools.combinations(kids, 2)
        }
        for parent, kids in children.items()
        if len(kids) > 1
    }


def test_the_organisation_kinds_are_pairwise_disjoint(ontology: Graph) -> None:
    pairs = sibling_pairs(ontology)["Organisation"]
    assert len(pairs) == 66
    assert pairs <= disjoint_pairs(ontology)


def test_only_overlapping_roles_and_sizes_are_left_without_disjointness(ontology: Graph) -> None:
    pairs = set().union(*sibling_pairs(ontology).values())
    open_pairs = {tuple(sorted(name(c) for c in pair)) for pair in pairs - disjoint_pairs(ontology)}
    assert len(pairs) == 569
    # Startups and technology providers are often SMEs; study roles of one person may overlap.
    assert open_pairs == {
        ("LargeEnterprise", "Startup"),
        ("LargeEnterprise", "TechnologyProvider"),
        ("SME", "Startup"),
        ("SME", "TechnologyProvider"),
        ("Startup", "TechnologyProvider"),
        ("Coder", "Respondent"),
        ("Coder", "StudyParticipant"),
        ("Respondent", "StudyParticipant"),
    }


def class_expression(graph: Graph, node: Node) -> tuple[str, ...]:
    return tuple(sorted(name(m) for m in members(graph, node)))


def test_inverse_pairs_mirror_domain_and_range(ontology: Graph) -> None:
    pairs = {tuple(sorted((name(a), name(b)))) for a, b in ontology.subject_objects(OWL.inverseOf)}
    assert pairs == {
        ("adopter", "adopts"),
        ("affiliatedWith", "hasAffiliate"),
        ("assessedEntity", "assessedIn"),
        ("awardedTo", "holdsLabel"),
        ("beneficiary", "benefitsFrom"),
        ("datasetOf", "hasDataset"),
        ("evidenceFor", "hasEvidence"),
        ("fromActor", "startsInteraction"),
        ("gaveResponse", "respondent"),
        ("hadParticipant", "participatedIn"),
        ("hasCriterionScore", "partOfAssessment"),
        ("hasDataCollectionEvent", "partOfStudy"),
        ("hasItem", "itemOf"),
        ("hasParticipation", "inActivity"),
        ("hostsActivity", "organisedInCluster"),
        ("involvedIn", "participant"),
        ("managedBy", "manages"),
        ("participatingActor", "takesPart"),
        ("providedBy", "provides"),
        ("receivesInteraction", "toActor"),
        ("representedByCase", "representsActor"),
        ("speaker", "speakerOf"),
        ("studiedIn", "studiesCluster"),
    }
    for prop, inverse in ontology.subject_objects(OWL.inverseOf):
        domain, range_ = ontology.value(prop, RDFS.domain), ontology.value(prop, RDFS.range)
        assert domain is not None and range_ is not None, prop
        assert class_expression(ontology, domain) == class_expression(
            ontology, ontology.value(inverse, RDFS.range)
        )
        assert class_expression(ontology, range_) == class_expression(
            ontology, ontology.value(inverse, RDFS.domain)
        )


CONCEPT_CLASSES = {
    "ActorType": {"actor"},
    "AdoptionStatus": {"adoption-status"},
    "CapacityBuildingType": {"cb"},
    "ClusterRole": {"role"},
    "EdihService": {"edih"},
    "ExcellenceLabelLevel": {"excellence-label"},
    "Factor": {"factor"},
    "GrowthPoleCriterion": {"gpc"},
    "HelixSector": {"helix"},
    "InteractionType": {"interaction"},
    "LifeCycleStage": {"lifecycle"},
    "LinkageKind": {"linkage"},
    "MaturityDimension": {"dma"},
    "MaturityLevel": {"acatech", "dii"},
    "ParticipationRole": {"participation-role"},
    "Polarity": {"polarity"},
    "RoadmapStage": {"roadmap"},
    "SizeClass": {"size"},
    "SourceKind": {"source-kind"},
    "Technology": {"i40t"},
    "ToeDimension": {"toe"},
    "Verdict": {"verdict"},
}


def test_no_object_property_ranges_over_plain_skos_concept(ontology: Graph) -> None:
    properties = set(ontology.subjects(RDF.type, OWL.ObjectProperty))
    assert sorted(name(p) for p in properties if (p, RDFS.range, SKOS.Concept) in ontology) == []
    concept_ranges = {
        name(m)
        for p in properties
        for r in ontology.objects(p, RDFS.range)
        for m in members(ontology, r)
        if (m, RDFS.subClassOf, SKOS.Concept) in ontology
    }
    # Cluster roles are only org:role values; regions have no scheme class. Roadmap stages are the range of
    # an assessment's stage reached and next stage.
    assert concept_ranges == set(CONCEPT_CLASSES) - {"ClusterRole"} | {
        "Code",
        "Region",
        "EconomicActivity",
        "Indicator",
        "SizeBand",
        "SurveyItem",
        "UnitOfMeasure",
    }


def test_concept_classes_name_their_schemes_and_exclude_each_other(ontology: Graph) -> None:
    named = {
        name(cls): {str(s).removeprefix(VOCAB_BASE) for s in ontology.objects(cls, RDFS.seeAlso)}
        for cls in icgp_classes(ontology)
        if any(str(s).startswith(VOCAB_BASE) for s in ontology.objects(cls, RDFS.seeAlso))
    }
    assert named == CONCEPT_CLASSES
    concept_kinds = {c for c in icgp_classes(ontology) if (c, RDFS.subClassOf, SKOS.Concept) in ontology}
    assert len(concept_kinds) == 29
    pairs = {frozenset(p) for p in itertools.combinations(concept_kinds, 2)}
    assert pairs <= disjoint_pairs(ontology)


def restrictions(graph: Graph) -> Iterator[tuple[str, str, str, str]]:
    """(class, property, kind, value or filler) for each restriction an icgp: class is a subclass of."""
    kinds = (
        OWL.cardinality,
        OWL.maxCardinality,
        OWL.qualifiedCardinality,
        OWL.someValuesFrom,
        OWL.allValuesFrom,
    )
    for cls in icgp_classes(graph):
        for node in graph.objects(cls, RDFS.subClassOf):
            if not isinstance(node, BNode):
                continue
            prop = graph.value(node, OWL.onProperty)
            for kind in kinds:
                value = graph.value(node, kind)
                if value is None:
                    continue
                if kind == OWL.qualifiedCardinality:
                    value = Literal(f"{value} {name(graph.value(node, OWL.onClass))}")
                shown = (
                    name(value)
                    if isinstance(value, URIRef)
                    else str(value)
                    if isinstance(value, Literal)
                    else "..."
                )
                yield name(cls), str(prop).rsplit("#", 1)[-1], str(kind).rsplit("#", 1)[-1], shown


def test_restrictions_state_what_the_domain_says(ontology: Graph) -> None:
    table = set(restrictions(ontology))
    assert len(table) == 52
    assert {
        ("CriterionScore", "criterion", "qualifiedCardinality", "1 GrowthPoleCriterion"),
        ("CriterionScore", "partOfAssessment", "cardinality", "1"),
        ("CriterionScore", "score", "allValuesFrom", "..."),
        ("Interaction", "fromActor", "cardinality", "1"),
        ("Interaction", "toActor", "cardinality", "1"),
        ("MaturityAssessment", "assessedEntity", "qualifiedCardinality", "1 Organisation"),
        ("MaturityDimensionScore", "maturityDimension", "qualifiedCardinality", "1 MaturityDimension"),
        ("MaturityDimensionScore", "maturityScore", "cardinality", "1"),
        ("Membership", "organization", "qualifiedCardinality", "1 InnovationCluster"),
        ("Organisation", "actorType", "maxCardinality", "1"),
        ("SurveyResponse", "likertValue", "cardinality", "1"),
        ("TechnologyAdoption", "technology", "cardinality", "1"),
        ("Code", "inScheme", "someValuesFrom", "Codebook"),
    } <= table
    linkage = ontology.value(ICGP.Linkage, OWL.equivalentClass)
    assert linkage is not None and ICGP.Interaction in Collection(
        ontology, ontology.value(linkage, OWL.intersectionOf)
    )


def test_no_nominals_so_the_reasoner_stays_fast(ontology: Graph) -> None:
    # owl:hasValue and owl:oneOf make HermiT several times slower over the 2,000 NUTS concepts.
    assert not list(ontology.subject_objects(OWL.hasValue))
    assert not list(ontology.subject_objects(OWL.oneOf))


def icgp_terms_in(graph: Graph, node: Node, seen: frozenset[Node] = frozenset()) -> set[Node]:
    """The icgp: IRIs a class expression or restriction mentions, however deeply nested."""
    if isinstance(node, URIRef):
        return {node} if node.startswith(ICGP_NS) else set()
    if node in seen:
        return set()
    found: set[Node] = set()
    for _, obj in graph.predicate_objects(node):
        found |= icgp_terms_in(graph, obj, seen | {node})
    return found


def test_every_class_is_connected_to_another_icgp_term(ontology: Graph) -> None:
    # Connected: in the domain or range of an icgp: property, next to an icgp: class in the hierarchy, or
    # tied to icgp: terms by a restriction (its own, or one that names it as filler).
    classes = icgp_classes(ontology)
    connected: set[Node] = set()
    for prop in set(ontology.subjects(RDF.type, OWL.ObjectProperty)) | set(
        ontology.subjects(RDF.type, OWL.DatatypeProperty)
    ):
        if str(prop).startswith(ICGP_NS):
            for link in (RDFS.domain, RDFS.range):
                for node in ontology.objects(prop, link):
                    connected.update(members(ontology, node))
    for cls in classes:
        for parent in ontology.objects(cls, RDFS.subClassOf):
            mentioned = icgp_terms_in(ontology, parent) - {cls}
            if mentioned:
                connected.add(cls)
                connected.update(mentioned & classes)
    assert sorted(name(c) for c in classes - connected) == []


TEMPLATED = re.compile(r"^(Used on .+ resources; its values are .+|Values come from https?://\S+)$")


def test_comments_say_something_the_label_and_range_do_not(ontology: Graph) -> None:
    templated = [
        name(s) for s, c in ontology.subject_objects(RDFS.comment) if TEMPLATED.match(str(c)) and s != ICGP
    ]
    assert templated == []


# Terms that no loader filled when the issue was raised: each comment now says how to fill it, or why not.
UNFILLED = [
    *("ClusterExcellenceLabel", "ClusterInitiative", "CriterionScore", "EffectClaim", "Facility"),
    *("EuropeanDigitalInnovationHub", "GrowthPoleAssessment", "MaturityAssessment", "Memo"),
    *("StatisticalCluster", "SupportProgramme", "counterExample", "score", "turnoverEur", "affected"),
    *("assessedEntity", "assessmentPeriod", "atFacility", "awardedTo", "criterion", "effectType"),
    *("fundedBy", "hasCriterionScore", "labelLevel", "maturityStage", "overallVerdict"),
]


@pytest.mark.parametrize("term", UNFILLED)
def test_terms_no_loader_fills_say_how_to_fill_them(ontology: Graph, term: str) -> None:
    (comment,) = ontology.objects(ICGP[term], RDFS.comment)
    pattern = (
        r"imports/|kg/assess|together with the (maturity )?assessments|effect claims|organisations\.csv"
        r"|maturity\.csv|growth-pole assessment \(icgp assess|Written by the growth-pole assessment"
    )
    assert re.search(pattern, str(comment)), term


# Slide, document-sharing and mirror sites, vendor blogs, exam-preparation and news mirrors that the
# definitions used to cite where the primary literature exists.
WEAK_HOSTS = {
    "bankpromotionexamguide.com",
    "ceurspt.wikidata.dbis.rwth-aachen.de",
    "core-prod.cambridgecore.org",
    "cozminasecula.github.io",
    "developingeconomics.org",
    "documents.pub",
    "eutechloop.com",
    "evonews.com",
    "fr.bestarticleonline.com",
    "geogyan.in",
    "impr-0001-1260-partners.eccp.hosted-temp.com",
    "mbbnet.ahc.umn.edu",
    "ouci.dntb.gov.ua",
    "slideplayer.com.",
    "sofiaglobe.com",
    "studylib.net",
    "th4.ilovetranslation.com",
    "wikimili.com",
    "www.agrarzeitung.de",
    "www.aminer.org",
    "www.coretecs.be",
    "www.dailysabah.com",
    "www.fullpicture.app",
    "www.i40mc.com",
    "www.inpactmedia.com",
    "www.jwork.org",
    "www.researchgate.net",
    "www.ricoh-usa.com",
    "www.schumanassociates.com",
    "www.scribd.com",
    "www.sipoch.com",
    "www.slideshare.net",
    "www.x-mol.com",
}


@pytest.fixture(scope="module")
def cited() -> list[Node]:
    graph = Graph().parse(ontology_file()).parse(alignments_file())
    for path in vocabulary_files():
        if path.stem != "nuts":
            graph.parse(path)
    return [o for p in (DCTERMS.source, RDFS.seeAlso) for o in graph.objects(None, p)]


def test_no_source_is_a_slide_deck_mirror_or_vendor_blog(cited: list[Node]) -> None:
    hosts = {urlparse(str(o)).hostname for o in cited if isinstance(o, URIRef)}
    assert hosts & WEAK_HOSTS == set()


def test_the_growth_pole_classics_and_eu_reports_are_cited(cited: list[Node]) -> None:
    text = {str(o) for o in cited}
    for work in (
        "Perroux, F. (1955). Note sur la notion de « pôle de croissance »",
        "Hirschman, A. O. (1958). The Strategy of Economic Development",
        "Myrdal, G. (1957). Economic Theory and Under-developed Regions",
        "(2009). The European Cluster Observatory",
        "EUR 30337 EN",
        "Industrie 4.0 Maturity Index",
        "http://data.europa.eu/eli/reco/2003/361/oj",
    ):
        assert any(t.startswith(work) or work in t for t in text), work


# --------------------------------------------------------------------------------------------------
# Reasoning (HermiT): built data under the imported ontologies, and contradictions the axioms catch


def reason_over(*extra: Path, turtle: str = "") -> reasoning.ReasonerResult:
    files = [ontology_file(), alignments_file(), *extra]
    store, _closure = load_with_imports(files)
    if turtle:
        store.load(turtle.encode("utf-8"), format=RdfFormat.TURTLE)
    return reasoning.reason(store)


def vocab(name_: str) -> Path:
    return next(p for p in vocabulary_files() if p.stem == name_)


PREFIXES = """
@prefix icgp: <https://w3id.org/icgp/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix ex: <https://example.org/id/mini/> .
"""


def test_the_built_graph_is_consistent_under_prov_o() -> None:
    result = reason_over(BUILD_FIXTURE)
    assert (result.consistent, result.unsatisfiable) == (True, ())


def test_deriving_the_data_set_from_the_study_contradicts_prov_o() -> None:
    # What the builder wrote before: a study is a prov:Activity, and prov:wasDerivedFrom joins entities.
    turtle = PREFIXES + "ex:dataset\\/mini prov:wasDerivedFrom ex:study\\/mini .\n"
    assert not reason_over(BUILD_FIXTURE, turtle=turtle).consistent


@pytest.mark.parametrize(
    ("files", "turtle"),
    [
        pytest.param(
            (), "ex:o a icgp:HigherEducationInstitution , icgp:Enterprise .", id="two-organisation-kinds"
        ),
        pytest.param(
            ("verdict",),
            "ex:o a icgp:Organisation ; icgp:locatedIn <https://w3id.org/icgp/vocab/verdict/pole> .",
            id="verdict-as-region",
        ),
        pytest.param(
            (),
            "ex:i a icgp:Interaction ; icgp:fromActor ex:u , ex:a . ex:u a icgp:HigherEducationInstitution . "
            "ex:a a icgp:PublicAuthority .",
            id="interaction-with-two-sources",
        ),
        pytest.param((), "ex:s a icgp:CriterionScore ; icgp:score 1.5 .", id="score-above-one"),
    ],
)
def test_the_axioms_reject_contradictions(files: tuple[str, ...], turtle: str) -> None:
    assert not reason_over(*(vocab(f) for f in files), turtle=PREFIXES + turtle).consistent
