"""Run SPARQL queries on the embedded store or a remote endpoint, and render the answers.

Both targets see the same dataset: the default graph is the union of the study graphs, the ontology
graph and the vocabulary graphs (the saved queries need the vocabularies for labels, hierarchies and
mappings), unless ``graphs`` names the study graphs to use, in which case the default graph is those
graphs merged with the ontology and vocabulary graphs. On the embedded store that is pyoxigraph's
``use_default_graph_as_union`` or ``default_graph``; on an endpoint it is the endpoint's own default
graph (Oxigraph ``--union-default-graph``, Virtuoso, GraphDB and Fuseki's union setting behave so) or
the SPARQL 1.1 Protocol's ``default-graph-uri`` parameters.

Answers come back as :class:`QueryResult`, whose cells mirror the SPARQL 1.1 JSON results format, so
the renderers below give identical output whichever target answered.
"""

from __future__ import annotations

import ast
import base64
import csv
import io
import json
import os
import urllib.error
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Protocol

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    QueryBoolean,
    QuerySolutions,
    RdfFormat,
    Store,
)

from kg import __version__
from kg.build.store import ONTOLOGY_GRAPH, install_ontology, vocabulary_graph
from kg.errors import IcgpError, InputError
from kg.ontology import resources
from kg.ontology.namespaces import PREFIXES, VOCAB_BASE
from kg.query.catalogue import query_form, strip_comments

XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = XSD + "string"
_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_NUMERIC = {XSD + t for t in ("decimal", "double", "float")}

# Environment variables holding endpoint credentials (never taken from the command line).
ENV_USER = "ICGP_ENDPOINT_USER"
ENV_PASSWORD = "ICGP_ENDPOINT_PASSWORD"
ENV_TOKEN = "ICGP_ENDPOINT_TOKEN"
# Queries longer than this go by POST: GET URLs that long are refused by many servers (HTTP 414).
POST_THRESHOLD = 1500
DEFAULT_TIMEOUT = 60.0

RDF_SUFFIXES: dict[str, RdfFormat] = {
    ".ttl": RdfFormat.TURTLE,
    ".nt": RdfFormat.N_TRIPLES,
    ".nq": RdfFormat.N_QUADS,
    ".trig": RdfFormat.TRIG,
    ".jsonld": RdfFormat.JSON_LD,
    ".rdf": RdfFormat.RDF_XML,
    ".owl": RdfFormat.RDF_XML,
    ".xml": RdfFormat.RDF_XML,
    ".n3": RdfFormat.N3,
}


class EndpointError(IcgpError):
    """A remote endpoint could not be reached or refused a request; the message says why."""


# -- results --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """One value of an answer row, as in the SPARQL 1.1 JSON results format."""

    kind: str  # "uri", "literal" or "bnode"
    value: str
    datatype: str | None = None  # None for plain and language-tagged strings
    language: str | None = None

    @classmethod
    def from_term(cls, term: Any) -> Cell:
        """A cell from a pyoxigraph term."""
        if isinstance(term, NamedNode):
            return cls("uri", term.value)
        if isinstance(term, BlankNode):
            return cls("bnode", term.value)
        if isinstance(term, Literal):
            language = term.language or None
            datatype: str | None = term.datatype.value
            if language or datatype in (_XSD_STRING, _LANG_STRING):
                datatype = None
            return cls("literal", term.value, datatype, language)
        raise TypeError(f"unsupported term in a query answer: {term!r}")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Cell:
        """A cell from one binding of the SPARQL 1.1 JSON results format."""
        kind = data.get("type")
        value = str(data.get("value", ""))
        if kind == "uri":
            return cls("uri", value)
        if kind == "bnode":
            return cls("bnode", value)
        if kind in ("literal", "typed-literal"):
            language = data.get("xml:lang") or None
            datatype = data.get("datatype") or None
            if language or datatype in (_XSD_STRING, _LANG_STRING):
                datatype = None
            return cls("literal", value, datatype, language)
        raise EndpointError(f"the endpoint answered a value of unknown type {kind!r}")

    def to_json(self) -> dict[str, str]:
        """This cell as one binding of the SPARQL 1.1 JSON results format."""
        data = {"type": self.kind, "value": self.value}
        if self.language:
            data["xml:lang"] = self.language
        elif self.datatype:
            data["datatype"] = self.datatype
        return data

    def n3(self) -> str:
        """The cell in N-Triples/Turtle syntax (used where a value must be unambiguous)."""
        if self.kind == "uri":
            return str(NamedNode(self.value))
        if self.kind == "bnode":
            return f"_:{self.value}"
        if self.language:
            return str(Literal(self.value, language=self.language))
        if self.datatype:
            return str(Literal(self.value, datatype=NamedNode(self.datatype)))
        return str(Literal(self.value))


