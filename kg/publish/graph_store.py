"""Upload a study graph (and the ontology and vocabularies) to a triple store's Graph Store endpoint.

Uploads follow the SPARQL 1.1 Graph Store HTTP Protocol with indirect graph identification:
``PUT {endpoint}?graph={IRI}`` replaces the graph (the default), ``POST`` adds to it. The body is
N-Triples. The saved queries need the ontology and vocabulary graphs beside the study graph, so those
are uploaded too, each to its own graph, unless the caller says not to.

Credentials come from the environment (``ICGP_ENDPOINT_TOKEN``, or ``ICGP_ENDPOINT_USER`` and
``ICGP_ENDPOINT_PASSWORD``), never from arguments, so they do not end up in shell histories.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import IO

from pyoxigraph import DefaultGraph, NamedNode, RdfFormat, Triple, serialize

from kg import __version__
from kg.build.store import ontology_quads
from kg.errors import IcgpError, InputError
from kg.ontology.loading import parse_rdf
from kg.query.parameters import iri_term
from kg.query.run import RDF_SUFFIXES, auth_header, read_only_store, reference_graphs, server_message

DEFAULT_TIMEOUT = 300.0
_MEDIA_TYPE = "application/n-triples"


class PublishError(IcgpError):
    """An upload failed: the endpoint could not be reached or answered with an HTTP error."""


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """Follow no redirect, so that a 3xx reaches the caller as an HTTPError.

    urllib would turn a redirected POST into a body-less GET (the upload is lost while the final 200
    looks like success) and would send the Authorization header on to whatever host the Location names.
    """

    def redirect_request(
        self,
        req: urllib.request.Request,
        fp: IO[bytes],
        code: int,
        msg: str,
        headers: Message,
        newurl: str,
    ) -> urllib.request.Request | None:
        return None


# Built once: an opener is only a list of handlers; the proxy settings still come from the environment.
_OPENER = urllib.request.build_opener(_RefuseRedirects)


def check_endpoint(endpoint: str, option: str = "--endpoint") -> None:
    """Refuse an ``--endpoint`` that is not an absolute http(s) URL with a host (InputError).

    The scheme rule is the one queries use (kg.query.run.EndpointTarget); uploads also need a host, and
    no spaces, control characters or fragment, which would otherwise fail later as a network error.
    ``option`` names the option in the message: releases check ``--files-url`` with the same rule, as
    the URL ends up in ``.htaccess``, VoID and DCAT."""
    if not endpoint.startswith(("http://", "https://")):
        raise InputError(f"{option} {endpoint!r} must be an http:// or https:// URL")
    if any(char.isspace() or not char.isprintable() for char in endpoint):
        raise InputError(
            f"{option} {endpoint!r} contains a space or a control character; percent-encode it (%20)"
        )
    try:
        parts = urllib.parse.urlsplit(endpoint)
        parts.port  # noqa: B018 - read only to validate it: a bad port raises ValueError
    except ValueError as exc:
        raise InputError(f"{option} {endpoint!r} is not a valid URL: {exc}") from exc
    if not parts.hostname:
        raise InputError(f"{option} {endpoint!r} names no host; give e.g. http://HOST:PORT/store")
    if parts.fragment or endpoint.endswith("#"):
        raise InputError(f"{option} {endpoint!r} has a #fragment, which is never sent to a server; drop it")


def _printable(text: str, limit: int = 500) -> str:
    """A server-supplied string made safe for a one-line terminal message (no escape sequences)."""
    text = "".join(char if char.isprintable() else f"\\x{ord(char):02x}" for char in text)
    return text[:limit] + ("..." if len(text) > limit else "")


def _redirect_message(exc: urllib.error.HTTPError, endpoint: str, graph: str, verb: str) -> str:
    """Why a 3xx answer is a failed upload, and where the user might publish instead."""
    status = f"HTTP {exc.code} {exc.reason}"
    location = exc.headers.get("Location") if exc.headers is not None else None
    if not location:
        return f"could not {verb} graph <{graph}>: {endpoint} answered {status} instead of storing it"
    target = urllib.parse.urljoin(graph_url(endpoint, graph), location)
    # The Location usually repeats the ?graph= parameter this upload added; the endpoint is the rest.
    query = urllib.parse.urlencode({"graph": graph})
    for suffix in (f"?{query}", f"&{query}"):
        if target.endswith(suffix):
            target = target[: -len(suffix)]
            break
    return (
        f"could not {verb} graph <{graph}>: {endpoint} redirected to {_printable(target)} ({status}); "
        "uploads do not follow redirects, so nothing was stored or sent there; if that is the right "
        "endpoint, publish to that URL directly"
    )


@dataclass(frozen=True)
class Upload:
    """One graph sent to the endpoint."""

    graph: str
    triples: int
    status: int
    reference: bool = False  # the ontology or a vocabulary, not study data


@dataclass
class PublishReport:
    """What was sent where."""

    endpoint: str
    replace: bool
    uploads: list[Upload] = field(default_factory=list)

    @property
    def study_triples(self) -> int:
        """Triples of study data sent."""
        return sum(u.triples for u in self.uploads if not u.reference)

    @property
    def reference_triples(self) -> int:
        """Triples of the ontology and vocabularies sent."""
        return sum(u.triples for u in self.uploads if u.reference)


def study_data(path: Path, graph: str | None = None) -> dict[str, list[Triple]]:
    """The study triples to publish from a package, an on-disk store or an RDF file, by target graph.

    With ``graph`` everything goes into that one graph; otherwise each graph keeps its own name
    (a package's study graph, a store's named graphs, the graphs of an N-Quads or TriG file)."""
    target = None if graph is None else iri_term(graph, "--graph").value
    found: dict[str, list[Triple]] = {}
    unnamed: list[Triple] = []
    reference = set(reference_graphs())

    def add(name: str | None, triple: Triple) -> None:
        if target is not None:
            found.setdefault(target, []).append(triple)
        elif name is None:
            unnamed.append(triple)
        else:
            found.setdefault(name, []).append(triple)

    if (path.is_dir() and (path / "datapackage.yaml").is_file()) or path.suffix.lower() == ".zip":
        from kg.build.study import build_package

        result = build_package(path).result
        for quad in result.quads:
            add(result.graph.value, quad.triple)
    elif path.is_dir():
        store = read_only_store(path)
        for quad in store.quads_for_pattern(None, None, None, None):
            name = quad.graph_name
            if isinstance(name, NamedNode):
                if name.value not in reference:
                    add(name.value, quad.triple)
            elif isinstance(name, DefaultGraph):
                add(None, quad.triple)
    elif path.is_file():
        rdf_format = RDF_SUFFIXES.get(path.suffix.lower())
        if rdf_format is None:
            raise InputError(
                f"{path}: unknown file type {path.suffix!r}; give a study package, a store folder or an RDF "
                f"file ({', '.join(sorted(RDF_SUFFIXES))})"
            )
        try:
            # Triple formats come back in the default graph, as --graph expects.
            quads = parse_rdf(path, rdf_format, rename_blank_nodes=True)
        except (SyntaxError, ValueError) as exc:
            raise InputError(f"{path} is not valid {rdf_format.name}: {exc}") from exc
        except OSError as exc:
            raise InputError(f"cannot read {path}: {exc.strerror or exc}") from exc
        for quad in dict.fromkeys(quads):  # a file may state a triple twice; a store keeps it once
            name = quad.graph_name
            add(name.value if isinstance(name, NamedNode) else None, quad.triple)
    else:
        raise InputError(f"{path}: no such file or folder")
    if unnamed:
        raise InputError(
            f"{path} has {len(unnamed)} triple(s) outside any named graph; say where they go with --graph IRI"
        )
    if not found:
        raise InputError(f"{path} holds no study data to publish")
    return found


def graph_url(endpoint: str, graph: str) -> str:
    """The Graph Store URL of one graph (indirect identification: ``?graph=IRI``)."""
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}{urllib.parse.urlencode({'graph': graph})}"


def send_graph(endpoint: str, graph: str, triples: Sequence[Triple], replace: bool, timeout: float) -> int:
    """PUT (replace) or POST (add) one graph as N-Triples; return the HTTP status.

    A redirect is a failure (PublishError), never followed: see ``_RefuseRedirects``."""
    body = serialize(list(triples), format=RdfFormat.N_TRIPLES) or b""
    request = urllib.request.Request(
        graph_url(endpoint, graph),
        data=body,
        method="PUT" if replace else "POST",
        headers={
            "Content-Type": _MEDIA_TYPE,
            "Content-Length": str(len(body)),
            "User-Agent": f"icgp/{__version__} (https://w3id.org/icgp)",
        },
    )
    header = auth_header()
    if header:
        # Unredirected: even if a redirect were ever followed, the credentials stay with this request.
        request.add_unredirected_header("Authorization", header)
    verb = "replace" if replace else "add to"
    try:
        with _OPENER.open(request, timeout=timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        if 300 <= exc.code < 400:
            raise PublishError(_redirect_message(exc, endpoint, graph, verb)) from exc
        message = server_message(exc.read())
        hint = ""
        if exc.code in (401, 403):
            hint = "; set ICGP_ENDPOINT_TOKEN, or ICGP_ENDPOINT_USER and ICGP_ENDPOINT_PASSWORD"
        elif exc.code in (404, 405):
            hint = "; is this the Graph Store endpoint (for Oxigraph: http://HOST:PORT/store)?"
        raise PublishError(
            f"could not {verb} graph <{graph}> at {endpoint}: HTTP {exc.code} {exc.reason}"
            f"{': ' + message if message else ''}{hint}"
        ) from exc
    except urllib.error.URLError as exc:
        raise PublishError(
            f"could not {verb} graph <{graph}>: cannot reach {endpoint}: {exc.reason}"
        ) from exc
    except TimeoutError as exc:
        raise PublishError(
            f"could not {verb} graph <{graph}>: {endpoint} did not answer within {timeout:g} s"
        ) from exc
    except OSError as exc:
        raise PublishError(f"could not {verb} graph <{graph}> at {endpoint}: {exc}") from exc


def publish(
    path: Path,
    endpoint: str,
    graph: str | None = None,
    *,
    replace: bool = True,
    vocabularies: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
    progress: Callable[[Upload], None] | None = None,
) -> PublishReport:
    """Upload the study data at ``path`` (and the ontology and vocabularies) to a Graph Store endpoint.

    Study graphs go first; the first failed upload stops the run with a PublishError."""
    check_endpoint(endpoint)
    data = study_data(path, graph)
    report = PublishReport(endpoint, replace)
    batches: list[tuple[str, list[Triple], bool]] = [(name, triples, False) for name, triples in data.items()]
    if vocabularies:
        by_graph: dict[str, list[Triple]] = {}
        for quad in ontology_quads():
            if isinstance(quad.graph_name, NamedNode):
                by_graph.setdefault(quad.graph_name.value, []).append(quad.triple)
        batches += [(name, by_graph[name], True) for name in sorted(by_graph)]
    for name, triples, reference in batches:
        # Reference graphs are always replaced: adding them twice would only duplicate nothing, but a
        # replaced vocabulary must not keep concepts that a newer version dropped.
        status = send_graph(endpoint, name, triples, replace or reference, timeout)
        upload = Upload(name, len(triples), status, reference)
        report.uploads.append(upload)
        if progress is not None:
            progress(upload)
    return report
