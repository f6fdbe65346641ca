"""``icgp serve``: a read-only SPARQL 1.1 endpoint over a store, with a plain HTML query page.

Protocol (SPARQL 1.1 Protocol, query operation only):

- ``GET /sparql?query=...`` and ``POST /sparql`` with a form (``query=...``) or an
  ``application/sparql-query`` body run the query; ``default-graph-uri``/``named-graph-uri`` are honoured.
- Results are chosen by the ``Accept`` header (or a ``format`` parameter: json, xml, csv, tsv, ttl, nt,
  html): SELECT/ASK as SPARQL JSON (default), XML, CSV or TSV; CONSTRUCT/DESCRIBE as Turtle (default),
  N-Triples, RDF/XML or N-Quads. ``format=html`` (the query page) shows a table.
- Updates are refused: an ``update`` form field or an ``application/sparql-update`` body gets
  403 Forbidden, and an update sent as a query fails to parse (400).
- ``GET /sparql`` without a query returns the SPARQL service description (Turtle).
- ``GET /`` is the query page.
- ``GET /query`` is YASGUI with the saved queries as a gallery (``kg.publish.gallery``).
- ``GET /id/...`` is the linked-data site (``kg.publish.site``): an entity's IRI path answers its page,
  Turtle, JSON-LD or N-Triples by ``Accept`` (or a ``.ttl``/``.jsonld``/``.nt`` suffix); ``/id/`` lists
  the entities; ``/ontology/icgp.html``, ``/vocab/{scheme}.html`` and ``/report/{study}.html`` are the docs
  and the growth-pole report.

The default graph is the union of all graphs, so queries need no ``GRAPH`` clauses.

Bounds and checks (see docs/security.md): ``SERVICE`` is refused unless allowed, the ``Host`` header must
name the server, cross-origin requests need ``--cors``, private quotes and answers are not served, a
request body is at most ``MAX_BODY`` bytes, requests are handled by a fixed number of threads, queries
run in killable worker processes (``kg.publish.serve_worker``) with a time limit and a row limit.
"""

from __future__ import annotations

import html
import queue
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from pyoxigraph import NamedNode, RdfFormat, Store, serialize

from kg.build.serialize import serialize_quads
from kg.errors import InputError
from kg.publish.describe import service_quads
from kg.publish.privacy import Policy
from kg.publish.serve_guard import host_allowed, servable_quads
from kg.publish.serve_worker import Answer, Job, Limits, QueryPool, WorkerBusyError, refusal
from kg.publish.site import ServedSite

SPARQL_PATH = "/sparql"
MAX_BODY = 1_000_000  # bytes; a query text larger than this is refused
READ_TIMEOUT = 10.0  # seconds a client may take to send its request (or to take a write)

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


@dataclass(frozen=True)
class Settings:
    """The bounds of a server: see ``icgp serve --help``."""

    timeout: float = 30.0  # seconds a query may run
    max_rows: int = 100_000  # rows (or triples) an answer may have
    allowed_services: frozenset[str] = frozenset()  # SERVICE endpoints a query may call
    cors: frozenset[str] = frozenset()  # origins whose pages may read the answers
    threads: int = 8  # requests handled at once
    backlog: int = 256  # accepted connections waiting for a thread; more get 503
    workers: int = 2  # query worker processes
    notes: list[str] = field(default_factory=list, compare=False)


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
        f'<p><a href="{SPARQL_PATH}">Service description</a> · <a href="/query">Saved queries</a> · '
        '<a href="/id/">Browse the entities</a> · '
        '<a href="/ontology/icgp.html">Ontology</a></p></body></html>\n'
    )


_READ_ONLY = "this endpoint is read-only: SPARQL Update is not accepted"


class _Context:
    """What every request handler shares: the bound address, the query pool and the settings."""

    def __init__(
        self,
        url: str,
        host: str,
        port: int,
        pool: QueryPool,
        settings: Settings,
        description: bytes,
        site: ServedSite,
    ):
        self.site = site
        self.url = url
        self.host = host
        self.port = port
        self.pool = pool
        self.settings = settings
        self.description = description
        shown = f"[{host}]" if ":" in host else host
        # The origins of this server's own pages, which send Origin on a POST from the query page.
        self.own_origins = {f"http://{shown}:{port}"} | (
            {f"http://localhost:{port}"} if host.startswith("127.") or host == "::1" else set()
        )