Row = tuple[Cell | None, ...]


@dataclass
class QueryResult:
    """The answer to a SELECT (variables and rows) or an ASK query (boolean)."""

    variables: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    boolean: bool | None = None

    def to_json(self) -> dict[str, Any]:
        """The answer in the SPARQL 1.1 Query Results JSON Format."""
        if self.boolean is not None:
            return {"head": {}, "boolean": self.boolean}
        bindings = [
            {name: cell.to_json() for name, cell in zip(self.variables, row, strict=True) if cell is not None}
            for row in self.rows
        ]
        return {"head": {"vars": list(self.variables)}, "results": {"bindings": bindings}}

    @classmethod
    def from_json(cls, data: Any) -> QueryResult:
        """An answer from the SPARQL 1.1 Query Results JSON Format."""
        if not isinstance(data, dict):
            raise EndpointError("the endpoint did not answer in the SPARQL JSON results format")
        if "boolean" in data:
            return cls(boolean=bool(data["boolean"]))
        try:
            names = [str(v) for v in data["head"]["vars"]]
            rows = [
                tuple(Cell.from_json(b[name]) if name in b else None for name in names)
                for b in data["results"]["bindings"]
            ]
        except (KeyError, TypeError) as exc:
            raise EndpointError(f"the endpoint's JSON answer lacks {exc}") from exc
        return cls(names, rows)

    def limited(self, limit: int | None) -> QueryResult:
        """The first ``limit`` rows (all rows when ``limit`` is None)."""
        if limit is None or self.boolean is not None:
            return self
        return QueryResult(list(self.variables), self.rows[:limit], None)

    def values(self) -> list[tuple[str | None, ...]]:
        """Rows as plain strings (IRIs and lexical forms; None when unbound): handy for comparisons."""
        return [tuple(None if c is None else c.value for c in row) for row in self.rows]


# -- targets --------------------------------------------------------------------------------------


def reference_graphs() -> list[str]:
    """Names of the graphs holding the ontology and each vocabulary."""
    return [ONTOLOGY_GRAPH.value] + [vocabulary_graph(p).value for p in resources.vocabulary_files()]


class Target(Protocol):
    """Where a query runs: the embedded store or an endpoint."""

    description: str

    def run(self, text: str, graphs: Sequence[str] = ()) -> QueryResult:
        """Run a SELECT or ASK query text and return its answer."""
        ...


def check_syntax(text: str) -> None:
    """Raise InputError if ``text`` is not a valid SPARQL 1.1 query (checked on an empty store)."""
    try:
        Store().query(text)
    except SyntaxError as exc:
        raise InputError(f"the query is not valid SPARQL: {exc}") from exc


def _answer(solutions: Any) -> QueryResult:
    if isinstance(solutions, QueryBoolean):
        return QueryResult(boolean=bool(solutions))
    if isinstance(solutions, QuerySolutions):
        names = [v.value for v in solutions.variables]
        rows = [
            tuple(None if s[i] is None else Cell.from_term(s[i]) for i in range(len(names)))
            for s in solutions
        ]
        return QueryResult(names, rows)
    raise InputError("only SELECT and ASK queries can be run here (the answer must be a table)")


