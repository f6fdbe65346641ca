"""The embedded Oxigraph store: opening it, loading the ontology and vocabularies, replacing a graph.

Each study is one named graph; the ontology and each vocabulary scheme live in graphs of their own,
so any of them can be replaced without touching the others.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from pathlib import Path

from pyoxigraph import (
    CanonicalizationAlgorithm,
    Dataset,
    DefaultGraph,
    NamedNode,
    Quad,
    QuerySolutions,
    RdfFormat,
    Store,
)

from kg.errors import InputError
from kg.files import FileStamp, file_stamp
from kg.ontology import resources
from kg.ontology.namespaces import ONTOLOGY_IRI, RDF, VOCAB_BASE

ONTOLOGY_GRAPH = NamedNode(ONTOLOGY_IRI)


def open_store(path: Path | None = None) -> Store:
    """Open the on-disk store at ``path`` (created if missing), or a fresh in-memory store."""
    if path is None:
        return Store()
    if path.exists() and not path.is_dir():
        raise InputError(f"store path {path} is a file; give a folder for the on-disk store")
    try:
        return Store(str(path))
    except OSError as exc:
        raise InputError(f"cannot open the store at {path}: {exc}") from exc


def settle_store(store: Store) -> None:
    """Write everything a writer left in memory and in the write-ahead log out to the store's files.

    Without it an on-disk store ends as a large log that every later read-only open replays (minutes for a
    million triples); after it, the first read-only open is as fast as the hundredth."""
    try:
        store.flush()
        store.optimize()
    except OSError as exc:
        # The graphs are already committed: only the compaction failed, so nothing is lost.
        raise InputError(
            f"the store was written but could not be compacted ({exc}); free disk space and build again"
        ) from exc


def graph_class_counts(store: Store, graph: NamedNode) -> dict[str, int]:
    """Resources per class in one graph of a store: distinct subjects of each ``rdf:type``, as
    :func:`kg.build.builder.class_counts` counts them in a list of quads (a store holds each quad once,
    so counting the typing quads of one graph counts distinct subjects)."""
    # Counted by Oxigraph: reading the typing quads into Python took 12 s at ten million triples, this 3 s.
    answer = store.query(
        f"SELECT ?class (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s <{RDF.type}> ?class }} "
        "FILTER(isIRI(?class)) } GROUP BY ?class"
    )
    assert isinstance(answer, QuerySolutions)
    return {row["class"].value: int(row["n"].value) for row in answer}


def vocabulary_graph(vocab_file: Path) -> NamedNode:
    """Name of the graph holding one vocabulary file: the IRI of its concept scheme."""
    return NamedNode(VOCAB_BASE + vocab_file.stem)


def ontology_quads() -> list[Quad]:
    """The ontology, its alignments and every vocabulary as quads in their own graphs."""
    sources = [(resources.ontology_file(), ONTOLOGY_GRAPH), (resources.alignments_file(), ONTOLOGY_GRAPH)]
    sources += [(path, vocabulary_graph(path)) for path in resources.vocabulary_files()]
    # Every build, release and validation asks for these 25,000 quads; parse the files again only when
    # one of them changed (keyed by the files' identity and times).
    signature = tuple((file_stamp(path), graph.value) for path, graph in sources)
    return list(_parsed_ontology(signature))


@functools.lru_cache(maxsize=1)
def _parsed_ontology(signature: tuple[tuple[FileStamp, str], ...]) -> tuple[Quad, ...]:
    staging = Store()
    for (path, _, _), graph in signature:
        staging.load(path=path, format=RdfFormat.TURTLE, to_graph=NamedNode(graph))
    return tuple(staging.quads_for_pattern(None, None, None, None))


STAGING_PREFIX = "urn:icgp:staging:"
"""Graphs named with this prefix hold new quads until they replace their graph; never data of their own."""


def _staging(graph: NamedNode | DefaultGraph) -> NamedNode:
    return NamedNode(STAGING_PREFIX + ("default" if isinstance(graph, DefaultGraph) else graph.value))


def _target(graph: NamedNode | DefaultGraph) -> str:
    return "DEFAULT" if isinstance(graph, DefaultGraph) else f"GRAPH {graph}"


def replace_graphs(store: Store, quads: Sequence[Quad], graphs: Iterable[NamedNode]) -> None:
    """Replace ``graphs`` by ``quads`` (built completely beforehand); quads of other graphs are added.

    Two transactions, so that a kill, a full disk or any write error leaves every graph either as it was
    or completely replaced: the quads first go into staging graphs of their own, then one SPARQL update
    moves each of them onto its graph. Raises ``InputError`` when the store cannot be written."""
    replaced = set(graphs)
    staged: dict[NamedNode | DefaultGraph, NamedNode] = {}
    for quad in quads:
        graph = quad.graph_name
        if isinstance(graph, (NamedNode, DefaultGraph)) and graph not in staged:
            staged[graph] = _staging(graph)
    operations = [
        f"MOVE SILENT GRAPH {staged[g]} TO {_target(g)}" if g in staged else f"DROP SILENT GRAPH {g}"
        for g in replaced
    ]
    for graph, staging in staged.items():
        if not isinstance(graph, NamedNode) or graph not in replaced:
            operations += [f"ADD SILENT GRAPH {staging} TO {_target(graph)}", f"DROP SILENT GRAPH {staging}"]
    try:
        # Staging graphs left by an interrupted build are not data: clear them before reusing the names.
        leftovers = [g for g in store.named_graphs() if g.value.startswith(STAGING_PREFIX)]
        if leftovers:
            store.update("; ".join(f"DROP SILENT GRAPH {g}" for g in leftovers))
        store.extend(
            Quad(q.subject, q.predicate, q.object, staged[q.graph_name])
            if isinstance(q.graph_name, (NamedNode, DefaultGraph))
            else q
            for q in quads
        )
        if operations:
            store.update("; ".join(operations))
    except OSError as exc:
        raise InputError(
            f"the store could not be written ({exc}); its graphs are as they were before. "
            "Free disk space or check the store folder, then build again"
        ) from exc


def _holds_exactly(store: Store, graph: NamedNode, quads: Sequence[Quad]) -> bool:
    """True when ``graph`` in ``store`` holds ``quads`` and nothing else, blank node labels aside."""
    stored = list(store.quads_for_pattern(None, None, None, graph))
    if len(stored) != len(quads):
        return False
    wanted, found = Dataset(quads), Dataset(stored)
    # The same file loaded twice gets fresh blank node labels: compare canonical forms (RDFC-1.0).
    for dataset in (wanted, found):
        dataset.canonicalize(CanonicalizationAlgorithm.RDFC_1_0)
    return set(wanted) == set(found)


def install_ontology(store: Store) -> int:
    """Load the bundled ontology and vocabularies into their graphs; return the number of their quads.

    A graph that already holds exactly the bundled content is left alone, so rebuilding a study into a
    store does not rewrite some 25,000 unchanged quads; any other graph is replaced whole."""
    quads = ontology_quads()
    by_graph: dict[NamedNode, list[Quad]] = {}
    for quad in quads:
        if isinstance(quad.graph_name, NamedNode):
            by_graph.setdefault(quad.graph_name, []).append(quad)
    stale = {graph for graph, content in by_graph.items() if not _holds_exactly(store, graph, content)}
    if stale:
        replace_graphs(store, [q for q in quads if q.graph_name in stale], stale)
    return len(quads)
