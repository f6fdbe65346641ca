"""``icgp serve``: a read-only SPARQL 1.1 endpoint over a store, with a plain HTML query page.

Protocol (SPARQL 1.1 Protocol, query operation only):

- ``GET /sparql?query=...`` and ``POST /sparql`` with a form (``query=...``) or an
  ``application/sparql-query`` body run the query; ``default-graph-uri``/``named-graph-uri`` are honoured.
- Results are chosen by the ``Accept`` header (or a ``format`` parameter: json, xml, csv, tsv, ttl, nt,
  xml, html): SELECT/ASK as SPARQL JSON (default), XML, CSV or TSV; CONSTRUCT/DESCRIBE as Turtle
  (default), N-Triples, RDF/XML or N-Quads. ``format=html`` (the query page) shows a table.
- Updates are refused: an ``update`` form field or an ``application/sparql-update`` body gets
  403 Forbidden, and an update sent as a query fails to parse (400).
- ``GET /sparql`` without a query returns the SPARQL service description (Turtle).
- ``GET /`` is the query page.

The default graph is the union of all graphs, so queries need no ``GRAPH`` clauses.
"""

from __future__ import annotations

import html
import socket
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

from pyoxigraph import (
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
)

from kg.build.serialize import serialize_quads
from kg.errors import InputError
from kg.publish.describe import service_quads

SPARQL_PATH = "/sparql"
MAX_BODY = 1_000_000  # bytes; a query text larger than this is refused
_RESULT_TYPES = {
    "application/sparql-results+json": QueryResultsFormat.JSON,
    "application/json": QueryResultsFormat.JSON,
    "application/sparql-results+xml": QueryResultsFormat.XML,
    "application/xml": QueryResultsFormat.XML,
    "text/csv": QueryResultsFormat.CSV,
    "text/tab-separated-values": QueryResultsFormat.TSV,
}
_GRAPH_TYPES = {
    "text/turtle": RdfFormat.TURTLE,
    "application/n-triples": RdfFormat.N_TRIPLES,
    "application/rdf+xml": RdfFormat.RDF_XML,
    "application/n-quads": RdfFormat.N_QUADS,
    "application/trig": RdfFormat.TRIG,
}
_FORMAT_NAMES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "ttl": "text/turtle",
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "html": "text/html",
}
_EXAMPLE = """PREFIX icgp: <https://w3id.org/icgp/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

SELECT ?cluster ?name (COUNT(?member) AS ?members) WHERE {
  ?cluster a icgp:InnovationCluster ; rdfs:label ?name .
  OPTIONAL { ?cluster <http://www.w3.org/ns/org#hasMember> ?member }
} GROUP BY ?cluster ?name ORDER BY DESC(?members)"""


class _RefusedError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def _accepts(header: str | None) -> list[str]:
    """Media types of an Accept header, best first (q-values honoured, ties keep their order)."""
    if not header:
        return []
    ranked = []
    for index, item in enumerate(header.split(",")):
        parts = [p.strip() for p in item.split(";")]
        quality = 1.0
        for param in parts[1:]:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
        if parts[0] and quality > 0:
            ranked.append((-quality, index, parts[0].lower()))
    return [media for _, _, media in sorted(ranked)]


def _choose(accept: list[str], offered: dict[str, Any], default: str) -> str:
    for media in accept:
        if media in offered:
            return media
        if media in ("*/*", "application/*", "text/*"):
            return default
    return default


