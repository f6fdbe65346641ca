"""The released ontology passes the FOOPS! checks that can run offline (conventions reference A6).

One test per check, named after it. Where a quality rule of ``queries/qc`` implements the check, the test
runs that rule on the released file; the others follow FOOPS!'s own definitions (oeg-upm/fair_ontologies).
Header checks run on every released ontology document: the core, the alignments and each vocabulary.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from graph_compare import isomorphic
from pyoxigraph import RdfFormat, Store
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS

from kg.ontology import resources
from kg.ontology.loading import load_store
from kg.ontology.quality import Rule, load_rules, run_rule

ONTOLOGY = rdflib.URIRef("https://w3id.org/icgp/ontology")
BIBO = rdflib.Namespace("http://purl.org/ontology/bibo/")
SCHEMA = rdflib.Namespace("https://schema.org/")
VANN = rdflib.Namespace("http://purl.org/vocab/vann/")
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
# FOOPS! VOC1: the vocabularies it accepts for ontology metadata (Constants.VOCS_REUSE_METADATA) and RDF.
METADATA_VOCABULARIES = (
    "http://purl.org/dc/elements/1.1/",
    "https://schema.org/",
    "http://purl.org/dc/terms/",
    "http://purl.org/vocab/vann/",
    "http://www.w3.org/ns/prov#",
    "http://purl.org/ontology/bibo/",
    "http://purl.org/pav/",
    "http://xmlns.com/foaf/0.1/",
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/2002/07/owl#",
    "http://usefulinc.com/ns/doap#",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://www.w3.org/2004/02/skos/core#",  # hasTopConcept on the schemes (SKOS documents)
)


@pytest.fixture(scope="module")
def release(sample_releases: tuple[Path, Path]) -> Path:
    """A release with a DOI and files under https://files.example.org/icgp/ (``conftest.RELEASE_ARGS``)."""
    return sample_releases[0]


def documents(release: Path) -> list[Path]:
    """The released ontology documents in Turtle."""
    return [
        release / "ontology/icgp.ttl",
        release / "ontology/alignments.ttl",
        *sorted((release / "vocab").glob("*.ttl")),
    ]


HEADER_FILES = ["ontology/icgp.ttl", "ontology/alignments.ttl"] + [
    f"vocab/{p.stem}.ttl" for p in resources.vocabulary_files()
]


@functools.cache
def header(path: Path) -> tuple[rdflib.Graph, rdflib.URIRef]:
    graph = rdflib.Graph().parse(path, format="turtle")
    subjects = list(graph.subjects(RDF.type, OWL.Ontology))
    assert len(subjects) == 1, f"{path} must declare exactly one owl:Ontology"
    subject = subjects[0]
    assert isinstance(subject, rdflib.URIRef)
    return graph, subject


@functools.cache
def _rules() -> dict[str, Rule]:
    return {rule.name: rule for rule in load_rules()}


@functools.cache
def _store(path: Path) -> ox.Store:
    return load_store([path])


def rule_findings(path: Path, name: str) -> list[object]:
    return list(run_rule(_store(path), _rules()[name]))


@pytest.mark.parametrize("suffix", ["ttl", "owl", "jsonld", "nt"])
def test_RDF1_each_serialisation_loads(release: Path, suffix: str) -> None:  # noqa: N802
    path = release / f"ontology/icgp.{suffix}"
    fmt = {"ttl": "turtle", "owl": "xml", "jsonld": "json-ld", "nt": "nt"}[suffix]
    graph = rdflib.Graph().parse(path, format=fmt)
    reference = rdflib.Graph().parse(release / "ontology/icgp.ttl", format="turtle")
    assert isomorphic(graph, reference)
    store = Store()
    store.load(
        path=str(path),
        format={
            "ttl": RdfFormat.TURTLE,
            "owl": RdfFormat.RDF_XML,
            "jsonld": RdfFormat.JSON_LD,
            "nt": RdfFormat.N_TRIPLES,
        }[suffix],
    )
    assert len(store) == len(reference)


