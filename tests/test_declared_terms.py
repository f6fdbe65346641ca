"""No icgp: term is used in the ontology, vocabularies, shapes, saved queries or docs without a declaration.

The sample data's terms are checked on the built graph in tests/test_build.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.ontology import resources
from kg.ontology.declared_terms import (
    declared_icgp_terms,
    undeclared_icgp_terms,
    undeclared_icgp_terms_in_text,
)
from kg.ontology.loading import load_store


@pytest.fixture(scope="module")
def declared() -> set[str]:
    return declared_icgp_terms(load_store(None))


def test_ontology_and_vocabularies_use_only_declared_terms(declared: set[str]) -> None:
    assert undeclared_icgp_terms(load_store(None), declared) == []


def _texts() -> list[Path]:
    return [
        *resources.shape_files(),
        *sorted(resources.resource_dir("queries").rglob("*.rq")),
        *sorted((resources.resource_dir("ontology") / "vocab").glob("*.ttl")),
    ]


def test_there_are_texts_to_check() -> None:
    assert any(path.suffix == ".rq" for path in _texts())


@pytest.mark.parametrize("path", _texts(), ids=lambda p: p.name)
def test_shapes_and_queries_mention_only_declared_terms(declared: set[str], path: Path) -> None:
    assert undeclared_icgp_terms_in_text(path.read_text(encoding="utf-8"), declared) == []