class Endpoint:
    """The request logic, kept apart from the HTTP plumbing so it can be tested without a socket."""

    def __init__(self, store: Store, url: str) -> None:
        self.store = store
        self.url = url
        self._description = serialize_quads(service_quads(url, self._graphs()), "ttl")

    def _graphs(self) -> list[tuple[str, str | None]]:
        return [(g.value, None) for g in self.store.named_graphs() if isinstance(g, NamedNode)]

    def query(self, text: str, accept: list[str], params: dict[str, list[str]]) -> tuple[str, bytes]:
        """Run a query; return the media type and the serialised result."""
        options: dict[str, Any] = {"use_default_graph_as_union": True}
        default_graphs = params.get("default-graph-uri", [])
        named_graphs = params.get("named-graph-uri", [])
        if default_graphs:
            options = {"default_graph": [NamedNode(g) for g in default_graphs]}
        if named_graphs:
            options["named_graphs"] = [NamedNode(g) for g in named_graphs]
        try:
            result = self.store.query(text, **options)
        except SyntaxError as exc:
            raise _RefusedError(
                400, f"the query does not parse (updates are not accepted here): {exc}"
            ) from exc
        except (OSError, ValueError) as exc:
            raise _RefusedError(400, f"the query failed: {exc}") from exc
        if "text/html" in accept[:1]:
            return "text/html; charset=utf-8", page(self.url, text, _html_result(result)).encode("utf-8")
        if isinstance(result, QueryTriples):
            media = _choose(accept, _GRAPH_TYPES, "text/turtle")
            return media, cast(bytes, result.serialize(format=_GRAPH_TYPES[media]))
        assert isinstance(result, QuerySolutions | QueryBoolean)
        media = _choose(accept, _RESULT_TYPES, "application/sparql-results+json")
        return media, cast(bytes, result.serialize(format=_RESULT_TYPES[media]))

    def description(self) -> bytes:
        """The SPARQL service description in Turtle."""
        return self._description


def _html_result(result: Any) -> str:
    if isinstance(result, QueryBoolean):
        return f"<p>Answer: <strong>{'yes' if bool(result) else 'no'}</strong></p>"
    if isinstance(result, QueryTriples):
        text = cast(bytes, result.serialize(format=RdfFormat.TURTLE)).decode("utf-8")
        return f"<pre>{html.escape(text)}</pre>"
    variables = [v.value for v in result.variables]
    rows = []
    for solution in result:
        cells = "".join(
            f"<td>{html.escape(str(solution[v])) if solution[v] is not None else ''}</td>" for v in variables
        )
        rows.append(f"<tr>{cells}</tr>")
    head = "".join(f"<th>{html.escape(v)}</th>" for v in variables)
    return f"<p>{len(rows)} row(s)</p><table><tr>{head}</tr>{''.join(rows)}</table>"


def page(url: str, query: str = _EXAMPLE, result: str = "") -> str:
    """The HTML query page (a form that GETs the endpoint), optionally with a result below it."""
    options = "".join(
        f'<option value="{name}"{" selected" if name == "html" else ""}>{name}</option>'
        for name in ("html", "json", "xml", "csv", "tsv", "ttl", "nt")
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>ICGP SPARQL endpoint</title>'
        "<style>body{font-family:system-ui,sans-serif;margin:2rem}textarea{width:100%;font-family:monospace}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .4rem;text-align:left}"
        "</style></head><body><h1>ICGP SPARQL endpoint</h1>"
        f"<p>Read-only endpoint at <code>{html.escape(url)}</code>; "
        "the default graph is the union of all graphs.</p>"
        f'<form method="get" action="{SPARQL_PATH}"><textarea name="query" rows="14">{html.escape(query)}'
        f'</textarea><p>Results as <select name="format">{options}</select> '
        f'<button type="submit">Run</button></p></form>{result}'
        f'<p><a href="{SPARQL_PATH}">Service description</a></p></body></html>\n'
    )