def _handler(context: _Context, log: Callable[[str], None] | None) -> type[BaseHTTPRequestHandler]:
    settings = context.settings

    class Handler(BaseHTTPRequestHandler):
        server_version = "icgp-serve"
        timeout = READ_TIMEOUT  # a slow client cannot hold a thread longer than this per read

        def log_message(self, format: str, *args: Any) -> None:
            if log is not None:
                log(f"{self.address_string()} {format % args}")

        def _cors(self) -> dict[str, str]:
            origin = (self.headers.get("Origin") or "").lower()
            if origin and origin in settings.cors:
                return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
            return {"Vary": "Origin"} if settings.cors else {}

        def _send(self, status: int, media: str, body: bytes, extra: dict[str, str] | None = None) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", media)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("X-Content-Type-Options", "nosniff")
                headers = {**self._cors(), **(extra or {})}
                if "Vary" in (extra or {}) and "Vary" in self._cors():  # both: Origin and Accept
                    headers["Vary"] = f"{self._cors()['Vary']}, {headers['Vary']}"
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)
            except OSError:  # the client left: nothing to tell it
                self.close_connection = True

        def _answer(self, answer: Answer) -> None:
            self._send(answer.status, answer.media, answer.body)

        def _error(self, status: int, message: str) -> None:
            self._answer(refusal(status, message))

        def _admitted(self) -> bool:
            """Check Host and Origin; answer the refusal and return False when the request may not go on."""
            host = self.headers.get("Host")
            if not host_allowed(host, context.host, context.port):
                self._error(
                    421,
                    f"the Host header {host!r} does not name this server ({context.url}); "
                    "use the address it printed",
                )
                return False
            origin = (self.headers.get("Origin") or "").lower()
            if origin and origin not in settings.cors and origin not in context.own_origins:
                self._error(
                    403,
                    f"cross-origin requests from {origin} are refused; "
                    "start icgp serve with --cors ORIGIN to allow that origin",
                )
                return False
            return True

        def _run(self, text: str | None, params: dict[str, list[str]]) -> None:
            accept = _accepts(self.headers.get("Accept"))
            wanted = params.get("format") or params.get("output")
            if wanted:
                accept = [_FORMAT_NAMES.get(wanted[0].lower(), wanted[0]), *accept]
            if text is None:
                self._send(200, "text/turtle; charset=utf-8", context.description)
                return
            as_page = accept[:1] == ["text/html"]
            job = Job(
                text,
                tuple(accept),
                tuple(params.get("default-graph-uri", [])),
                tuple(params.get("named-graph-uri", [])),
                as_page,
            )
            try:
                answer = context.pool.run(job, wait=min(settings.timeout, 10.0))
            except WorkerBusyError:
                self._error(503, "every query worker is busy; try again shortly")
                return
            if as_page and answer.status == 200:
                body = page(context.url, text, answer.body.decode("utf-8")).encode("utf-8")
                answer = Answer(200, "text/html; charset=utf-8", body)
            self._answer(answer)

        def _guarded(self, action: Callable[[], None]) -> None:
            try:
                if self._admitted():
                    action()
            except Exception as exc:  # a bug must cost one 500, not the connection
                if log is not None:
                    log(f"error answering {self.requestline!r}: {type(exc).__name__}: {exc}")
                self._error(500, f"internal error: {type(exc).__name__}")

        def do_GET(self) -> None:
            self._guarded(self._get)

        def do_HEAD(self) -> None:
            self._guarded(self._get)

        def do_POST(self) -> None:
            self._guarded(self._post)

        def do_OPTIONS(self) -> None:
            # A CORS preflight: only an origin named by --cors gets the Allow headers.
            self._guarded(
                lambda: self._send(
                    204,
                    "text/plain",
                    b"",
                    {
                        "Access-Control-Allow-Methods": "GET, POST, OPTIONS",
                        "Access-Control-Allow-Headers": "Content-Type, Accept",
                        "Access-Control-Max-Age": "600",
                    }
                    if "Access-Control-Allow-Origin" in self._cors()
                    else {"Allow": "GET, HEAD, POST, OPTIONS"},
                )
            )

        def _get(self) -> None:
            parts = urlsplit(self.path)
            params = parse_qs(parts.query)
            if parts.path in ("/", "/index.html"):
                self._send(200, "text/html; charset=utf-8", page(context.url).encode("utf-8"))
            elif parts.path == SPARQL_PATH:
                if "update" in params:
                    self._error(403, _READ_ONLY)
                    return
                self._run(params["query"][0] if "query" in params else None, params)
            else:
                reply = context.site.answer(parts.path, _accepts(self.headers.get("Accept")), params)
                if reply is None:
                    self._error(404, f"not found; the endpoint is {SPARQL_PATH} and the query page is /")
                else:
                    self._send(reply.status, reply.media, reply.body, reply.headers)

        def _post(self) -> None:
            parts = urlsplit(self.path)
            if parts.path != SPARQL_PATH:
                self._error(404, f"not found; POST queries to {SPARQL_PATH}")
                return
            declared = (self.headers.get("Content-Length") or "0").strip()
            # Only plain digits: int() would take "-1" (read to the end of the stream, unbounded) or
            # "+5" and " 5", and fail with a traceback on anything else.
            if not (declared.isascii() and declared.isdigit()):
                self._error(400, "Content-Length must be a whole number of bytes")
                self.close_connection = True
                return
            length = int(declared)
            if length > MAX_BODY:
                self._error(413, f"request body larger than {MAX_BODY} bytes")
                self.close_connection = True
                return
            body = self.rfile.read(length).decode("utf-8", errors="replace")
            media = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            params = parse_qs(parts.query)
            if media == "application/sparql-update":
                self._error(403, _READ_ONLY)
            elif media == "application/sparql-query":
                self._run(body, params)
            elif media == "application/x-www-form-urlencoded":
                form = parse_qs(body)
                if "update" in form:
                    self._error(403, _READ_ONLY)
                elif "query" not in form:
                    self._error(400, "the form has no 'query' field")
                else:
                    self._run(form["query"][0], {**params, **form})
            else:
                self._error(415, "send application/sparql-query or a form with a 'query' field")

    return Handler


