"""Installing the ontology into a store rewrites only the graphs that differ from the bundled files."""

from __future__ import annotations

from typing import Any

from pyoxigraph import Literal, NamedNode, Quad, Store

from kg.build.store import ONTOLOGY_GRAPH, install_ontology, ontology_quads

WRITES = {"add", "extend", "bulk_extend", "update", "remove", "remove_graph", "clear_graph", "load"}


class Recording:
    """A store that records its write calls: the method's name, and for ``extend`` the number of quads."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.writes: list[str] = []
        self.extended: list[Quad] = []

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.store, name)
        if name not in WRITES:
            return attr

        def write(*args: Any, **kwargs: Any) -> Any:
            self.writes.append(name)
            if name == "extend":
                self.extended += list(args[0])
                return attr(self.extended, **kwargs)
            return attr(*args, **kwargs)

        return write


def test_a_store_holding_the_bundled_graphs_is_not_written() -> None:
    store = Store()
    install_ontology(store)
    recording = Recording(store)
    assert install_ontology(recording) == len(ontology_quads())  # type: ignore[arg-type]
    # The ontology graph is full of blank nodes (restrictions, lists) and still counts as the same.
    assert any(
        q.subject.__class__.__name__ == "BlankNode"
        for q in store.quads_for_pattern(None, None, None, ONTOLOGY_GRAPH)
    )
    assert recording.writes == []


def test_only_a_graph_that_differs_is_replaced_and_comes_back_whole() -> None:
    store = Store()
    install_ontology(store)
    polarity = NamedNode("https://w3id.org/icgp/vocab/polarity")
    before = {
        graph: len(list(store.quads_for_pattern(None, None, None, graph))) for graph in store.named_graphs()
    }
    stray = Quad(
        NamedNode("https://example.org/stray"), NamedNode("https://example.org/p"), Literal("x"), polarity
    )
    store.add(stray)
    recording = Recording(store)
    install_ontology(recording)  # type: ignore[arg-type]
    assert recording.writes == ["extend", "update"]  # staged once, moved once
    bundled = [q for q in ontology_quads() if q.graph_name == polarity]
    assert len(recording.extended) == len(bundled) > 0  # only the polarity vocabulary was staged
    assert stray not in store
    after = {
        graph: len(list(store.quads_for_pattern(None, None, None, graph))) for graph in store.named_graphs()
    }
    assert after == before
