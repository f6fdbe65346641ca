"""The bundled resources are found the same way in a checkout and after an install."""

from __future__ import annotations

import pytest

from kg.ontology import resources


def test_each_resource_kind_resolves_to_a_folder() -> None:
    for kind in ("ontology", "shapes", "queries", "data"):
        assert resources.resource_dir(kind).is_dir()


def test_unknown_resource_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown resource kind"):
        resources.resource_dir("nonsense")
