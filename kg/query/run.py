"""Run SPARQL queries on the embedded store, RDF files, a study package or a remote endpoint.

Both targets see the same dataset: the default graph is the union of the study graphs, the ontology
graph and the vocabulary graphs (the saved queries need the vocabularies for labels, hierarchies and
mappings), unless ``graphs`` names the study graphs to use, in which case the default graph is those
graphs merged with the ontology and vocabulary graphs. On the embedded store that is pyoxigraph's
``use_default_graph_as_union`` or ``default_graph``; on an endpoint it is the endpoint's own default
graph (Oxigraph ``--union-default-graph``, Virtuoso, GraphDB and Fuseki's union setting behave so) or
the SPARQL 1.1 Protocol's ``default-graph-uri`` parameters.

Answers come back as :class:`kg.query.results.QueryResult`, whose cells mirror the SPARQL 1.1 JSON
results format, so :func:`kg.query.results.render` gives identical output whichever target answered.
:func:`check_values` asks the same target, before a query runs, whether its parameter values occur in
the data, so that a mistyped value is reported instead of answered with no rows. :func:`labels_of`
asks it, in one more query, for the labels of the IRIs in an answer, which the tables people read show.
"""

from __future__ import annotations

import ast
import base64
import json
import logging
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from pyoxigraph import NamedNode, QueryBoolean, QuerySolutions, RdfFormat, Store

from kg import __version__
from kg.build.store import ONTOLOGY_GRAPH, ontology_quads, vocabulary_graph
from kg.errors import InputError
from kg.ontology import resources
from kg.ontology.iso3166 import REGIONS_GRAPH
from kg.ontology.loading import parse_rdf
from kg.query.ordering import order_rows
from kg.query.parameters import Parameter, ParameterisedQuery, Term, near_misses
from kg.query.results import Cell, EndpointError, QueryResult
from kg.query.sparql_text import prologue, query_form, split_order, strip_comments

logger = logging.getLogger(__name__)

# Environment variables holding endpoint credentials (never taken from the command line).
ENV_USER = "ICGP_ENDPOINT_USER"
ENV_PASSWORD = "ICGP_ENDPOINT_PASSWORD"
ENV_TOKEN = "ICGP_ENDPOINT_TOKEN"
# Queries longer than this go by POST: GET URLs that long are refused by many servers (HTTP 414).
POST_THRESHOLD = 1500
DEFAULT_TIMEOUT = 60.0
# Virtuoso's errors for a sort it cannot do: it stores whole rows to sort them, and a row holding a string
# over about 4 KB does not fit (queries/README.md, "Store deviations").
_SORT_REFUSED = re.compile(r"\bSR(?:319|478)\b")

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


# -- targets --------------------------------------------------------------------------------------


def reference_graphs() -> list[str]:
    """Names of the graphs holding the ontology and each vocabulary, and the shared regions graph (the ISO
    3166 regions the stored studies use)."""
    return (
        [ONTOLOGY_GRAPH.value]
        + [vocabulary_graph(p).value for p in resources.vocabulary_files()]
        + [REGIONS_GRAPH]
    )


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


class _CredentialsStayHome(urllib.request.HTTPRedirectHandler):
    """Follows a query's redirect (an endpoint may move), but never hands the Authorization header to
    another host: urllib would copy it to wherever the redirect points."""

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: Any,
        code: int,
        msg: str,
        headers: Any,
        newurl: str,
    ) -> urllib.request.Request | None:
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if (
            new is not None
            and urllib.parse.urlsplit(newurl).netloc != urllib.parse.urlsplit(req.full_url).netloc
        ):
            for name in [n for n in new.headers if n.lower() == "authorization"]:
                del new.headers[name]
        return new


_QUERY_OPENER = urllib.request.build_opener(_CredentialsStayHome())