def _handler(endpoint: Endpoint, log: Callable[[str], None] | None) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "icgp-serve"

        def log_message(self, format: str, *args: Any) -> None:
            if log is not None:
                log(f"{self.address_string()} {format % args}")

        def _send(self, status: int, media: str, body: bytes, extra: dict[str, str] | None = None) -> None:
            self.send_response(status)
            self.send_header("Content-Type", media)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Access-Control-Allow-Origin", "*")
            for key, value in (extra or {}).items():
                self.send_header(key, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _error(self, status: int, message: str) -> None:
            self._send(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))

        def _run(self, text: str | None, params: dict[str, list[str]]) -> None:
            accept = _accepts(self.headers.get("Accept"))
            wanted = params.get("format") or params.get("output")
            if wanted:
                accept = [_FORMAT_NAMES.get(wanted[0].lower(), wanted[0]), *accept]
            if text is None:
                self._send(200, "text/turtle; charset=utf-8", endpoint.description())
                return
            try:
                media, body = endpoint.query(text, accept, params)
            except _RefusedError as exc:
                self._error(exc.status, str(exc))
                return
            self._send(200, media, body)

        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            params = parse_qs(parts.query)
            if parts.path in ("/", "/index.html"):
                self._send(200, "text/html; charset=utf-8", page(endpoint.url).encode("utf-8"))
            elif parts.path == SPARQL_PATH:
                if "update" in params:
                    self._error(403, "this endpoint is read-only: SPARQL Update is not accepted")
                    return
                self._run(params["query"][0] if "query" in params else None, params)
            else:
                self._error(404, f"not found; the endpoint is {SPARQL_PATH} and the query page is /")

        do_HEAD = do_GET  # noqa: N815

        def do_POST(self) -> None:
            parts = urlsplit(self.path)
            if parts.path != SPARQL_PATH:
                self._error(404, f"not found; POST queries to {SPARQL_PATH}")
                return
            declared = (self.headers.get("Content-Length") or "0").strip()
            # Only plain digits: int() would take "-1" (read to the end of the stream, unbounded) or
            # "+5" and " 5", and fail with a traceback on anything else.
            if not (declared.isascii() and declared.isdigit()):
                self._error(400, "Content-Length must be a whole number of bytes")
                return
            length = int(declared)
            if length > MAX_BODY:
                self._error(413, f"request body larger than {MAX_BODY} bytes")
                return
            body = self.rfile.read(length).decode("utf-8", errors="replace")
            media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            params = parse_qs(parts.query)
            if media == "application/sparql-update":
                self._error(403, "this endpoint is read-only: SPARQL Update is not accepted")
            elif media == "application/sparql-query":
                self._run(body, params)
            elif media == "application/x-www-form-urlencoded":
                form = parse_qs(body)
                if "update" in form:
                    self._error(403, "this endpoint is read-only: SPARQL Update is not accepted")
                elif "query" not in form:
                    self._error(400, "the form has no 'query' field")
                else:
                    self._run(form["query"][0], {**params, **form})
            else:
                self._error(415, "send application/sparql-query or a form with a 'query' field")

    return Handler


class _IPv6Server(ThreadingHTTPServer):
    address_family = socket.AF_INET6


class Server:
    """A running endpoint: ``url`` to query, ``serve_forever()`` to block, ``close()`` to stop."""

    def __init__(
        self,
        store: Store,
        host: str = "127.0.0.1",
        port: int = 7878,
        log: Callable[[str], None] | None = None,
    ) -> None:
        server_class = _IPv6Server if ":" in host else ThreadingHTTPServer
        try:
            self._server = server_class((host, port), BaseHTTPRequestHandler)
        except OSError as exc:
            raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
        self._server.daemon_threads = True
        address = self._server.server_address
        bound_host = address[0] if isinstance(address[0], str) else address[0].decode("ascii")
        bound_port = address[1]
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        self.url = f"http://{shown}:{bound_port}{SPARQL_PATH}"
        self._server.RequestHandlerClass = _handler(Endpoint(store, self.url), log)
        self._thread: threading.Thread | None = None

    def serve_forever(self) -> None:
        """Handle requests until ``close()`` is called from another thread (or Ctrl-C)."""
        self._server.serve_forever(poll_interval=0.2)

    def start(self) -> None:
        """Serve in a background thread (for tests and embedding)."""
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop serving and release the port."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()


def is_loopback(host: str) -> bool:
    """True for the loopback addresses (127.0.0.0/8, ::1, localhost)."""
    return host == "localhost" or host.startswith("127.") or host == "::1"
