"""Where the bundled ontology, vocabularies, shapes, saved queries and sample study live.

In a source checkout (and an editable install) they sit at the top of the repository; a wheel carries
them inside ``kg/_data``. Every other module asks this one, so the two layouts never leak elsewhere.
"""

from __future__ import annotations

from pathlib import Path

from kg.errors import ResourceMissingError

_PACKAGE_DIR = Path(__file__).resolve().parent.parent  # the kg package folder
_KINDS = ("ontology", "shapes", "queries", "data")


def resource_dir(kind: str) -> Path:
    """Return the folder of one kind of bundled resource: ontology, shapes, queries or data."""
    if kind not in _KINDS:
        raise ValueError(f"unknown resource kind {kind!r}; expected one of {', '.join(_KINDS)}")
    for candidate in (_PACKAGE_DIR / "_data" / kind, _PACKAGE_DIR.parent / kind):
        if candidate.is_dir():
            return candidate
    raise ResourceMissingError(
        f"the bundled '{kind}' folder was not found next to {_PACKAGE_DIR}; reinstall icgp"
    )


def ontology_file() -> Path:
    """The OWL core ontology in Turtle."""
    return resource_dir("ontology") / "icgp.ttl"


def alignments_file() -> Path:
    """Alignments of ICGP terms to external vocabularies, kept apart from the core."""
    return resource_dir("ontology") / "alignments.ttl"


def vocabulary_files() -> list[Path]:
    """Every SKOS vocabulary file, sorted by name."""
    return sorted((resource_dir("ontology") / "vocab").glob("*.ttl"))


def shape_files() -> list[Path]:
    """Every SHACL shapes file, sorted by name."""
    return sorted(resource_dir("shapes").glob("*.ttl"))


def qc_query_files() -> list[Path]:
    """The ontology quality-control rules (SPARQL), sorted by name."""
    return sorted((resource_dir("queries") / "qc").glob("*.rq"))


def saved_query_files() -> list[Path]:
    """The saved policy queries (SPARQL), sorted by name."""
    return sorted(resource_dir("queries").glob("*.rq"))


def sample_study_dir() -> Path:
    """The bundled sample study package."""
    return resource_dir("data")
