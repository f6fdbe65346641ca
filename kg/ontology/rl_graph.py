"""What owlrl's OWL 2 RL closure runs on: an rdflib graph with plain indexes, and namespaces without checks.

owlrl applies every rule to every triple in each cycle, so on a study graph it looks triples up millions
of times. Profiled on the sample study, a third of the time went to rdflib's Memory store keeping track
of named graphs (a single graph has none) and a sixth to rdflib's checked namespaces (each ``OWL.sameAs``
in a rule is a method call that validates the name). :class:`IndexedGraph` answers the same lookups from
three dictionaries, and :func:`plain_namespaces` swaps owlrl's namespace objects for ones whose terms
are plain attributes; neither changes a single derived triple.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS
from rdflib.term import Node

from kg.ontology.namespaces import PlainTerms

_Triple = tuple[Node, Node, Node]
_Pattern = tuple[Node | None, Node | None, Node | None]
_Index = dict[Node, dict[Node, set[Node]]]
_LOCK = threading.RLock()


def _put(index: _Index, a: Node, b: Node, c: Node) -> bool:
    inner = index.setdefault(a, {})
    values = inner.setdefault(b, set())
    if c in values:
        return False
    values.add(c)
    return True


def _drop(index: _Index, a: Node, b: Node, c: Node) -> None:
    inner = index[a]
    values = inner[b]
    values.discard(c)
    if not values:
        del inner[b]
        if not inner:
            del index[a]


class IndexedGraph(Graph):
    """An rdflib graph kept in subject, predicate and object indexes (one graph, no contexts).

    Lookups, additions and removals go through the indexes; every other rdflib method is built on
    those. Triples are listed from a copy, so rules may add to the graph while they read it."""

    def __init__(self, triples: Iterable[_Triple] = ()) -> None:
        super().__init__()
        self._spo: _Index = {}
        self._pos: _Index = {}
        self._osp: _Index = {}
        self._size = 0
        for triple in triples:
            self.add(triple)

    def add(self, triple: _Triple) -> IndexedGraph:
        """Add one triple (nothing happens when it is there already)."""
        s, p, o = triple
        if _put(self._spo, s, p, o):
            _put(self._pos, p, o, s)
            _put(self._osp, o, s, p)
            self._size += 1
        return self

    def addN(self, quads: Iterable[tuple[Node, Node, Node, Any]]) -> IndexedGraph:  # noqa: N802
        """Add the triples of ``quads`` (their graph is ignored: this graph is the only one)."""
        for s, p, o, _ in quads:
            self.add((s, p, o))
        return self

    def remove(self, triple: _Pattern) -> IndexedGraph:
        """Remove every triple matching ``triple`` (``None`` matches anything)."""
        for s, p, o in list(self.triples(triple)):
            _drop(self._spo, s, p, o)
            _drop(self._pos, p, o, s)
            _drop(self._osp, o, s, p)
            self._size -= 1
        return self

    def __len__(self) -> int:
        return self._size

    def __contains__(self, triple: object) -> bool:
        if not isinstance(triple, tuple) or len(triple) != 3:
            return False
        s, p, o = triple
        if s is not None and p is not None and o is not None:
            return o in self._spo.get(s, {}).get(p, ())
        return any(True for _ in self.triples(triple))

    def triples(self, triple: _Pattern) -> Iterator[_Triple]:  # type: ignore[override]
        """The triples matching the pattern (``None`` matches anything)."""
        s, p, o = triple
        if s is not None:
            by_p = self._spo.get(s)
            if not by_p:
                return
            if p is not None:
                objects = by_p.get(p, ())
                if o is not None:
                    if o in objects:
                        yield s, p, o
                    return
                for obj in list(objects):
                    yield s, p, obj
                return
            if o is not None:
                for pred in list(self._osp.get(o, {}).get(s, ())):
                    yield s, pred, o
                return
            for pred, objects in list(by_p.items()):
                for obj in list(objects):
                    yield s, pred, obj
            return
        if p is not None:
            by_o = self._pos.get(p)
            if not by_o:
                return
            if o is not None:
                for subj in list(by_o.get(o, ())):
                    yield subj, p, o
                return
            for obj, subjects in list(by_o.items()):
                for subj in list(subjects):
                    yield subj, p, obj
            return
        if o is not None:
            for subj, preds in list(self._osp.get(o, {}).items()):
                for pred in list(preds):
                    yield subj, pred, o
            return
        everything = [(a, b, c) for a, by_p in self._spo.items() for b, cs in by_p.items() for c in cs]
        yield from everything


@contextmanager
def plain_namespaces(graph: IndexedGraph | None = None) -> Iterator[None]:
    """Inside the block, owlrl's rule modules read OWL, RDF and RDFS terms as plain attributes.

    With ``graph``, a term the graph holds is read as the graph's own object: the rules' lookups then
    find it in the indexes by identity, without rdflib's ``==`` (Python code) on every hit.
    The swap is process-wide for the time of the block, so the block holds a lock."""
    import owlrl.Closure
    import owlrl.OWLRL

    swaps = [(module, name) for module in (owlrl.OWLRL, owlrl.Closure) for name in ("OWL", "RDF", "RDFS")]
    held = _vocabulary_terms(graph) if graph is not None else []
    with _LOCK:
        saved = [(module, name, module.__dict__[name]) for module, name in swaps if name in module.__dict__]
        try:
            for module, name, namespace in saved:
                plain = PlainTerms(namespace)
                prefix = str(namespace)
                for term in held:
                    local = term[len(prefix) :]
                    if term.startswith(prefix) and local.isidentifier() and not local.startswith("_"):
                        setattr(plain, local, term)
                setattr(module, name, plain)
            yield
        finally:
            for module, name, namespace in saved:
                setattr(module, name, namespace)


def _vocabulary_terms(graph: IndexedGraph) -> list[URIRef]:
    """The OWL, RDF and RDFS IRIs ``graph`` holds, as the graph's own objects."""
    namespaces = (str(OWL), str(RDF), str(RDFS))
    nodes = {*graph._spo, *graph._pos, *graph._osp}
    return [node for node in nodes if isinstance(node, URIRef) and str.startswith(node, namespaces)]
