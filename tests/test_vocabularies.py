"""The bundled SKOS vocabularies but the region codes are complete, well-formed and follow the contract."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, VANN
from rdflib.term import Node

from kg.ontology.namespaces import ICGP, ONTOLOGY_IRI, VOCAB_BASE
from kg.ontology.resources import ontology_file, vocabulary_files

XSD_DATETIME = URIRef("http://www.w3.org/2001/XMLSchema#dateTime")
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# One sentence: starts with a capital, ends with a period, no sentence break inside.
SENTENCE = re.compile(r"^[A-Z][^\n]*[^.]\.$")
CONCEPT_COUNTS = {
    "acatech": 6,
    "actor": 27,
    "adoption-status": 4,
    "cb": 18,
    "dii": 4,
    "dma": 6,
    "edih": 4,
    "excellence-label": 3,
    "factor": 112,
    "gpc": 6,
    "helix": 5,
    "i40t": 62,
    "interaction": 8,
    "lifecycle": 5,
    "linkage": 3,
    "participation-role": 4,
    "polarity": 3,
    "roadmap": 6,
    "role": 4,
    "size": 4,
    "source-kind": 4,
    "toe": 3,
    "verdict": 4,
}
SCHEMES = sorted(CONCEPT_COUNTS)


def scheme_iri(name: str) -> URIRef:
    return URIRef(VOCAB_BASE + name)


@pytest.fixture(scope="module")
def files() -> dict[str, Graph]:
    # The region code lists (NUTS, ISO 3166) have tests of their own: their labels are not all English.
    return {
        path.stem: Graph().parse(path) for path in vocabulary_files() if path.stem not in ("nuts", "iso3166")
    }


@pytest.fixture(scope="module")
def graph(files: dict[str, Graph]) -> Graph:
    merged = Graph()
    for part in files.values():
        merged += part
    return merged


def concepts(graph: Graph, name: str) -> set[Node]:
    return set(graph.subjects(SKOS.inScheme, scheme_iri(name)))


def by_notation(graph: Graph, name: str) -> dict[str, Node]:
    return {str(graph.value(c, SKOS.notation)): c for c in concepts(graph, name)}


def notations(graph: Graph, nodes: Iterable[Node | None]) -> set[str]:
    return {str(graph.value(node, SKOS.notation)) for node in nodes}


def test_each_file_holds_exactly_its_own_scheme(files: dict[str, Graph]) -> None:
    assert sorted(files) == SCHEMES
    for name, part in files.items():
        assert set(part.subjects(RDF.type, SKOS.ConceptScheme)) == {scheme_iri(name)}


def test_concept_counts(graph: Graph) -> None:
    assert {name: len(concepts(graph, name)) for name in SCHEMES} == CONCEPT_COUNTS
    assert len(concepts(graph, "i40t")) >= 60


@pytest.mark.parametrize("name", SCHEMES)
def test_scheme_header_carries_the_metadata(graph: Graph, name: str) -> None:
    s = scheme_iri(name)
    assert {SKOS.ConceptScheme, OWL.Ontology} <= set(graph.objects(s, RDF.type))
    for field in (DCTERMS.title, DCTERMS.description):
        assert [v.language for v in graph.objects(s, field)] == ["en"]
    assert graph.value(s, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert graph.value(s, DCTERMS.creator) == URIRef("https://w3id.org/icgp/team")
    for field in (DCTERMS.created, DCTERMS.modified, DCTERMS.issued):
        assert graph.value(s, field).datatype == XSD_DATETIME  # OWL 2 has no xsd:date
    assert graph.value(s, OWL.versionIRI) == URIRef(f"{VOCAB_BASE}{name}/0.1.0")
    assert graph.value(s, OWL.versionInfo) == Literal("0.1.0")
    assert graph.value(s, VANN.preferredNamespacePrefix) == Literal(name.replace("-", ""))
    assert graph.value(s, VANN.preferredNamespaceUri) == Literal(f"{VOCAB_BASE}{name}/")
    assert graph.value(s, DCTERMS.bibliographicCitation) is not None
    assert graph.value(s, OWL.imports) == URIRef(ONTOLOGY_IRI)


@pytest.mark.parametrize("name", SCHEMES)
def test_every_concept_has_iri_notation_label_and_definition(graph: Graph, name: str) -> None:
    for concept in concepts(graph, name):
        assert (concept, RDF.type, SKOS.Concept) in graph
        assert str(concept).startswith(f"{VOCAB_BASE}{name}/")
        assert SLUG.match(str(concept)[len(VOCAB_BASE + name) + 1 :]), concept
        (notation,) = graph.objects(concept, SKOS.notation)
        assert notation.datatype is None and notation.language is None, concept
        assert [v.language for v in graph.objects(concept, SKOS.prefLabel)] == ["en"], concept
        (definition,) = graph.objects(concept, SKOS.definition)
        assert definition.language == "en" and SENTENCE.match(str(definition)), concept


@pytest.mark.parametrize("name", SCHEMES)
def test_names_are_unique_within_a_scheme(graph: Graph, name: str) -> None:
    # A table cell may give a slug, notation or label, so no two concepts may share any of them.
    notation_counts = Counter(str(graph.value(c, SKOS.notation)) for c in concepts(graph, name))
    assert max(notation_counts.values()) == 1
    owner: dict[str, Node] = {}
    for concept in concepts(graph, name):
        keys = {str(concept).rsplit("/", 1)[1], str(graph.value(concept, SKOS.notation))}
        keys |= {str(v) for p in (SKOS.prefLabel, SKOS.altLabel) for v in graph.objects(concept, p)}
        for key in {k.casefold() for k in keys}:
            assert owner.setdefault(key, concept) == concept, f"{key!r} names two concepts of {name}"


@pytest.mark.parametrize("name", SCHEMES)
def test_hierarchy_is_a_forest_under_the_top_concepts(graph: Graph, name: str) -> None:
    s = scheme_iri(name)
    tops = set(graph.objects(s, SKOS.hasTopConcept))
    assert tops and tops == set(graph.subjects(SKOS.topConceptOf, s))
    members = concepts(graph, name)
    for concept in members:
        parents = set(graph.objects(concept, SKOS.broader))
        assert (concept in tops) != bool(parents), concept
        assert parents <= members
        assert all((p, SKOS.narrower, concept) in graph for p in parents), concept
        assert set(graph.objects(concept, SKOS.narrower)) == set(graph.subjects(SKOS.broader, concept))
        seen: set[Node] = set()
        frontier = parents
        while frontier:  # walk up; meeting the start again would be a cycle
            assert concept not in frontier, f"broader cycle through {concept}"
            seen |= frontier
            frontier = {p for f in frontier for p in graph.objects(f, SKOS.broader)} - seen


def test_activity_types_name_their_edih_services(graph: Graph) -> None:
    cb = by_notation(graph, "cb")
    services = {n: notations(graph, graph.objects(c, ICGP.edihService)) for n, c in cb.items()}
    assert sorted(cb) == [f"CB{i:02d}" for i in range(1, 19)]
    assert services["CB05"] == {"EDIH1", "EDIH2"}
    assert services["CB07"] == {"EDIH1", "EDIH4"}
    assert services["CB13"] == services["CB17"] == {"EDIH3"}
    assert services["CB16"] == set()  # policy advocacy is not an EDIH function
    assert sum(len(v) for v in services.values()) == 19
    targets = {t for c in cb.values() for t in graph.objects(c, ICGP.edihService)}
    assert targets == concepts(graph, "edih")


def test_actor_types_carry_helix_sector_and_class(graph: Graph) -> None:
    actor = by_notation(graph, "actor")
    helix = concepts(graph, "helix")
    for notation, concept in actor.items():
        assert set(graph.objects(concept, ICGP.typicalHelixSector)) <= helix
        # Other (A13) and unknown (A14) do not tell the sector.
        expected = 0 if notation in ("A13", "A14") else 1
        assert len(set(graph.objects(concept, ICGP.typicalHelixSector))) == expected, notation
    assert graph.value(actor["A01.2"], ICGP.actorClass) == ICGP.SME
    assert graph.value(actor["A04"], ICGP.actorClass) == ICGP.ClusterOrganisation
    assert graph.value(actor["A05.1"], ICGP.actorClass) == ICGP.EuropeanDigitalInnovationHub
    assert graph.value(actor["A05.1"], SKOS.broader) == actor["A05"]
    assert {str(v) for v in graph.objects(actor["A05.1"], SKOS.altLabel)} == {"EDIH"}
    assert notations(graph, [graph.value(actor["A12"], ICGP.typicalHelixSector)]) == {"H4"}
    assert "CMO" in {str(v) for v in graph.objects(actor["A04"], SKOS.altLabel)}


def test_coding_frame_families_and_codes(graph: Graph) -> None:
    factor = by_notation(graph, "factor")
    polarity = {n: c for n, c in by_notation(graph, "polarity").items()}
    families = {n for n in factor if "." not in n}
    assert sorted(families) == [f"F{i}" for i in range(1, 10)]
    per_family = Counter(n.split(".")[0] for n in factor if n not in families)
    assert per_family == {
        "F1": 13,
        "F2": 8,
        "F3": 15,
        "F4": 8,
        "F5": 12,
        "F6": 18,
        "F7": 9,
        "F8": 8,
        "F9": 12,
    }
    assert sum(per_family.values()) >= 80
    for n, c in factor.items():
        assert graph.value(c, ICGP.isCodable) == Literal(n not in families)
        assert graph.value(c, ICGP.polarity) in polarity.values()
        if n not in families:
            assert graph.value(c, ICGP.inclusionCriterion).language == "en"
        family = n.split(".")[0]
        if family in {"F1", "F4"}:
            assert graph.value(c, ICGP.polarity) == polarity["PO1"], n
        if family in {"F2", "F3"}:
            assert graph.value(c, ICGP.polarity) == polarity["PO2"], n
        if family == "F3" and n != "F3":
            assert graph.value(c, ICGP.toeDimension) in concepts(graph, "toe"), n
    assert notations(graph, [graph.value(factor["F3.07"], ICGP.toeDimension)]) == {"TOE-E"}
    assert graph.value(factor["F5.09b"], SKOS.broader) == factor["F5.09"]


def test_capacity_and_technology_codes_mirror_their_schemes(graph: Graph) -> None:
    factor = by_notation(graph, "factor")
    f6 = [c for n, c in factor.items() if n.startswith("F6.")]
    f9 = [c for n, c in factor.items() if n.startswith("F9.")]
    assert sorted(graph.value(c, SKOS.relatedMatch) for c in f6) == sorted(concepts(graph, "cb"))
    i40t_tops = set(graph.objects(scheme_iri("i40t"), SKOS.hasTopConcept))
    assert {graph.value(c, SKOS.exactMatch) for c in f9} == i40t_tops
    assert graph.value(factor["F9.03"], SKOS.exactMatch) == by_notation(graph, "i40t")["T03"]


@pytest.mark.parametrize(
    "name", ["adoption-status", "lifecycle", "excellence-label", "acatech", "dii", "roadmap"]
)
def test_ordered_schemes_rank_their_concepts_from_one(graph: Graph, name: str) -> None:
    ordered = sorted(by_notation(graph, name).items())
    assert [graph.value(c, ICGP.rank).toPython() for _, c in ordered] == list(range(1, len(ordered) + 1))


def test_roadmap_stages_are_marked_by_growth_pole_criteria(graph: Graph) -> None:
    marks = {
        n: notations(graph, graph.objects(c, ICGP.markedByCriterion))
        for n, c in by_notation(graph, "roadmap").items()
    }
    assert marks == {
        "RM1": {"GP-C5"},
        "RM2": {"GP-C5"},
        "RM3": {"GP-C3"},
        "RM4": {"GP-C4"},
        "RM5": {"GP-C1", "GP-C2"},
        "RM6": {"GP-C4", "GP-C6"},
    }
    for n, c in by_notation(graph, "roadmap").items():
        assert all(code in str(graph.value(c, SKOS.definition)) for code in marks[n]), n


def test_size_classes_follow_recommendation_2003_361(graph: Graph) -> None:
    fields = (ICGP.minEmployees, ICGP.maxEmployees, ICGP.maxTurnoverEur, ICGP.maxBalanceSheetEur)
    table = {
        n: tuple(None if (v := graph.value(c, f)) is None else int(v.toPython()) for f in fields)
        for n, c in by_notation(graph, "size").items()
    }
    assert table == {
        "SC1": (0, 9, 2_000_000, 2_000_000),
        "SC2": (10, 49, 10_000_000, 10_000_000),
        "SC3": (50, 249, 50_000_000, 43_000_000),
        "SC4": (250, None, None, None),
    }


def test_digital_intensity_levels_cover_zero_to_twelve(graph: Graph) -> None:
    levels = sorted(by_notation(graph, "dii").items())
    bounds = [
        (graph.value(c, ICGP.minScore).toPython(), graph.value(c, ICGP.maxScore).toPython())
        for _, c in levels
    ]
    assert bounds == [(0, 3), (4, 6), (7, 9), (10, 12)]


def test_membership_roles_are_typed_with_their_role_classes(graph: Graph) -> None:
    role = by_notation(graph, "role")
    assert all((c, RDF.type, ICGP.ClusterRole) in graph for c in role.values())
    assert (role["MR2"], RDF.type, ICGP.AnchorRole) in graph
    assert (role["MR3"], RDF.type, ICGP.PropulsiveActorRole) in graph
    assert (role["MR4"], RDF.type, ICGP.BrokerRole) in graph


def test_every_concept_has_the_class_of_its_scheme(graph: Graph) -> None:
    # The ontology names each concept class's scheme with rdfs:seeAlso; NUTS regions are typed by use.
    ontology = Graph().parse(ontology_file())
    class_of = {
        str(scheme)[len(VOCAB_BASE) :]: cls
        for cls, scheme in ontology.subject_objects(RDFS.seeAlso)
        if str(scheme).startswith(VOCAB_BASE)
    }
    assert sorted(class_of) == SCHEMES
    assert class_of["acatech"] == class_of["dii"] == ICGP.MaturityLevel
    for name in SCHEMES:
        for concept in concepts(graph, name):
            kinds = {t for t in graph.objects(concept, RDF.type) if str(t).startswith(str(ICGP))}
            assert class_of[name] in kinds, concept
            assert kinds - {class_of[name]} <= {ICGP.AnchorRole, ICGP.PropulsiveActorRole, ICGP.BrokerRole}, (
                concept
            )
