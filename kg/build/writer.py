"""The quad writer the builder and its table writers share, and the source map it fills.

``GraphWriter`` adds quads to one named graph and records, for each resource, the file and line it came
from and, per file, which column fed each predicate; ``StudyIds`` derives every instance IRI from the
study id and the rows' own ids, so the same input always yields the same quads and no blank nodes.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Triple

from kg.ontology.namespaces import RDF, XSD

Term = NamedNode | Literal
Statement = tuple[NamedNode | BlankNode | Triple, NamedNode, NamedNode | BlankNode | Literal | Triple]
"""One triple of the graph as its three terms: making a pyoxigraph ``Quad`` costs microseconds, so the
writer holds plain tuples and makes quads only for a sink (or a caller) that wants them."""

_RDF_TYPE = str(RDF.type)
_XSD_INTEGER = NamedNode(str(XSD.integer))
_XSD_DATE_TIME = NamedNode(str(XSD.dateTime))


@dataclass
class SourceMap:
    """Where each built resource and value came from: file, line and column."""

    origins: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    columns: dict[tuple[str, str], str] = field(default_factory=dict)

    def locate(self, focus: str, path: str | None = None) -> tuple[str, int | None, str | None] | None:
        """Return (file, line, column) for a focus node and optional predicate, or None if not built here.

        The line is None for resources that came from an imported RDF file."""
        origin = self.origins.get(focus)
        if origin is None:
            return None
        file, line = origin
        column = self.columns.get((file, path)) if path is not None else None
        return file, line, column


StatementSink = Callable[[list[Statement]], None]
"""Takes the triples of a streamed build as term tuples, a batch at a time (see :data:`Statement`)."""


class GraphWriter:
    """Accumulates the triples of one graph, caching IRIs and remembering where values came from.

    With a ``sink`` the writer streams: every ``batch`` triples go to the sink (as :data:`Statement`
    tuples, in the graph's order) and are forgotten, and so are the cached IRIs, so that memory stays
    bounded whatever the size of the study. Without a sink they are kept as quads in ``quads``, complete
    after :meth:`flush`. Without a source map (``None``) nothing is recorded about origins, which also
    costs memory per resource."""

    def __init__(
        self,
        graph: str,
        source_map: SourceMap | None,
        sink: StatementSink | None = None,
        batch: int = 100_000,
    ) -> None:
        self.graph = NamedNode(graph)
        self.quads: list[Quad] = []
        self.source_map = source_map
        self.sink = sink
        self.batch = batch
        self.written = 0
        self._pending: list[Statement] = []
        self._nodes: dict[str, NamedNode] = {}
        self._file = ""
        self._line: int | None = 0

    def flush(self) -> None:
        """Hand the triples held so far to the sink, or without a sink add them to ``quads``."""
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        if self.sink is not None:
            self.written += len(pending)
            self.sink(pending)
            self._nodes.clear()
        else:
            graph = self.graph
            self.quads.extend([Quad(s, p, o, graph) for s, p, o in pending])

    @property
    def count(self) -> int:
        """Triples written so far, streamed or held."""
        return self.written + len(self.quads) + len(self._pending)

    def node(self, iri: str) -> NamedNode:
        """The node of an IRI, made once and reused."""
        found = self._nodes.get(iri)
        if found is None:
            found = self._nodes[iri] = NamedNode(iri)
        return found

    def at(self, file: str, line: int | None) -> None:
        """Set the file and line that the following resources come from."""
        self._file, self._line = file, line

    def subject(self, iri: str, *classes: str) -> NamedNode:
        """Start a resource, typing it and recording its origin."""
        node = self.node(iri)
        if self.source_map is not None:
            self.source_map.origins.setdefault(iri, (self._file, self._line))
        for cls in classes:
            self.add(node, _RDF_TYPE, self.node(cls))
        return node

    def add(self, s: NamedNode, p: str, o: Term, column: str | None = None) -> None:
        """Add one triple; the first column that feeds a predicate in a file is the one reported."""
        predicate = self._nodes.get(p) or self.node(p)  # node(), inlined: this runs for every triple
        pending = self._pending
        pending.append((s, predicate, o))
        if column is not None and self.source_map is not None:
            self.source_map.columns.setdefault((self._file, p), column)
        if len(pending) >= self.batch:
            self.flush()

    def append(self, statement: Statement) -> None:
        """Add a triple made elsewhere (an imported file's), as its three terms."""
        self._pending.append(statement)
        if len(self._pending) >= self.batch:
            self.flush()

    def iri(self, s: NamedNode, p: str, iri: str | None, column: str | None = None) -> None:
        """Link to an IRI, unless it is None or empty."""
        if iri:
            self.add(s, p, self.node(iri), column)

    def iris(self, s: NamedNode, p: str, iris: Iterable[str] | None, column: str | None = None) -> None:
        """Link to each IRI of a list (None is no link)."""
        for iri in iris or ():
            self.add(s, p, self.node(iri), column)

    def text(
        self, s: NamedNode, p: str, value: Any, column: str | None = None, lang: str | None = None
    ) -> None:
        """Add a plain or language-tagged string, unless the value is None or empty."""
        if value is None or value == "":
            return
        literal = Literal(str(value), language=lang) if lang else Literal(str(value))
        self.add(s, p, literal, column)

    def integer(self, s: NamedNode, p: str, value: Any, column: str | None = None) -> None:
        """Add an ``xsd:integer``, unless the value is None or empty."""
        if value is not None and value != "":
            self.add(s, p, Literal(str(int(value)), datatype=_XSD_INTEGER), column)

    def date(self, s: NamedNode, p: str, value: Any, column: str | None = None) -> None:
        """Add a date as an ``xsd:dateTime`` at the start of the day, without a timezone.

        OWL 2 has no ``xsd:date``; a midnight ``xsd:dateTime`` keeps the graph in OWL 2 DL and its first
        ten characters are still the date (``docs/ontology.md``, "Reasoning and OWL 2 DL")."""
        if isinstance(value, dt.datetime):
            self.add(s, p, Literal(value.isoformat(), datatype=_XSD_DATE_TIME), column)
        elif isinstance(value, dt.date):
            self.add(s, p, Literal(f"{value.isoformat()}T00:00:00", datatype=_XSD_DATE_TIME), column)


# What an IRI path may not hold (RFC 3987 and Oxigraph's parser): controls, space, the delimiters
# "<>[\\]^`{|}, private-use and non-characters, tag characters, and a '%' that starts no escape.
_NON_CHARACTERS = "".join(
    f"{chr(plane + 0xFFFE)}-{chr(plane + 0xFFFF)}" for plane in range(0x10000, 0xE0000, 0x10000)
)
_NOT_IN_IRI = re.compile(
    '[\x00-\x20"<>\\[-^`{-}\x7f-\x9f\ue000-\uf8ff\ufdd0-\ufdef\ufff0-\uffff'
    + _NON_CHARACTERS
    + "\U000dfffe-\U000e0fff\U000efffe-\U0010ffff]|%(?![0-9A-Fa-f]{2})"
)


# Bounded: the ids of one row recur in the next rows (an organisation in its memberships, adoptions and
# interactions), and a regular expression per id was a tenth of the build's time.
@functools.lru_cache(maxsize=1 << 16)
def iri_segment(text: str) -> str:
    """``text`` as it may stand in an IRI path: characters an IRI may not hold are percent-encoded
    (UTF-8); everything else, an id that is valid today included, is kept as it is."""
    return _NOT_IN_IRI.sub(lambda m: "".join(f"%{byte:02X}" for byte in m.group().encode("utf-8")), text)


class StudyIds:
    """Deterministic instance IRIs: ``{base}{study}/{kind}/{local id}``."""

    def __init__(self, base: str, study: str) -> None:
        self.prefix = f"{base}{study}/"

    def __call__(self, kind: str, *parts: str) -> str:
        # Ids come from table cells: a free-text one (a coder's pseudonym, say) may hold characters that
        # no IRI can, which would stop the build with a ValueError.
        if len(parts) == 1:  # most ids; without a generator, as this runs for a third of the quads
            return f"{self.prefix}{kind}/{iri_segment(parts[0])}"
        return f"{self.prefix}{kind}/{'/'.join(map(iri_segment, parts))}"


def slug(iri: str) -> str:
    """The last path segment of an IRI, e.g. the local name of a concept."""
    return iri.rstrip("/").rsplit("/", 1)[-1]
