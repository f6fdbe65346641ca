"""The core ontology: size, annotations on every term, domains and ranges, header metadata."""

from __future__ import annotations

import pytest
from rdflib import OWL, RDF, RDFS, SKOS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, VANN, XSD

from kg.ontology.namespaces import ICGP, ONTOLOGY_IRI
from kg.ontology.resources import alignments_file, ontology_file

ONTOLOGY = URIRef(ONTOLOGY_IRI)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ontology_file())


def icgp_terms(graph: Graph, kind: URIRef) -> set[URIRef]:
    return {t for t in graph.subjects(RDF.type, kind) if isinstance(t, URIRef) and t.startswith(str(ICGP))}


def english(graph: Graph, term: URIRef, predicate: URIRef) -> list[Literal]:
    return [o for o in graph.objects(term, predicate) if isinstance(o, Literal) and o.language == "en"]


def test_class_and_property_counts(ontology: Graph) -> None:
    assert len(icgp_terms(ontology, OWL.Class)) == 91
    assert len(icgp_terms(ontology, OWL.ObjectProperty)) == 95
    assert len(icgp_terms(ontology, OWL.DatatypeProperty)) == 43
    assert len(icgp_terms(ontology, OWL.AnnotationProperty)) == 4


def test_every_term_has_one_label_one_definition_and_a_comment(ontology: Graph) -> None:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    terms = set().union(*(icgp_terms(ontology, kind) for kind in kinds))
    for term in terms:
        assert len(english(ontology, term, RDFS.label)) == 1, term
        assert len(english(ontology, term, SKOS.definition)) == 1, term
        assert english(ontology, term, RDFS.comment), term
        assert (term, RDFS.isDefinedBy, ONTOLOGY) in ontology, term


def test_every_property_has_a_domain_and_a_range(ontology: Graph) -> None:
    kinds = (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    for term in set().union(*(icgp_terms(ontology, kind) for kind in kinds)):
        assert ontology.value(term, RDFS.domain) is not None, term
        assert ontology.value(term, RDFS.range) is not None, term


def test_no_xsd_date_in_ranges_because_owl_2_lacks_it(ontology: Graph) -> None:
    assert XSD.date not in set(ontology.objects(None, RDFS.range))


def test_header_carries_fair_metadata(ontology: Graph) -> None:
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in ontology
    version_iri = ontology.value(ONTOLOGY, OWL.versionIRI)
    assert version_iri == URIRef("https://w3id.org/icgp/ontology/0.1.0")
    assert ontology.value(ONTOLOGY, OWL.versionInfo) == Literal("0.1.0")
    assert ontology.value(ONTOLOGY, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert ontology.value(ONTOLOGY, VANN.preferredNamespacePrefix) == Literal("icgp")
    assert ontology.value(ONTOLOGY, VANN.preferredNamespaceUri) == Literal(str(ICGP))
    for field in (
        DCTERMS.title,
        DCTERMS.description,
        DCTERMS.creator,
        DCTERMS.created,
        DCTERMS.modified,
        DCTERMS.issued,
        DCTERMS.publisher,
        DCTERMS.bibliographicCitation,
        OWL.imports,
    ):
        assert ontology.value(ONTOLOGY, field) is not None, field


def test_cluster_and_cluster_organisation_are_kept_apart(ontology: Graph) -> None:
    assert (
        ICGP.InnovationCluster,
        RDFS.subClassOf,
        URIRef("http://www.w3.org/ns/org#OrganizationalCollaboration"),
    ) in ontology
    assert ontology.value(ICGP.manages, RDFS.domain) == ICGP.ClusterOrganisation
    assert ontology.value(ICGP.manages, RDFS.range) == ICGP.InnovationCluster


def test_alignments_import_the_core_and_only_subclass_external_terms() -> None:
    alignments = Graph().parse(alignments_file())
    module = URIRef(ONTOLOGY_IRI + "/alignments")
    assert (module, OWL.imports, ONTOLOGY) in alignments
    for sub, sup in alignments.subject_objects(RDFS.subClassOf):
        assert str(sub).startswith(str(ICGP)) and not str(sup).startswith(str(ICGP))