@dataclass
class StoreTarget:
    """A pyoxigraph store (in memory or on disk)."""

    store: Store
    description: str = "the embedded store"

    def run(self, text: str, graphs: Sequence[str] = ()) -> QueryResult:
        """Run a query over the union of the store's graphs, or over ``graphs`` plus the vocabularies."""
        options: dict[str, Any] = {"use_default_graph_as_union": True}
        if graphs:
            names = list(dict.fromkeys(list(graphs) + reference_graphs()))
            options = {"default_graph": [NamedNode(g) for g in names]}
        try:
            return _answer(self.store.query(text, **options))
        except SyntaxError as exc:
            raise InputError(f"the query is not valid SPARQL: {exc}") from exc
        except OSError as exc:
            raise InputError(f"the store could not be read: {exc}") from exc


def auth_header() -> str | None:
    """The HTTP Authorization header from the environment: a bearer token or basic credentials."""
    token = os.environ.get(ENV_TOKEN)
    if token:
        return f"Bearer {token}"
    user = os.environ.get(ENV_USER)
    if user:
        password = os.environ.get(ENV_PASSWORD, "")
        return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode("ascii")
    return None


def server_message(body: bytes | str | None, limit: int = 500) -> str:
    """The first part of a server's error body, on one line."""
    if body is None:
        return ""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else str(body)
    text = " ".join(text.split())
    return text[:limit] + ("..." if len(text) > limit else "")


def _wrapped_response(exc: Exception) -> bytes | None:
    """The server's answer that SPARQLWrapper folded into its exception message (as a bytes repr)."""
    message = str(exc)
    if "Response:\n" not in message:
        return None
    try:
        value = ast.literal_eval(message.split("Response:\n", 1)[1].strip())
    except (ValueError, SyntaxError):
        return None
    return value if isinstance(value, bytes) else None


@dataclass
class EndpointTarget:
    """A SPARQL 1.1 query endpoint, reached with SPARQLWrapper."""

    url: str
    timeout: float = DEFAULT_TIMEOUT
    description: str = ""

    def __post_init__(self) -> None:
        if not self.url.startswith(("http://", "https://")):
            raise InputError(f"--endpoint {self.url!r} must be an http:// or https:// URL")
        self.description = self.description or f"the endpoint {self.url}"

    def run(self, text: str, graphs: Sequence[str] = ()) -> QueryResult:
        """Send a query (GET, or POST when long or when graphs are named) and read the JSON answer."""
        from SPARQLWrapper import JSON, POST, URLENCODED, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        check_syntax(text)
        # Comments are dropped: they only lengthen the request, and SPARQLWrapper's guess of the query
        # form trips over words in them; the form is set from our own parse instead.
        text = strip_comments(text)
        client = SPARQLWrapper(self.url, agent=f"icgp/{__version__} (https://w3id.org/icgp)")
        client.setQuery(text)
        client.queryType = query_form(text)
        client.setReturnFormat(JSON)
        client.setOnlyConneg(True)  # ask by Accept header only, without non-standard format= parameters
        client.setTimeout(max(1, round(self.timeout)))
        if graphs:
            for graph in dict.fromkeys(list(graphs) + reference_graphs()):
                client.addDefaultGraph(graph)
        if len(text) > POST_THRESHOLD or graphs:
            client.setMethod(POST)
            client.setRequestMethod(URLENCODED)
        header = auth_header()
        if header:
            client.addCustomHttpHeader("Authorization", header)
        try:
            response = client.query()
            raw = response.response.read()
        except SPARQLWrapperException as exc:
            kind = type(exc).__name__
            statuses = {
                "QueryBadFormed": 400,
                "Unauthorized": 401,
                "EndPointNotFound": 404,
                "URITooLong": 414,
                "EndPointInternalError": 500,
            }
            status = statuses.get(kind)
            body = _wrapped_response(exc)
            hint = (
                "; set ICGP_ENDPOINT_TOKEN, or ICGP_ENDPOINT_USER and ICGP_ENDPOINT_PASSWORD"
                if status == 401
                else ""
            )
            raise EndpointError(
                f"{self.url} refused the query: HTTP {status or '?'} ({kind})"
                f"{': ' + server_message(body) if body else ''}{hint}"
            ) from exc
        except urllib.error.HTTPError as exc:
            raise EndpointError(
                f"{self.url} refused the query: HTTP {exc.code} {exc.reason}: {server_message(exc.read())}"
            ) from exc
        except urllib.error.URLError as exc:
            raise EndpointError(f"cannot reach the endpoint {self.url}: {exc.reason}") from exc
        except TimeoutError as exc:
            raise EndpointError(f"the endpoint {self.url} did not answer within {self.timeout:g} s") from exc
        except OSError as exc:
            raise EndpointError(f"cannot reach the endpoint {self.url}: {exc}") from exc
        try:
            data = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise EndpointError(
                f"{self.url} did not answer with SPARQL JSON results: {server_message(raw, 200)}"
            ) from exc
        return QueryResult.from_json(data)