class _PooledServer(HTTPServer):
    """An HTTP server whose requests are handled by a fixed pool of threads.

    ThreadingHTTPServer starts a thread per connection, so 200 clients meant 200 threads. Here accepted
    connections wait in a bounded queue for one of ``threads`` threads; when the queue is full the
    connection gets 503 at once."""

    request_queue_size = 128  # the listen backlog: connections the kernel holds before accept

    def __init__(
        self, address: tuple[str, int], threads: int, backlog: int, log: Callable[[str], None] | None
    ):
        self._log = log
        self._waiting: queue.Queue[tuple[socket.socket, Any] | None] = queue.Queue(maxsize=backlog)
        # Set before binding: a failed bind calls server_close, which walks the pool.
        self._threads: list[threading.Thread] = []
        super().__init__(address, BaseHTTPRequestHandler)
        self._threads = [threading.Thread(target=self._work, daemon=True) for _ in range(threads)]
        for thread in self._threads:
            thread.start()

    def process_request(self, request: Any, client_address: Any) -> None:
        try:
            self._waiting.put_nowait((request, client_address))
        except queue.Full:
            try:
                request.settimeout(1.0)
                message = b"the server is busy; try again shortly\n"
                request.sendall(
                    b"HTTP/1.0 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
                    b"Content-Length: "
                    + str(len(message)).encode()
                    + b"\r\nConnection: close\r\n\r\n"
                    + message
                )
            except OSError:
                pass
            self.shutdown_request(request)

    def _work(self) -> None:
        while True:
            item = self._waiting.get()
            if item is None:
                return
            request, address = item
            try:
                self.finish_request(request, address)
            except Exception:  # one broken connection must not stop the thread
                self.handle_error(request, address)
            finally:
                self.shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        # The default prints a traceback; one line in the request log says enough.
        if self._log is not None:
            import sys

            kind, value, _ = sys.exc_info()
            self._log(f"{client_address[0]} connection failed: {kind.__name__ if kind else 'error'}: {value}")

    def server_close(self) -> None:
        super().server_close()
        for _ in self._threads:
            try:
                self._waiting.put_nowait(None)
            except queue.Full:
                break


class _IPv6Server(_PooledServer):
    address_family = socket.AF_INET6


class Server:
    """A running endpoint: ``url`` to query, ``serve_forever()`` to block, ``close()`` to stop.

    Serves what the privacy flags allow of ``store``: ``policy`` (a package's descriptor) or the flags
    each graph records. ``notes`` says what was left out."""

    def __init__(
        self,
        store: Store,
        host: str = "127.0.0.1",
        port: int = 7878,
        log: Callable[[str], None] | None = None,
        *,
        policy: Policy | None = None,
        settings: Settings | None = None,
    ) -> None:
        settings = settings or Settings()
        quads, self.notes = servable_quads(store, policy)
        site = ServedSite(quads)  # before the socket and the workers: nothing to release if it fails
        server_class = _IPv6Server if ":" in host else _PooledServer
        try:
            self._server = server_class((host, port), settings.threads, settings.backlog, log)
        except OSError as exc:
            raise InputError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from exc
        address = self._server.server_address
        bound_host = address[0] if isinstance(address[0], str) else address[0].decode("ascii")
        bound_port = address[1]
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        self.url = f"http://{shown}:{bound_port}{SPARQL_PATH}"
        graphs = sorted({q.graph_name.value for q in quads if isinstance(q.graph_name, NamedNode)})
        description = serialize_quads(service_quads(self.url, [(g, None) for g in graphs]), "ttl")
        data = serialize(quads, format=RdfFormat.N_QUADS) or b""
        self.pool = QueryPool(
            data,
            Limits(settings.max_rows, settings.allowed_services),
            workers=settings.workers,
            timeout=settings.timeout,
        )
        context = _Context(self.url, bound_host, bound_port, self.pool, settings, description, site)
        self._server.RequestHandlerClass = _handler(context, log)
        self._thread: threading.Thread | None = None

    def serve_forever(self) -> None:
        """Handle requests until ``close()`` is called from another thread (or Ctrl-C)."""
        self._server.serve_forever(poll_interval=0.2)

    def start(self) -> None:
        """Serve in a background thread (for tests and embedding)."""
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop serving, release the port and stop the query workers."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
        self._server.server_close()
        self.pool.close()


def is_loopback(host: str) -> bool:
    """True for the loopback addresses (127.0.0.0/8, ::1, localhost)."""
    return host == "localhost" or host.startswith("127.") or host == "::1"