def test_RDF1_owl_loader_reads_the_rdfxml(release: Path) -> None:  # noqa: N802
    # FOOPS! loads with the OWL API; owlready2 is the OWL loader available to Python. The imported
    # ontologies are marked as loaded so that nothing is fetched from the network.
    import owlready2

    graph, subject = header(release / "ontology/icgp.ttl")
    world = owlready2.World()
    for imported in graph.objects(subject, OWL.imports):
        world.get_ontology(str(imported)).loaded = True
    ontology = world.get_ontology(str(ONTOLOGY) + "#")
    with (release / "ontology/icgp.owl").open("rb") as stream:
        ontology.load(fileobj=stream, format="rdfxml")
    assert world.search_one(iri="https://w3id.org/icgp/ontology#InnovationCluster") is not None
    assert len(list(ontology.classes())) > 50


@pytest.mark.parametrize("name", HEADER_FILES)
def test_PURL1_ontology_iri_is_persistent(release: Path, name: str) -> None:  # noqa: N802
    assert rule_findings(release / name, "non_persistent_ontology_iri") == []
    assert header(release / name)[1].startswith("https://w3id.org/icgp/")


@pytest.mark.parametrize("name", HEADER_FILES)
def test_HTTP1_ontology_iri_uses_an_open_protocol(release: Path, name: str) -> None:  # noqa: N802
    assert rule_findings(release / name, "non_http_ontology_iri") == []


def test_URI2_ontology_iri_in_the_document_is_the_iri_it_is_published_under(release: Path) -> None:  # noqa: N802
    # Partly offline: the IRI inside the file, the catalog entry and the w3id redirect all agree.
    graph, subject = header(release / "ontology/icgp.ttl")
    assert subject == ONTOLOGY
    assert str(graph.value(subject, VANN.preferredNamespaceUri)) == str(ONTOLOGY) + "#"
    catalog = rdflib.Graph().parse(release / "catalog.ttl")
    assert catalog.value(ONTOLOGY, DCAT.landingPage) == rdflib.URIRef(
        "https://files.example.org/icgp/1.0.0/ontology/icgp.html"
    )
    rules = (release / ".htaccess").read_text(encoding="utf-8")
    assert re.search(
        r"^RewriteRule \^ontology/\?\$ https://files\.example\.org/icgp/1\.0\.0/ontology/icgp\.ttl ",
        rules,
        re.M,
    )


@pytest.mark.parametrize("name", HEADER_FILES)
def test_VER1_version_iri_differs_from_the_ontology_iri(release: Path, name: str) -> None:  # noqa: N802
    assert rule_findings(release / name, "missing_version_iri") == []
    graph, subject = header(release / name)
    assert graph.value(subject, OWL.versionIRI) not in (None, subject)


@pytest.mark.parametrize("name", HEADER_FILES)
def test_OM1_minimum_metadata(release: Path, name: str) -> None:  # noqa: N802
    assert rule_findings(release / name, "missing_minimum_metadata") == []


@pytest.mark.parametrize("name", HEADER_FILES)
def test_OM2_recommended_metadata(release: Path, name: str) -> None:  # noqa: N802
    assert rule_findings(release / name, "missing_recommended_metadata") == []


@pytest.mark.parametrize("name", HEADER_FILES)
def test_OM3_detailed_metadata_publisher_status_issued(release: Path, name: str) -> None:  # noqa: N802
    graph, subject = header(release / name)
    assert graph.value(subject, DCTERMS.publisher) is not None
    assert graph.value(subject, DCTERMS.issued) is not None
    if name == "ontology/icgp.ttl":
        assert graph.value(subject, BIBO.status) is not None


def test_OM3_detailed_metadata_doi_logo_source(release: Path) -> None:  # noqa: N802
    graph, subject = header(release / "ontology/icgp.ttl")
    assert graph.value(subject, BIBO.doi) is not None
    assert graph.value(subject, rdflib.FOAF.logo) is not None or graph.value(subject, SCHEMA.logo) is not None
    assert graph.value(subject, DCTERMS.source) is not None


@pytest.mark.parametrize("name", HEADER_FILES)
def test_OM4_1_licence_declared(release: Path, name: str) -> None:  # noqa: N802
    assert rule_findings(release / name, "missing_license") == []
    graph, subject = header(release / name)
    assert isinstance(graph.value(subject, DCTERMS.license), rdflib.URIRef)


@pytest.mark.parametrize("name", HEADER_FILES)
def test_OM5_1_basic_provenance_creator_and_creation_date(release: Path, name: str) -> None:  # noqa: N802
    graph, subject = header(release / name)
    assert graph.value(subject, DCTERMS.creator) is not None
    assert graph.value(subject, DCTERMS.created) is not None