# -- sources of data for the embedded store -------------------------------------------------------


def sample_store() -> Store:
    """The bundled sample study, built into a fresh in-memory store with the ontology and vocabularies."""
    return package_store(resources.sample_study_dir())


def package_store(path: Path) -> Store:
    """A study package checked and built into a fresh in-memory store (nothing is written to disk)."""
    from kg.build.study import build_package, store_study

    store = Store()
    store_study(store, build_package(path))
    return store


def read_only_store(path: Path) -> Store:
    """An on-disk store opened read-only, so that queries can never change it."""
    if not path.is_dir():
        raise InputError(
            f"--store {path}: no such folder; build one with 'icgp build PACKAGE --store {path}'"
        )
    if not any(path.iterdir()):
        raise InputError(f"--store {path}: the folder is empty, not an Oxigraph store")
    try:
        return Store.read_only(str(path))
    except OSError as exc:
        raise InputError(f"--store {path}: cannot open the store read-only: {exc}") from exc


def file_store(paths: Iterable[Path]) -> Store:
    """RDF files loaded into a fresh in-memory store, beside the bundled ontology and vocabularies.

    Triples go to the default graph, quads to their named graphs."""
    store = Store()
    install_ontology(store)
    for path in paths:
        rdf_format = RDF_SUFFIXES.get(path.suffix.lower())
        if rdf_format is None:
            raise InputError(
                f"{path}: unknown RDF file type {path.suffix!r}; use one of {', '.join(sorted(RDF_SUFFIXES))}"
            )
        if not path.is_file():
            raise InputError(f"{path}: no such file")
        options: dict[str, Any] = {} if rdf_format.supports_datasets else {"to_graph": DefaultGraph()}
        try:
            store.load(path=str(path), format=rdf_format, base_iri=path.resolve().as_uri(), **options)
        except (SyntaxError, ValueError) as exc:
            raise InputError(f"{path} is not valid {rdf_format.name}: {exc}") from exc
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc}") from exc
    return store


# -- rendering ------------------------------------------------------------------------------------

OUTPUT_FORMATS = ("table", "csv", "tsv", "json", "md")


def _all_prefixes() -> dict[str, str]:
    found = {f"{p.stem}": f"{VOCAB_BASE}{p.stem}/" for p in resources.vocabulary_files()}
    found.update(PREFIXES)
    return found


def shorten(iri: str, prefixes: dict[str, str] | None = None) -> str:
    """An IRI as a prefixed name when a known namespace matches (longest namespace first)."""
    table = prefixes if prefixes is not None else _all_prefixes()
    best = ""
    for prefix, namespace in table.items():
        if iri.startswith(namespace) and len(namespace) > len(table.get(best, "")):
            rest = iri[len(namespace) :]
            if rest and all(c not in rest for c in "/#?"):
                best = prefix
    return f"{best}:{iri[len(table[best]) :]}" if best else iri