def _open_query(request: urllib.request.Request, timeout: float | None = None) -> Any:
    """SPARQLWrapper's way of opening a request, through the opener that keeps credentials at home."""
    return _QUERY_OPENER.open(request) if timeout is None else _QUERY_OPENER.open(request, timeout=timeout)


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
        """Send a query (GET, or POST when long or when graphs are named) and read the JSON answer.

        When the endpoint refuses to sort the answer (Virtuoso's SR319 and SR478), the query is sent
        again without its ORDER BY, LIMIT and OFFSET, and the rows are put in its order on the client
        (:func:`kg.query.ordering.order_rows`): the same rows, in the order SPARQL gives them."""
        try:
            return self._send(text, graphs)
        except EndpointError as exc:
            code = _SORT_REFUSED.search(str(exc))
            if code is None:
                raise
            refused, reason = exc, code.group()
        return self._sorted_here(text, graphs, refused, reason)

    def _sorted_here(
        self, text: str, graphs: Sequence[str], refused: EndpointError, reason: str
    ) -> QueryResult:
        """The query's rows fetched unordered and sorted on the client; ``refused`` (the endpoint's
        refusal to sort, for ``reason``) when the order cannot be had so."""
        text = strip_comments(text)
        ordering = split_order(text)
        if ordering is None:
            raise refused
        unordered = self._send(ordering.unordered, graphs)
        try:
            result = order_rows(unordered, ordering, prologue(text))
        except InputError as exc:
            raise EndpointError(f"{refused}; nor can the rows be sorted on the client: {exc}") from refused
        logger.warning(
            "%s could not sort the answer (%s): its %d rows were sorted on the client",
            self.url,
            reason,
            len(result.rows),
        )
        return result

    def _send(self, text: str, graphs: Sequence[str]) -> QueryResult:
        """One request to the endpoint, its JSON answer read; EndpointError when it fails."""
        from SPARQLWrapper import JSON, POST, URLENCODED, SPARQLWrapper, Wrapper
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        # SPARQLWrapper opens its requests with the module's urlopener; ours strips credentials on a
        # redirect to another host (the same for every thread, so setting it each time is harmless).
        setattr(Wrapper, "urlopener", _open_query)  # noqa: B010 (a module global SPARQLWrapper does not export)

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
        return QueryResult.from_json(data, ask=client.queryType == "ASK")


# -- labels of the IRIs in an answer -------------------------------------------------------------

_SKOS_PREF_LABEL = "http://www.w3.org/2004/02/skos/core#prefLabel"
_RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
# IRIs per label query: one query for any ordinary answer, bounded requests for huge ones.
LABEL_BATCH = 1000


def _label_rank(language: str | None, prop: str, text: str) -> tuple[int, int, str]:
    """English first (then English variants, untagged, other languages); skos:prefLabel before
    rdfs:label; then the text itself, so that the choice never depends on the order of the answer."""
    lang = (language or "").lower()
    by_language = 0 if lang == "en" else 1 if lang.startswith("en-") else 2 if not lang else 3
    return by_language, 0 if prop == _SKOS_PREF_LABEL else 1, text


def labels_of(target: Target, result: QueryResult, graphs: Sequence[str] = ()) -> dict[str, str]:
    """The label of every IRI in ``result`` that has one (skos:prefLabel or rdfs:label, English first),
    asked of the same target in one query per :data:`LABEL_BATCH` IRIs, over a ``VALUES`` block."""
    iris: dict[str, None] = {}
    for row in result.rows:
        for cell in row:
            if cell is not None and cell.kind == "uri":
                iris.setdefault(cell.value)
    terms: list[str] = []
    for iri in iris:
        try:
            terms.append(str(NamedNode(iri)))
        except ValueError:
            continue  # an endpoint's answer may hold an IRI that cannot be written back into a query
    best: dict[str, tuple[tuple[int, int, str], str]] = {}
    for start in range(0, len(terms), LABEL_BATCH):
        query = (
            "SELECT DISTINCT ?iri ?property ?label WHERE {\n"
            f"  VALUES ?iri {{ {' '.join(terms[start : start + LABEL_BATCH])} }}\n"
            # One branch per property, not a VALUES of properties: Oxigraph then scans the whole store
            # for ?iri ?property ?label (0.5 s on a million triples instead of 10 ms).
            f"  {{ ?iri <{_SKOS_PREF_LABEL}> ?label BIND(<{_SKOS_PREF_LABEL}> AS ?property) }}\n"
            f"  UNION {{ ?iri <{_RDFS_LABEL}> ?label BIND(<{_RDFS_LABEL}> AS ?property) }}\n"
            "  FILTER(isLiteral(?label))\n"
            "}\n"
        )
        answer = target.run(query, graphs)
        for row in answer.rows:
            named = dict(zip(answer.variables, row, strict=True))
            iri_cell, prop_cell, label_cell = named.get("iri"), named.get("property"), named.get("label")
            if iri_cell is None or prop_cell is None or label_cell is None or not label_cell.value.strip():
                continue
            rank = _label_rank(label_cell.language, prop_cell.value, label_cell.value)
            known = best.get(iri_cell.value)
            if known is None or rank < known[0]:
                best[iri_cell.value] = (rank, label_cell.value)
    return {iri: label for iri, (_, label) in sorted(best.items())}