@pytest.mark.parametrize("name", HEADER_FILES)
def test_OM5_2_detailed_provenance_issued_and_publisher(release: Path, name: str) -> None:  # noqa: N802
    graph, subject = header(release / name)
    assert graph.value(subject, DCTERMS.issued) is not None
    assert graph.value(subject, DCTERMS.publisher) is not None


@pytest.mark.parametrize("name", HEADER_FILES)
def test_FIND1_preferred_prefix_declared(release: Path, name: str) -> None:  # noqa: N802
    assert rule_findings(release / name, "missing_namespace_prefix") == []


@pytest.mark.parametrize("name", HEADER_FILES)
def test_VOC1_metadata_uses_standard_vocabularies(release: Path, name: str) -> None:  # noqa: N802
    graph, subject = header(release / name)
    used = {str(p) for p in graph.predicates(subject, None)}
    assert used
    assert sorted(p for p in used if not p.startswith(METADATA_VOCABULARIES)) == []


def test_VOC2_reuses_other_vocabularies(release: Path) -> None:  # noqa: N802
    assert rule_findings(release / "ontology/icgp.ttl", "no_vocabulary_reuse") == []
    graph, subject = header(release / "ontology/icgp.ttl")
    imported = {str(o) for o in graph.objects(subject, OWL.imports)}
    assert "http://www.w3.org/ns/prov-o" in imported


def _terms(graph: rdflib.Graph, namespace: str) -> list[rdflib.URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return sorted(
        {
            s
            for kind in kinds
            for s in graph.subjects(RDF.type, kind)
            if isinstance(s, rdflib.URIRef) and s.startswith(namespace)
        }
    )


def test_VOC3_every_ontology_term_has_a_label(release: Path) -> None:  # noqa: N802
    assert rule_findings(release / "ontology/icgp.ttl", "missing_label") == []
    graph = rdflib.Graph().parse(release / "ontology/icgp.ttl")
    terms = _terms(graph, str(ONTOLOGY) + "#")
    assert len(terms) > 100
    assert [
        t for t in terms if graph.value(t, RDFS.label) is None and graph.value(t, SKOS.prefLabel) is None
    ] == []


def test_VOC4_every_ontology_term_has_a_description(release: Path) -> None:  # noqa: N802
    assert rule_findings(release / "ontology/icgp.ttl", "missing_comment") == []
    graph = rdflib.Graph().parse(release / "ontology/icgp.ttl")
    terms = _terms(graph, str(ONTOLOGY) + "#")
    assert [
        t for t in terms if graph.value(t, RDFS.comment) is None and graph.value(t, SKOS.definition) is None
    ] == []


VOCABULARIES = [p.stem for p in resources.vocabulary_files()]


@pytest.mark.parametrize("scheme", VOCABULARIES)
def test_VOC3_VOC4_every_concept_has_a_label_and_a_definition(release: Path, scheme: str) -> None:  # noqa: N802
    graph = rdflib.Graph().parse(release / f"vocab/{scheme}.ttl")
    concepts = sorted(set(graph.subjects(RDF.type, SKOS.Concept)))
    assert concepts
    assert [c for c in concepts if graph.value(c, SKOS.prefLabel) is None] == []
    assert [c for c in concepts if graph.value(c, SKOS.definition) is None] == []


def test_FIND_3_BIS_metadata_listed_in_a_catalog(release: Path) -> None:  # noqa: N802
    # Partly offline: the release's DCAT catalog lists the ontology and every vocabulary, and says so with
    # schema:includedInDataCatalog. (FOOPS! itself looks the ontology up in LOV, which needs the network.)
    catalog = rdflib.Graph().parse(release / "catalog.ttl")
    release_iri = rdflib.URIRef("https://w3id.org/icgp/releases/1.0.0")
    assert (release_iri, RDF.type, DCAT.Catalog) in catalog
    for path in documents(release):
        _, subject = header(path)
        assert (release_iri, DCAT.dataset, subject) in catalog, subject
        assert (subject, SCHEMA.includedInDataCatalog, release_iri) in catalog, subject


def test_FIND_3_BIS_catalog_named_in_the_ontology_document(release: Path) -> None:  # noqa: N802
    graph, subject = header(release / "ontology/icgp.ttl")
    assert graph.value(subject, SCHEMA.includedInDataCatalog) is not None
