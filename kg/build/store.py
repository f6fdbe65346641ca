"""The embedded Oxigraph store: opening it, loading the ontology and vocabularies, replacing a graph.

Each study is one named graph; the ontology and each vocabulary scheme live in graphs of their own,
so any of them can be replaced without touching the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from pyoxigraph import NamedNode, Quad, RdfFormat, Store

from kg.errors import InputError
from kg.ontology import resources
from kg.ontology.namespaces import ONTOLOGY_IRI, VOCAB_BASE

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
    store.flush()
    store.optimize()


def vocabulary_graph(vocab_file: Path) -> NamedNode:
    """Name of the graph holding one vocabulary file: the IRI of its concept scheme."""
    return NamedNode(VOCAB_BASE + vocab_file.stem)


def ontology_quads() -> list[Quad]:
    """The ontology, its alignments and every vocabulary as quads in their own graphs."""
    sources: list[tuple[Path, NamedNode]] = [
        (resources.ontology_file(), ONTOLOGY_GRAPH),
        (resources.alignments_file(), ONTOLOGY_GRAPH),
    ]
    sources += [(path, vocabulary_graph(path)) for path in resources.vocabulary_files()]
    staging = Store()
    for path, graph in sources:
        staging.load(path=str(path), format=RdfFormat.TURTLE, to_graph=graph)
    return list(staging.quads_for_pattern(None, None, None, None))


def replace_graphs(store: Store, quads: Sequence[Quad], graphs: Iterable[NamedNode]) -> None:
    """Drop ``graphs`` from the store and add ``quads`` (built completely beforehand)."""
    for graph in graphs:
        if store.contains_named_graph(graph):
            store.remove_graph(graph)
    store.extend(quads)


def install_ontology(store: Store) -> int:
    """(Re)load the bundled ontology and vocabularies into their graphs; return the number of quads."""
    quads = ontology_quads()
    replace_graphs(
        store, quads, {quad.graph_name for quad in quads if isinstance(quad.graph_name, NamedNode)}
    )
    return len(quads)