# -- sources of data for the embedded store -------------------------------------------------------


def sample_store() -> Store:
    """The bundled sample study, built into a fresh in-memory store with the ontology and vocabularies."""
    from kg.build.sources import open_source

    return open_source(None).store


def package_store(path: Path) -> Store:
    """A study package checked and built into a fresh in-memory store (nothing is written to disk)."""
    from kg.build.study import build_package

    built = build_package(path)
    # The store is new and in memory: what store_study would leave in it (ontology, vocabularies, the
    # study's graph and its regions) goes straight in, without staging graphs kept for on-disk stores.
    store = Store()
    store.extend([*ontology_quads(), *built.result.quads, *built.result.regions])
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
    store.extend(ontology_quads())  # a new store: nothing to compare with or replace
    for path in paths:
        rdf_format = RDF_SUFFIXES.get(path.suffix.lower())
        if rdf_format is None:
            raise InputError(
                f"{path}: unknown RDF file type {path.suffix!r}; use one of {', '.join(sorted(RDF_SUFFIXES))}"
            )
        if not path.is_file():
            raise InputError(f"{path}: no such file")
        try:
            # The guarded reader: no XML entities, bounded nesting and literal sizes (docs/security.md).
            quads = parse_rdf(path, rdf_format, base_iri=path.resolve().as_uri(), rename_blank_nodes=True)
            store.extend(quads)
        except (SyntaxError, ValueError) as exc:
            raise InputError(f"{path} is not valid {rdf_format.name}: {exc}") from exc
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc}") from exc
    return store


# -- checking parameter values against the data ---------------------------------------------------

_SHOWN_VALUES = 10


def _occurs(target: Target, term: NamedNode, graphs: Sequence[str]) -> bool:
    """True if the IRI occurs in the data the target answers from, in any position of a triple."""
    ask = (
        f"ASK {{ VALUES ?term {{ {term} }}\n"
        "  { ?term ?p ?o } UNION { ?s ?p ?term } UNION { ?s ?term ?o } }"
    )
    return bool(target.run(ask, graphs).boolean)


def _data_values(target: Target, param: Parameter, graphs: Sequence[str]) -> list[str]:
    """The values a text parameter can match in the data: the ?value column of its data_values query."""
    assert param.data_values is not None
    result = target.run(param.data_values, graphs)
    if "value" not in result.variables:
        return []
    column = result.variables.index("value")
    return sorted({cell.value for row in result.rows if (cell := row[column]) is not None})


def check_values(
    target: Target,
    query: ParameterisedQuery,
    bindings: Mapping[str, Term],
    given: Mapping[str, str],
    graphs: Sequence[str] = (),
) -> list[str]:
    """Check bound parameter values against the data before the query runs, so that none fails silently.

    An IRI that occurs nowhere in the data, and a text value that is not among the values its
    ``data_values`` query finds, are returned as warnings (one line each). A text value the user gave
    that nearly matches a value of the data (``EU27`` for ``EU27_2020``, ``10_49`` for ``10-49``) is an
    InputError naming the value to give instead; a default that does so is only a warning."""
    warnings: list[str] = []
    where = f"the data ({target.description})"
    for param in query.parameters:
        term = bindings.get(param.variable)
        if term is None:
            continue
        what = f"parameter {param.name!r}"
        default = "" if param.name in given else " (the query's default)"
        if isinstance(term, NamedNode):
            if not _occurs(target, term, graphs):
                warnings.append(
                    f"{what}: {term}{default} does not occur in {where}, so nothing will match it; check the "
                    f"value (or the data queried)"
                )
            continue
        if param.data_values is None:
            continue
        value = term.value
        found = _data_values(target, param, graphs)
        if value in found:
            continue
        if not found:
            warnings.append(f"{what}: {where} has no values for it, so nothing will match {value!r}{default}")
            continue
        near = near_misses(value, found)
        if near:
            options = " or ".join(repr(v) for v in near)
            message = (
                f"{what}: {value!r}{default} does not occur in {where}; did you mean {options}? "
                f"(give --param {param.name}={near[0]})"
            )
            if not default:
                raise InputError(message)
            warnings.append(message)
            continue
        shown = ", ".join(found[:_SHOWN_VALUES]) + (
            f", ... ({len(found)} in all)" if len(found) > _SHOWN_VALUES else ""
        )
        warnings.append(
            f"{what}: {value!r}{default} does not occur in {where}, so nothing will match it; the values "
            f"there: {shown}"
        )
    return warnings
