"""The NUTS vocabulary holds every NUTS 2024 region, with a hierarchy taken from the codes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from rdflib import RDF, SKOS, Graph, URIRef

from kg.ontology.namespaces import ICGP, NUTS
from kg.ontology.resources import resource_dir

SCHEME = URIRef("https://w3id.org/icgp/vocab/nuts")


@pytest.fixture(scope="module")
def nuts_graph() -> Graph:
    return Graph().parse(resource_dir("ontology") / "vocab" / "nuts.ttl")


def test_every_eu_nuts_2024_code_is_a_concept(nuts_graph: Graph, external_data: Path) -> None:
    table = yaml.safe_load((external_data / "nuts-2024" / "NUTS2021-2024.yaml").read_text(encoding="utf-8"))
    codes = {row["NUTS Code"] for row in table}
    assert len(codes) == 1582
    concepts = set(nuts_graph.subjects(SKOS.inScheme, SCHEME))
    assert {NUTS[code] for code in codes} <= concepts
    eu_concepts = [c for c in concepts if nuts_graph.value(c, ICGP.nutsLevel).toPython() > 0]
    statistical = yaml.safe_load(
        (external_data / "nuts-2024" / "SR2021-2024.yaml").read_text(encoding="utf-8")
    )
    assert len(eu_concepts) == 1582 + len(statistical)


def test_hierarchy_follows_the_code_prefix(nuts_graph: Graph) -> None:
    assert nuts_graph.value(NUTS["DE111"], SKOS.broader) == NUTS["DE11"]
    assert nuts_graph.value(NUTS["DE11"], SKOS.broader) == NUTS["DE1"]
    assert nuts_graph.value(NUTS["DE1"], SKOS.broader) == NUTS["DE"]
    assert (NUTS["DE"], SKOS.topConceptOf, SCHEME) in nuts_graph
    assert str(nuts_graph.value(NUTS["DE11"], SKOS.prefLabel)) == "Stuttgart"
    assert nuts_graph.value(NUTS["EL30"], ICGP.countryCode).toPython() == "EL"
    for concept in nuts_graph.subjects(RDF.type, SKOS.Concept):
        parent = nuts_graph.value(concept, SKOS.broader)
        if parent is not None:
            assert (parent, RDF.type, SKOS.Concept) in nuts_graph, f"{concept} has a dangling parent"


def test_generator_reproduces_the_shipped_file(tmp_path: Path, repo_root: Path) -> None:
    out = tmp_path / "nuts.ttl"
    subprocess.run(
        [sys.executable, str(repo_root / "scripts" / "build_nuts_vocab.py"), "--output", str(out)], check=True
    )
    assert out.read_bytes() == (resource_dir("ontology") / "vocab" / "nuts.ttl").read_bytes()
