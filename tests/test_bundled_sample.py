"""The bundled sample is built once per process and build time; every caller still gets its own store."""

from __future__ import annotations

import pytest
from pyoxigraph import CanonicalizationAlgorithm, Dataset, DefaultGraph, Literal, NamedNode, Quad, Store

from kg.build.sources import open_source
from kg.ontology.resources import sample_study_dir
from kg.query.run import package_store, sample_store


def _canonical(store: Store) -> set[Quad]:
    """The store's quads with blank nodes relabelled by RDFC-1.0 (each build labels them afresh)."""
    dataset = Dataset(store)
    dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
    return set(dataset)


def test_each_caller_gets_its_own_store_with_the_same_quads_as_a_fresh_build(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    fresh = _canonical(package_store(sample_study_dir()))  # built from the package, no cache involved
    first = sample_store()
    assert _canonical(first) == fresh
    # A caller that changes its store (``release --assess`` adds the assessment) changes only its own.
    marker = Quad(NamedNode("urn:x"), NamedNode("urn:y"), Literal("z"), DefaultGraph())
    first.add(marker)
    second = open_source(None)
    assert _canonical(second.store) == fresh
    assert second.built is not None and second.built.checked.descriptor.name == "stuttgart-i40-clusters"


def test_another_build_time_is_built_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    earlier = _canonical(sample_store())
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1800000000")
    later = _canonical(sample_store())
    assert later == _canonical(package_store(sample_study_dir()))
    assert later != earlier  # the build records its time
