"""SHACL validation behind one small interface, with the engine chosen by measurement.

Two engines return the same typed results (:class:`ShaclResult`):

``fast`` (the default)
    SHACL Core constraints run in shacl-rust (``experimental_index``), a Rust validator that returned
    pySHACL's exact results many times faster (``benchmarks/README.md``). shacl-rust evaluates
    SPARQL-based constraints once per focus node, which dominated its run time on study graphs, and
    ignores them on property shapes; so the ``sh:sparql`` constraints run here instead (while
    shacl-rust runs in a thread), each as one query over the whole graph in Oxigraph, keeping the rows
    whose ``$this`` is a focus node of the shape. That equals SHACL's pre-binding for queries that bind
    ``$this`` in a triple pattern outside negation and sub-queries, which is how the shapes in
    ``shapes/`` are written; the tests run every shape fixture through both engines and compare the
    results.
``pyshacl``
    pySHACL, the reference implementation (slow on large graphs; inference none).

Results carry the focus node, the result path (when it is a single predicate), the value, the
constraint component, the severity, the source shape and the shape's ``sh:message``. Only top-level
``sh:result`` entries count (pySHACL's nested ``sh:detail`` results are left out).
"""

from __future__ import annotations

import io
import queue
import re
import tempfile
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, BinaryIO, cast

from pyoxigraph import BlankNode, Literal, NamedNode, Quad, QuerySolutions, RdfFormat, Store, Triple, parse
from pyoxigraph import serialize as ox_serialize

from kg.errors import InputError
from kg.ontology import resources
from kg.problems import Severity
from kg.validation.query_reuse import queries_parsed_once

SH = "http://www.w3.org/ns/shacl#"
ENGINES = ("fast", "pyshacl")
DEFAULT_ENGINE = "fast"

