"""``icgp build`` as a library call: check a study package, build its graph, store it, write it out.

Nothing is written until the whole package has been checked and built in memory, so a failing build
leaves the store and any output file exactly as they were.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from pyoxigraph import NamedNode, Quad, Store

from kg.build.builder import (
    BuildResult,
    SourceMap,
    build_study,
    cycle_collector_paused,
    stream_statements,
    study_graph_iri,
)
from kg.build.bulk_feed import BulkFeed
from kg.build.rebuild import rebuild_store
from kg.build.serialize import FORMATS, SUFFIXES, format_for, sorted_quads, write_quads
from kg.build.store import graph_class_counts, install_ontology, replace_graphs
from kg.build.writer import Statement
from kg.errors import InputError
from kg.ontology.concepts import ConceptIndex, load_concepts
from kg.ontology.namespaces import ICGP
from kg.package.table_checks import CheckedPackage, check_path
from kg.package.table_stream import check_path_streamed
from kg.problems import Problem, Severity, sort_problems

# Formats and their file suffixes live in kg.build.serialize; these names stay for existing callers.
OUTPUT_FORMATS = FORMATS
_SUFFIXES = SUFFIXES

__all__ = [
    "OUTPUT_FORMATS",
    "BuildProgress",
    "BuiltStudy",
    "InvalidPackageError",
    "StoredStudy",
    "build_package",
    "build_to_store",
    "format_for",
    "no_progress",
    "sorted_quads",
    "store_built",
    "store_study",
    "write_graph",
]


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
        return _warnings(self.checked)

    @property
    def graph(self) -> NamedNode:
        """Name of the study's graph."""
        return self.result.graph

    @property
    def triples(self) -> int:
        """Number of triples in the study graph."""
        return self.result.triples

    @property
    def classes(self) -> dict[str, int]:
        """Resources per class in the study graph."""
        return self.result.classes


@dataclass
class StoredStudy:
    """What a build straight into an on-disk store produced: its graph, size and resources per class."""

    checked: CheckedPackage
    graph: NamedNode
    triples: int
    classes: dict[str, int]

    @property
    def warnings(self) -> list[Problem]:
        """Problems below violation level that did not stop the build."""
        return _warnings(self.checked)


def build_package(path: Path) -> BuiltStudy:
    """Check the package at ``path`` and build its graph in memory; raise if it has violations."""
    concepts = load_concepts()
    checked = _checked_package(path, concepts)
    return BuiltStudy(checked, build_study(checked, concepts))


BuildProgress = Callable[[str, int], None]
"""Told the step a build is at ("checking", "building", "compacting") and the quads written so far."""


def no_progress(step: str, count: int) -> None:
    """The :data:`BuildProgress` of a caller that does not listen."""


def build_to_store(path: Path, store_dir: Path, progress: BuildProgress | None = None) -> StoredStudy:
    """Check the package at ``path`` and stream its graph into the on-disk store at ``store_dir``.

    Neither the graph nor the tables' rows are held whole: the tables are checked without keeping their
    rows (:mod:`kg.package.table_stream`), then read again as the graph's quads go to Oxigraph's bulk
    loader in batches, while a fresh copy of the store is written beside the old one (see
    :mod:`kg.build.rebuild`). Raise if the package has violations; nothing is written then."""
    tell = progress or no_progress
    tell("checking", 0)
    concepts = load_concepts()
    with cycle_collector_paused():
        checked = _checked_package(path, concepts, streamed=True)
    graph = NamedNode(study_graph_iri(checked.descriptor.base, checked.descriptor.name))
    written = [0]

    def fill(store: Store) -> StoredStudy:
        with BulkFeed(store) as feed:

            def put(statements: list[Statement]) -> None:
                feed.put_statements(statements, graph)
                written[0] += len(statements)
                tell("building", written[0])

            streamed = stream_statements(checked, concepts, put)
            feed.put(streamed.regions)
        tell("compacting", written[0])
        return StoredStudy(checked, graph, streamed.triples, graph_class_counts(store, graph))

    return rebuild_store(store_dir, {graph}, fill)


def store_built(store_dir: Path, built: BuiltStudy, derived: Sequence[Quad] = ()) -> None:
    """What :func:`store_study` does, for an on-disk store rebuilt beside itself (bounded memory for the
    store's own writes, and a failed write leaves the store as it was)."""
    graphs = {built.result.graph} | {q.graph_name for q in derived if isinstance(q.graph_name, NamedNode)}

    def fill(store: Store) -> None:
        store.bulk_extend([*built.result.quads, *built.result.regions, *derived])

    rebuild_store(store_dir, graphs, fill)


def _warnings(checked: CheckedPackage) -> list[Problem]:
    return [p for p in checked.problems if p.severity is not Severity.VIOLATION]


def _checked_package(path: Path, concepts: ConceptIndex, streamed: bool = False) -> CheckedPackage:
    checked = check_path_streamed(path, concepts) if streamed else check_path(path, concepts)
    flagged = _imported_privacy_flags(checked)
    if flagged:
        checked = replace(checked, problems=[*checked.problems, *flagged])
    if not checked.ok:
        raise InvalidPackageError(path, sort_problems(checked.problems))
    return checked


def _imported_privacy_flags(checked: CheckedPackage) -> list[Problem]:
    """A violation for each imported RDF file that states a privacy flag: only the descriptor decides
    what a release may publish, and a release from a store reads the flags recorded in the graph."""
    flags = {
        str(ICGP.publicQuotes): "public_quotes",
        str(ICGP.publicResponses): "public_responses",
        str(ICGP.publicContacts): "public_contacts",
    }
    problems = []
    for name, triples in checked.imports.items():
        stated = sorted({flags[t.predicate.value] for t in triples if t.predicate.value in flags})
        for key in stated:
            problems.append(
                Problem(
                    Severity.VIOLATION,
                    "package.import",
                    f"{name} states the privacy flag of '{key}'; only the descriptor's '{key}' decides "
                    "what may be published: remove that statement from the imported file",
                    name,
                    value=key,
                )
            )
    return problems


def store_study(store: Store, built: BuiltStudy, derived: Sequence[Quad] = ()) -> None:
    """Load the ontology and vocabularies, then replace the study's graph and the graphs of ``derived``
    quads (such as its assessment), and nothing else; the study's regions are added to the shared
    regions graph, which keeps those of the other studies."""
    install_ontology(store)
    graphs = {built.result.graph} | {q.graph_name for q in derived if isinstance(q.graph_name, NamedNode)}
    replace_graphs(store, [*built.result.quads, *built.result.regions, *derived], graphs)


def write_graph(quads: list[Quad], output: Path | None, fmt: str) -> bytes | None:
    """Serialise a study graph in a stable order; write it atomically to ``output`` or return the bytes."""
    return write_quads(quads, output, fmt)
