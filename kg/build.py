"""``icgp build`` as a library call: check a study package, build its graph, store it, write it out.

Nothing is written until the whole package has been checked and built in memory, so a failing build
leaves the store and any output file exactly as they were.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import Quad, RdfFormat, Store, Triple, serialize

from kg.builder import BuildResult, SourceMap, build_study
from kg.concepts import load_concepts
from kg.errors import InputError
from kg.namespaces import PREFIXES
from kg.problems import Problem, Severity, sort_problems
from kg.store import install_ontology, replace_graphs
from kg.tablecheck import CheckedPackage, check_path

# Output formats by name; the triple formats carry only the study graph, the quad formats its name too.
OUTPUT_FORMATS: dict[str, RdfFormat] = {
    "ttl": RdfFormat.TURTLE,
    "nt": RdfFormat.N_TRIPLES,
    "nq": RdfFormat.N_QUADS,
    "trig": RdfFormat.TRIG,
    "jsonld": RdfFormat.JSON_LD,
    "xml": RdfFormat.RDF_XML,
}
_SUFFIXES = {
    ".ttl": "ttl",
    ".nt": "nt",
    ".nq": "nq",
    ".trig": "trig",
    ".jsonld": "jsonld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}


class InvalidPackageError(InputError):
    """The package was read but has violations; ``problems`` lists all of them."""

    def __init__(self, path: Path, problems: list[Problem]) -> None:
        violations = [p for p in problems if p.severity is Severity.VIOLATION]
        super().__init__(
            f"{path} has {len(violations)} violation(s); nothing was built. Fix them and build again."
        )
        self.problems = problems


@dataclass
class BuiltStudy:
    """What a build produced: the checked package, the study graph and where each resource came from."""

    checked: CheckedPackage
    result: BuildResult

    @property
    def source_map(self) -> SourceMap:
        """File, row and column of each built resource."""
        return self.result.source_map

    @property
    def warnings(self) -> list[Problem]:
        """Problems below violation level that did not stop the build."""
        return [p for p in self.checked.problems if p.severity is not Severity.VIOLATION]


def format_for(output: Path | None, name: str | None) -> str:
    """The output format named by ``--format`` or, failing that, by the output file's suffix."""
    if name is not None:
        if name not in OUTPUT_FORMATS:
            raise InputError(f"unknown format {name!r}; choose one of {', '.join(OUTPUT_FORMATS)}")
        return name
    if output is not None and output.suffix.lower() in _SUFFIXES:
        return _SUFFIXES[output.suffix.lower()]
    return "nq"


def build_package(path: Path) -> BuiltStudy:
    """Check the package at ``path`` and build its graph in memory; raise if it has violations."""
    concepts = load_concepts()
    checked = check_path(path, concepts)
    if not checked.ok:
        raise InvalidPackageError(path, sort_problems(checked.problems))
    return BuiltStudy(checked, build_study(checked, concepts))


def store_study(store: Store, built: BuiltStudy) -> None:
    """Load the ontology and vocabularies, then replace the study's graph (and nothing else)."""
    install_ontology(store)
    replace_graphs(store, built.result.quads, [built.result.graph])


def sorted_quads(quads: Iterable[Quad]) -> list[Quad]:
    """Quads in a stable order (by their N-Quads text), so that output files are deterministic."""
    return sorted(quads, key=str)


def write_graph(quads: list[Quad], output: Path | None, fmt: str) -> bytes | None:
    """Serialise a study graph in a stable order; write it atomically to ``output`` or return the bytes."""
    rdf_format = OUTPUT_FORMATS[fmt]
    ordered = sorted_quads(quads)
    items: list[Quad] | list[Triple] = (
        ordered if rdf_format.supports_datasets else [q.triple for q in ordered]
    )
    if output is None:
        return serialize(items, format=rdf_format, prefixes=PREFIXES)
    output.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{output.name}.", dir=output.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            serialize(items, stream, format=rdf_format, prefixes=PREFIXES)
        os.replace(temporary, output)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return None