_SEVERITIES = {
    SH + "Violation": Severity.VIOLATION,
    SH + "Warning": Severity.WARNING,
    SH + "Info": Severity.INFO,
}
_TARGETS = {
    SH + "targetClass": "?this <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>/"
    "<http://www.w3.org/2000/01/rdf-schema#subClassOf>* {term} .",
    SH + "targetSubjectsOf": "?this {term} ?any .",
    SH + "targetObjectsOf": "?any {term} ?this .",
}
_THIS = re.compile(r"\$this\b")
_WHERE = re.compile(r"\bWHERE\s*\{", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class ShaclResult:
    """One top-level SHACL validation result, engine-independent.

    ``focus`` and ``shape`` are IRIs (or ``_:label`` for blank nodes), ``path`` the IRI of the result
    path when it is a single predicate, ``value`` the IRI or the lexical form of the value node.
    """

    focus: str
    path: str | None
    value: str | None
    component: str
    severity: Severity
    shape: str
    message: str
    value_term: str | None = None
    """The value in N-Triples syntax (keeps the datatype for the Turtle report)."""

    def key(self) -> tuple[str, str, str, str, str]:
        """What two engines must agree on: focus node, path, constraint component, severity, shape."""
        return (self.focus, self.path or "", self.component, self.severity.value, self.shape)


@dataclass(frozen=True)
class _SparqlRule:
    """A shape's SPARQL-based constraint, ready to run as one query over the whole graph."""

    shape: str
    query: str
    targets: str
    severity: Severity
    message: str
    path: str | None
    focus_join: str = ""
    """The sub-select of the focus nodes that ``query`` starts with ("" if it could not be put in)."""


@dataclass
class Shapes:
    """Parsed shapes: the files (for pySHACL), the Core shapes for shacl-rust, messages and SPARQL rules."""

    files: list[Path]
    core_ntriples: str
    messages: dict[str, str] = field(default_factory=dict)
    severities: dict[str, Severity] = field(default_factory=dict)
    rules: list[_SparqlRule] = field(default_factory=list)


def _term(node: object) -> str:
    """An RDF term as report text: the IRI, ``_:label`` for blank nodes, the lexical form of literals."""
    if isinstance(node, NamedNode | Literal):
        return node.value
    if isinstance(node, BlankNode):
        return f"_:{node.value}"
    return str(node)


def load_shapes(paths: Sequence[Path] | None = None) -> Shapes:
    """Read shapes files (default: the bundled ``shapes/*.ttl``) and prepare them for both engines."""
    files = list(paths) if paths is not None else resources.shape_files()
    store = Store()
    for path in files:
        text = path.read_text(encoding="utf-8")
        try:
            store.load(text.encode("utf-8"), format=RdfFormat.TURTLE, base_iri=path.resolve().as_uri())
        except SyntaxError as exc:
            raise InputError(f"{path} is not valid Turtle ({exc}); fix the shapes file") from exc
    triples = [q.triple for q in store.quads_for_pattern(None, None, None, None)]
    shapes = Shapes(files, "")
    sparql = NamedNode(SH + "sparql")
    constraint_nodes: set[str] = set()
    for triple in triples:
        subject, predicate, obj = _term(triple.subject), triple.predicate.value, triple.object
        if predicate == SH + "message" and isinstance(obj, Literal) and obj.language in (None, "en"):
            shapes.messages[subject] = obj.value
        elif predicate == SH + "severity" and isinstance(obj, NamedNode) and obj.value in _SEVERITIES:
            shapes.severities[subject] = _SEVERITIES[obj.value]
        elif triple.predicate == sparql:
            constraint_nodes.add(_term(obj))
    shapes.rules = _sparql_rules(store)
    # shacl-rust gets every shape except the SPARQL constraints, which run as whole-graph queries.
    core = [t for t in triples if t.predicate != sparql and _term(t.subject) not in constraint_nodes]
    shapes.core_ntriples = _ntriples(core).decode("utf-8")
    return shapes


def _sparql_rules(store: Store) -> list[_SparqlRule]:
    """One rule per SPARQL-based constraint: its query with ``$this`` free, and its shape's targets."""
    rows = store.query(
        f"""PREFIX sh: <{SH}>
        SELECT ?shape ?constraint ?select ?severity ?message ?cmessage ?path ?prefixes WHERE {{
            ?shape sh:sparql ?constraint .
            ?constraint sh:select ?select .
            FILTER NOT EXISTS {{ ?shape sh:deactivated true }}
            FILTER NOT EXISTS {{ ?constraint sh:deactivated true }}
            OPTIONAL {{ ?shape sh:severity ?severity }}
            OPTIONAL {{ ?shape sh:message ?message }}
            OPTIONAL {{ ?constraint sh:message ?cmessage }}
            OPTIONAL {{ ?shape sh:path ?path FILTER (isIRI(?path)) }}
            OPTIONAL {{ ?constraint sh:prefixes ?prefixes }}
        }} ORDER BY ?shape ?constraint"""
    )
    assert isinstance(rows, QuerySolutions)
    rules = []
    for row in rows:
        shape_node, prefixes_node = row["shape"], row["prefixes"]
        declarations = ""
        if prefixes_node is not None:
            declared = store.query(
                f"PREFIX sh: <{SH}> PREFIX owl: <http://www.w3.org/2002/07/owl#> "
                f"SELECT ?prefix ?namespace WHERE {{ {prefixes_node} owl:imports*/sh:declare ?d . "
                "?d sh:prefix ?prefix ; sh:namespace ?namespace }"
            )
            assert isinstance(declared, QuerySolutions)
            declarations = "".join(
                f"PREFIX {_term(d['prefix'])}: <{_term(d['namespace'])}>\n" for d in declared
            )
        path = row["path"]
        query = _THIS.sub("?this", _term(row["select"]))
        if path is not None:
            query = query.replace("$PATH", f"<{_term(path)}>")
        targets = []
        for predicate, pattern in _TARGETS.items():
            found = store.query(f"SELECT ?t WHERE {{ {shape_node} <{predicate}> ?t }}")
            assert isinstance(found, QuerySolutions)
            targets += [pattern.format(term=str(t["t"])) for t in found]
        nodes = store.query(f"SELECT ?t WHERE {{ {shape_node} <{SH}targetNode> ?t }}")
        assert isinstance(nodes, QuerySolutions)
        targets += [f"VALUES ?this {{ {t['t']} }}" for t in nodes]
        severity = row["severity"]
        message = row["cmessage"] or row["message"]
        target_union = " UNION ".join(f"{{ {t} }}" for t in targets)
        if not target_union:
            # shacl-rust skips SPARQL constraints reached only through sh:property or sh:node, and so would
            # this runner; refuse such shapes rather than let the fast engine miss their results.
            raise ValueError(
                f"shape {_term(shape_node)} has a SPARQL constraint but no target of its own; give it "
                "sh:targetClass, sh:targetNode, sh:targetSubjectsOf or sh:targetObjectsOf"
            )
        # Join the focus nodes in first, so that Oxigraph starts from them instead of the whole graph.
        start = f"\n{{ SELECT DISTINCT ?this WHERE {{ {target_union} }} }}"
        where = _WHERE.search(query)
        if where is not None:
            query = query[: where.end()] + start + query[where.end() :]
        else:
            start = ""
        rules.append(
            _SparqlRule(
                shape=_term(shape_node),
                query=declarations + query,
                targets=target_union,
                severity=_SEVERITIES.get(_term(severity), Severity.VIOLATION)
                if severity
                else Severity.VIOLATION,
                message=_term(message) if message is not None else "",
                path=_term(path) if path is not None else None,
                focus_join=start,
            )
        )
    return rules


def _ntriples(triples: Iterable[Triple]) -> bytes:
    data = ox_serialize(triples, format=RdfFormat.N_TRIPLES)
    assert data is not None  # no output stream given, so the bytes are returned
    return data


class _StoreLoader:
    """Loads N-Triples into an Oxigraph store in a thread, a chunk per ``load`` call, as they are written.

    ``Store.load`` releases the GIL, so the store fills on the second core while Python maps the rows. Each
    call gives blank nodes fresh labels, so a blank node must not span calls: the first chunk (the
    ontology) may hold blank nodes; the first later chunk that holds any starts a tail that is loaded in
    one call from the file at the end; if a label of the tail also occurs in the first chunk (or one of
    them is written with an unusual label), the whole file is loaded again in one call, as without the
    loader. Errors are kept and raised by :meth:`finish`, so that ``validate`` still ranks them as before.
    """

    # A few chunks (of 100,000 triples in a build) wait at most: memory stays bounded.
    _QUEUED = 3

    def __init__(self) -> None:
        self.store = Store()
        self._queue: queue.Queue[bytes | None] = queue.Queue(maxsize=self._QUEUED)
        self._error: BaseException | None = None
        self._chunks = 0
        self._labels: set[bytes] = set()
        """Blank node labels of the chunks loaded one by one (only the first may have any)."""
        self._tail_from: int | None = None
        self._whole = False
        self._thread = threading.Thread(target=self._run, name="oxigraph-load", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (chunk := self._queue.get()) is not None:
            if self._error is None:
                try:
                    self.store.load(chunk, format=RdfFormat.N_TRIPLES, lenient=True)
                except BaseException as exc:  # raised in the caller's thread by finish()
                    self._error = exc

    def feed(self, chunk: bytes, offset: int) -> None:
        """Take the chunk written at ``offset`` of the file."""
        if not chunk or self._whole or self._error is not None:
            return
        blank = b"_:" in chunk
        if self._tail_from is not None:
            if blank and not self._labels.isdisjoint(_blank_labels(chunk)):
                self._whole = True
            return
        if blank:
            labels = _blank_labels(chunk)
            if self._chunks:
                self._tail_from = offset
                self._whole = not self._labels.isdisjoint(labels)
                return
            self._labels = labels
        self._chunks += 1
        self._queue.put(chunk)

    def stop(self) -> None:
        """Let the thread end (after the chunks it holds)."""
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join()

    def finish(self, path: str) -> Store:
        """The store with the whole file in it, or the loader's error."""
        self.stop()
        if self._error is not None:
            raise self._error
        if self._whole:
            self.store = Store()  # the partial store goes before the whole file is loaded
            self.store.load(path=path, format=RdfFormat.N_TRIPLES, lenient=True)
        elif self._tail_from is not None:
            with open(path, "rb") as file:
                file.seek(self._tail_from)
                self.store.load(file, format=RdfFormat.N_TRIPLES, lenient=True)
        return self.store


_BLANK_LABEL = re.compile(rb"_:(\S+)")


def _blank_labels(chunk: bytes) -> set[bytes]:
    """The labels after ``_:`` in ``chunk`` (text in literals too: a label too many is only slower)."""
    # N-Triples labels cannot end in a dot, so one right after a label ends the triple.
    return {label.rstrip(b".") for label in _BLANK_LABEL.findall(chunk)}


# This process's open files by descriptor (Linux): a file without a name is opened by path here.
_OPEN_FILES = Path("/proc/self/fd")


class DataGraph:
    """The graph to validate (all in one graph), written as N-Triples to a temporary file as it comes.

    Nothing holds the whole graph in Python: shacl-rust streams the file, and the Oxigraph store that the
    SPARQL-based rules need is loaded from it (shacl-rust's index is a fifth of the store's size). With
    ``preload`` the store is loaded in a thread while the triples are added (see :class:`_StoreLoader`),
    so that the fast engine finds it ready; call :meth:`close` when the graph may be dropped unvalidated.
    """

    def __init__(self, triples: Iterable[Triple] = (), preload: bool = False) -> None:
        # shacl-rust and Oxigraph read it by path, each with its own handle and without the GIL. On Linux
        # the file has no name (it goes with the process, even one killed), and they open it through
        # /proc; elsewhere it is a named temporary file.
        self._file: IO[bytes]
        if _OPEN_FILES.is_dir():
            self._file = tempfile.TemporaryFile(suffix=".nt")  # noqa: SIM115 (lives as long as the graph)
            self._path = f"{_OPEN_FILES}/{self._file.fileno()}"
        else:
            named = tempfile.NamedTemporaryFile(suffix=".nt")  # noqa: SIM115 (lives as long as the graph)
            self._file, self._path = named, named.name
        self._store: Store | None = None
        self._loader = _StoreLoader() if preload else None
        self.size = 0
        """Triples written (a triple given twice counts twice)."""
        self.add(triples)

    def add(self, triples: Iterable[Triple]) -> None:
        """Append triples (before the first validation)."""
        listed = list(triples)
        self._write(_ntriples(listed))
        self.size += len(listed)

    def add_statements(self, statements: Iterable[tuple[object, object, object]]) -> None:
        """Append triples given as their three pyoxigraph terms (before the first validation).

        A term's ``str`` is its N-Triples form, the very text the serialiser writes, so this gives the
        bytes of :meth:`add` without making a ``Triple`` for each."""
        listed = statements if isinstance(statements, list) else list(statements)
        self._write("".join([f"{s} {p} {o} .\n" for s, p, o in listed]).encode("utf-8"))
        self.size += len(listed)

    def _write(self, chunk: bytes) -> None:
        if self._loader is not None:
            self._loader.feed(chunk, self._file.tell())
        self._file.write(chunk)

    def close(self) -> None:
        """Stop the loading thread, if any, and delete the file; the graph cannot be used after."""
        loader, self._loader = self._loader, None
        if loader is not None:
            loader.stop()
        self._file.close()

    @property
    def path(self) -> str:
        """The N-Triples file, written out (before the first validation); a path that this process alone
        can open (see the constructor)."""
        self._file.flush()
        return self._path

    def reader(self) -> BinaryIO:
        """The N-Triples, read from the start."""
        self._file.flush()
        self._file.seek(0)
        return cast(BinaryIO, self._file)

    @property
    def ntriples(self) -> bytes:
        """The whole graph as N-Triples bytes (for pySHACL, which parses text)."""
        return self.reader().read()

    @property
    def store(self) -> Store:
        """The graph in an Oxigraph store, loaded on first use (or in a thread as it was written)."""
        if self._store is None:
            loader, self._loader = self._loader, None
            if loader is not None:
                self._store = loader.finish(self.path)
            else:
                self._store = Store()
                # Not bulk_load: into a store in memory, load was a tenth faster and peaked 30 % lower
                # (1M). Lenient: the file holds only terms pyoxigraph itself wrote (or parsed and
                # checked), so checking every IRI again is wasted; it took a third of the load's CPU at 1M.
                self._store.load(path=self.path, format=RdfFormat.N_TRIPLES, lenient=True)
        return self._store

    @classmethod
    def from_quads(cls, quads: Iterable[Quad]) -> DataGraph:
        """Merge quads of any graphs into one data graph."""
        return cls(q.triple for q in quads)


def validate(data: DataGraph, shapes: Shapes, engine: str = DEFAULT_ENGINE) -> list[ShaclResult]:
    """Validate ``data`` against ``shapes`` (no inference) and return every top-level result."""
    if engine == "fast":
        results = _validate_fast(data, shapes)
    elif engine == "pyshacl":
        results = _validate_pyshacl(data, shapes)
    else:
        raise InputError(f"unknown SHACL engine {engine!r}; choose one of {', '.join(ENGINES)}")
    return sorted(set(results), key=lambda r: (*r.key(), r.value or ""))


def _make(
    shapes: Shapes,
    focus: str,
    path: str | None,
    value: object,
    component: str,
    shape: str,
    severity: Severity | None = None,
) -> ShaclResult:
    return ShaclResult(
        focus=focus,
        path=path,
        value=None if value is None else _term(value),
        component=component,
        severity=severity or shapes.severities.get(shape, Severity.VIOLATION),
        shape=shape,
        message=shapes.messages.get(shape, ""),
        value_term=None if value is None else str(value),
    )


def _nt_term(text: str | None) -> object:
    """Parse one N-Triples term as shacl-rust reports it (``<iri>``, ``"lexical"^^<dt>``, ``_:b``)."""
    if text is None:
        return None
    if text.startswith("_:"):
        return BlankNode(text[2:])
    triple = next(iter(parse(f"<urn:s> <urn:p> {text} .".encode(), format=RdfFormat.N_TRIPLES)))
    return triple.object


def _validate_fast(data: DataGraph, shapes: Shapes) -> list[ShaclResult]:
    """shacl-rust in a thread while Oxigraph loads the graph and runs the SPARQL-based rules.

    Both engines are native code that releases the GIL while it parses and validates, so with a second
    core free the Core shapes take no wall time of their own; the price is that shacl-rust's index (a
    fifth of the store's size) is held beside the store. When both fail, shacl-rust's error is the one
    raised, as when it ran first."""
    core: list[ShaclResult] = []
    failed: list[BaseException] = []

    def run_core() -> None:
        try:
            core.extend(_validate_core_rust(data, shapes))
        except BaseException as exc:  # handed to the caller's thread below
            failed.append(exc)

    thread = threading.Thread(target=run_core, name="shacl-rust", daemon=True)
    thread.start()
    try:
        sparql = _validate_sparql(data, shapes)
    except Exception:
        thread.join()
        if failed:
            raise failed[0] from None
        raise
    thread.join()
    if failed:
        raise failed[0]
    return core + sparql


def _validate_core_rust(data: DataGraph, shapes: Shapes) -> list[ShaclResult]:
    import shacl_rust  # type: ignore[import-untyped]

    report = shacl_rust.validate_file(
        data.path,
        io.BytesIO(shapes.core_ntriples.encode("utf-8")),
        data_format="nt",
        shapes_format="nt",
        experimental_index=True,
    )
    results = []
    for item in report["results"]:
        path = _nt_term(item.get("resultPath"))
        value = _nt_term(item.get("value"))
        shape = _term(_nt_term(item["sourceShape"]))
        results.append(
            _make(
                shapes,
                _term(_nt_term(item["focusNode"])),
                path.value if isinstance(path, NamedNode) else None,
                value,
                _term(_nt_term(item["sourceConstraintComponent"])),
                shape,
                _SEVERITIES.get(_term(_nt_term(item["severity"]))),
            )
        )
    return results


def _validate_sparql(data: DataGraph, shapes: Shapes) -> list[ShaclResult]:
    results = []
    # Rules of one shape share their targets: their focus nodes are looked up once.
    focus_sets: dict[str, _Focus] = {}
    for rule in shapes.rules:
        found = focus_sets.get(rule.targets)
        if found is None:
            found = focus_sets[rule.targets] = _focus_nodes(data, rule.targets)
        if not found.count:
            continue
        query = rule.query
        # With the focus join in the query (a sub-select or VALUES), Oxigraph binds ?this to focus nodes
        # only; a rule without one is filtered here, by the focus nodes themselves.
        focus = None if rule.focus_join else found.nodes(data)
        if found.values is not None and rule.focus_join:
            query = query.replace(rule.focus_join, found.values, 1)
        rows = data.store.query(query)
        assert isinstance(rows, QuerySolutions)
        variables = {v.value for v in rows.variables}
        for row in rows:
            this = _term(row["this"])
            if focus is not None and this not in focus:
                continue
            path = row["path"] if "path" in variables else None
            value = row["value"] if "value" in variables else None
            if value is None:
                value = row["this"]
            results.append(
                ShaclResult(
                    focus=this,
                    path=path.value if isinstance(path, NamedNode) else rule.path,
                    value=_term(value),
                    value_term=str(value),
                    component=SH + "SPARQLConstraintComponent",
                    severity=rule.severity,
                    shape=rule.shape,
                    message=rule.message or shapes.messages.get(rule.shape, ""),
                )
            )
    return results


# A focus set at most this share of the graph is given to a rule's query as VALUES instead of the
# sub-select: Oxigraph then starts from each node (a query that reads every triple of a node took 1.5 s
# at 1M triples with the sub-select, 0.02 s with VALUES), while a large set costs more to parse than it
# saves. Both forms bind ?this to the same nodes, so the answers are the same.
_VALUES_SHARE = 100


@dataclass
class _Focus:
    """The focus nodes of a target union: how many, and a ``VALUES ?this`` block of them if one is worth it.

    The nodes themselves are read into Python only when needed (for VALUES, or for a rule that cannot
    join them in): at 1M triples, reading 50,000 organisations took five times as long as counting them.
    """

    targets: str
    count: int
    values: str | None
    _nodes: set[str] | None = None

    def nodes(self, data: DataGraph) -> set[str]:
        """The focus nodes as report text."""
        if self._nodes is None:
            self._nodes = {_term(node) for node in _target_nodes(data, self.targets)}
        return self._nodes


def _target_nodes(data: DataGraph, targets: str) -> list[object]:
    rows = data.store.query(f"SELECT DISTINCT ?this WHERE {{ {targets} }}")
    assert isinstance(rows, QuerySolutions)
    return [row["this"] for row in rows]


def _focus_nodes(data: DataGraph, targets: str) -> _Focus:
    """Count the focus nodes of a target union, and list them in VALUES when the set is small.

    Only IRIs go into VALUES (a blank node cannot stand there, a literal may come back from the store in
    another lexical form)."""
    rows = data.store.query(f"SELECT (COUNT(DISTINCT ?this) AS ?n) WHERE {{ {targets} }}")
    assert isinstance(rows, QuerySolutions)
    count = int(next(iter(rows))["n"].value)
    if not count or count * _VALUES_SHARE > data.size:
        return _Focus(targets, count, None)
    nodes = _target_nodes(data, targets)
    focus = _Focus(targets, count, None, {_term(node) for node in nodes})
    if all(isinstance(n, NamedNode) for n in nodes):
        focus.values = "\nVALUES ?this { " + " ".join(str(node) for node in nodes) + " }"
    return focus


def _validate_pyshacl(data: DataGraph, shapes: Shapes) -> list[ShaclResult]:
    import rdflib
    from pyshacl import validate as pyshacl_validate

    data_graph = rdflib.Graph()
    data_graph.parse(data=data.ntriples.decode("utf-8"), format="nt")
    shapes_graph = rdflib.Graph()
    for path in shapes.files:
        shapes_graph.parse(path, format="turtle")
    with queries_parsed_once():
        _, report, _ = pyshacl_validate(data_graph, shacl_graph=shapes_graph, inference="none")
    if not isinstance(report, rdflib.Graph):  # a ValidationFailure: the shapes could not be used
        raise InputError(f"pySHACL could not validate with these shapes: {report}")
    sh = rdflib.Namespace(SH)

    def text(node: object) -> str | None:
        if node is None:
            return None
        if isinstance(node, rdflib.BNode):
            return f"_:{node}"
        return str(node)

    def term(node: object) -> object:
        """The rdflib term as a pyoxigraph term, so that both engines print values alike."""
        if node is None:
            return None
        if isinstance(node, rdflib.BNode):
            return BlankNode(str(node))
        return _nt_term(node.n3()) if isinstance(node, rdflib.URIRef | rdflib.Literal) else None

    results = []
    for top in report.subjects(rdflib.RDF.type, sh.ValidationReport):
        for result in report.objects(top, sh.result):
            result_path = report.value(result, sh.resultPath)
            severity = report.value(result, sh.resultSeverity)
            shape = text(report.value(result, sh.sourceShape)) or ""
            results.append(
                _make(
                    shapes,
                    text(report.value(result, sh.focusNode)) or "",
                    str(result_path) if isinstance(result_path, rdflib.URIRef) else None,
                    term(report.value(result, sh.value)),
                    text(report.value(result, sh.sourceConstraintComponent)) or "",
                    shape,
                    _SEVERITIES.get(str(severity)),
                )
            )
    return results


__all__ = ["DEFAULT_ENGINE", "ENGINES", "DataGraph", "ShaclResult", "Shapes", "load_shapes", "validate"]