def _number(text: str) -> str:
    """A decimal or double shown with at most three decimals, trailing zeros dropped."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    if not value.is_finite():
        return text
    rounded = value.quantize(Decimal("0.001"))
    shown = format(rounded, "f").rstrip("0").rstrip(".")
    return "0" if shown in ("-0", "") else shown


def display(cell: Cell | None, prefixes: dict[str, str] | None = None) -> str:
    """How a cell reads in a table: IRIs shortened, numbers rounded, text as it is."""
    if cell is None:
        return ""
    if cell.kind == "uri":
        return shorten(cell.value, prefixes)
    if cell.kind == "bnode":
        return f"_:{cell.value}"
    if cell.datatype in _NUMERIC:
        return _number(cell.value)
    return cell.value


def _one_line(text: str) -> str:
    return " ".join(text.replace("\t", " ").splitlines())


def render_table(result: QueryResult) -> str:
    """A plain aligned text table (the default output); long values are kept whole."""
    if result.boolean is not None:
        return ("true" if result.boolean else "false") + "\n"
    prefixes = _all_prefixes()
    cells = [[_one_line(display(c, prefixes)) for c in row] for row in result.rows]
    widths = [len(v) for v in result.variables]
    for row in cells:
        widths = [max(w, len(v)) for w, v in zip(widths, row, strict=True)]
    numeric = [
        all(c is None or (c.kind == "literal" and c.datatype is not None and _is_number(c)) for c in column)
        and any(c is not None for c in column)
        for column in zip(*result.rows, strict=True)
    ] or [False] * len(result.variables)

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if right else v.ljust(w) for v, w, right in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    out = [line(result.variables), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in cells]
    out.append(f"({len(result.rows)} row{'s' if len(result.rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def _is_number(cell: Cell) -> bool:
    return (cell.datatype or "").removeprefix(XSD) in {
        "integer",
        "decimal",
        "double",
        "float",
        "int",
        "long",
        "nonNegativeInteger",
        "positiveInteger",
    }


def render_markdown(result: QueryResult) -> str:
    """A GitHub-flavoured Markdown table (pipes in values escaped)."""
    if result.boolean is not None:
        return ("true" if result.boolean else "false") + "\n"
    prefixes = _all_prefixes()

    def esc(text: str) -> str:
        return _one_line(text).replace("\\", "\\\\").replace("|", "\\|")

    lines = [
        "| " + " | ".join(result.variables) + " |",
        "|" + "|".join("---" for _ in result.variables) + "|",
    ]
    for row in result.rows:
        lines.append("| " + " | ".join(esc(display(c, prefixes)) for c in row) + " |")
    return "\n".join(lines) + "\n"


def render_csv(result: QueryResult) -> str:
    """The SPARQL 1.1 Query Results CSV format: a header of variable names, then plain values."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if result.boolean is not None:
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
        return buffer.getvalue()
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(
            ["" if c is None else (f"_:{c.value}" if c.kind == "bnode" else c.value) for c in row]
        )
    return buffer.getvalue()


def render_tsv(result: QueryResult) -> str:
    """Plain values separated by tabs, one row a line (tabs and line breaks inside values become spaces)."""
    if result.boolean is not None:
        return "boolean\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join(result.variables)]
    for row in result.rows:
        lines.append("\t".join("" if c is None else _one_line(c.value) for c in row))
    return "\n".join(lines) + "\n"


def render_json(result: QueryResult) -> str:
    """The SPARQL 1.1 Query Results JSON format."""
    return json.dumps(result.to_json(), indent=2, ensure_ascii=False) + "\n"


def render(result: QueryResult, fmt: str) -> str:
    """The answer in one of :data:`OUTPUT_FORMATS`."""
    renderers = {
        "table": render_table,
        "csv": render_csv,
        "tsv": render_tsv,
        "json": render_json,
        "md": render_markdown,
    }
    if fmt not in renderers:
        raise InputError(f"unknown format {fmt!r}; choose one of {', '.join(OUTPUT_FORMATS)}")
    return renderers[fmt](result)
