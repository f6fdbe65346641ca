"""Upload a study graph (and the ontology and vocabularies) to a triple store's Graph Store endpoint.

Uploads follow the SPARQL 1.1 Graph Store HTTP Protocol with indirect graph identification:
``PUT {endpoint}?graph={IRI}`` replaces the graph (the default), ``POST`` adds to it. The body is
N-Triples. The saved queries need the ontology and vocabulary graphs beside the study graph, so those
are uploaded too, each to its own graph, unless the caller says not to.

Credentials come from the environment (``ICGP_ENDPOINT_TOKEN``, or ``ICGP_ENDPOINT_USER`` and
``ICGP_ENDPOINT_PASSWORD``), never from arguments, so they do not end up in shell histories.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import IO, Any

from pyoxigraph import BlankNode, DefaultGraph, NamedNode, RdfFormat, Triple, serialize

from kg import __version__
from kg.build.store import ontology_quads
from kg.errors import IcgpError, InputError
from kg.ontology.iso3166 import REGIONS_GRAPH
from kg.ontology.loading import parse_rdf
from kg.query.parameters import iri_term
from kg.query.run import (
    ENV_PASSWORD,
    ENV_TOKEN,
    ENV_USER,
    RDF_SUFFIXES,
    auth_header,
    read_only_store,
    reference_graphs,
    server_message,
)

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

DEFAULT_CHUNK = 100_000
"""Most triples per request: a larger graph goes as a PUT of the first chunk, then POSTs of the rest."""
CHUNK_BYTES = 512 * 1024
"""Most N-Triples bytes per request (about): small enough for any server's request limit, and a failed
request costs little to send again."""


def _digest_authorization(request: urllib.request.Request, timeout: float) -> str | None:
    """The ``Authorization`` value answering the server's HTTP Digest challenge for ``request``, or
    ``None`` when no user and password are set or the server does not ask for Digest.

    The challenge is fetched with a body-less GET of the same URL: a server that refuses a request
    answers before reading a large body and closes the connection, so the upload itself cannot carry
    the challenge back. The password goes only to this URL's realm."""
    user = os.environ.get(ENV_USER)
    if not user or os.environ.get(ENV_TOKEN):
        return None
    probe = urllib.request.Request(request.full_url, method="GET")
    try:
        with _OPENER.open(probe, timeout=timeout):
            return None
    except urllib.error.HTTPError as exc:
        challenge = exc.headers.get("WWW-Authenticate", "") if exc.code == 401 else ""
        exc.close()
    except (urllib.error.URLError, OSError):
        return None
    scheme, _, rest = challenge.partition(" ")
    if scheme.lower() != "digest":
        return None
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, request.full_url, user, os.environ.get(ENV_PASSWORD, ""))
    fields = urllib.request.parse_keqv_list([f for f in urllib.request.parse_http_list(rest) if f])
    answer = urllib.request.HTTPDigestAuthHandler(passwords).get_authorization(request, fields)
    return f"Digest {answer}" if answer else None


def _open(endpoint: str, request: urllib.request.Request, timeout: float) -> Any:
    """Send ``request``; when Basic credentials are refused, answer an HTTP Digest challenge once.

    Basic credentials and tokens go with the first request (no extra round trip for the common case). A
    Digest server (Virtuoso's authenticated Graph Store) refuses them with a bare 401, or closes the
    connection while a large body is still on its way; the request then goes again with the Digest
    answer (see :func:`_digest_authorization`)."""
    try:
        return _OPENER.open(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        if exc.code != 401:
            raise
        refused: Exception = exc
    except (urllib.error.URLError, ConnectionError) as exc:
        refused = exc
    digest = _digest_authorization(request, timeout)
    if digest is None:
        raise refused
    if isinstance(refused, urllib.error.HTTPError):
        refused.close()
    request.add_unredirected_header("Authorization", digest)
    return _OPENER.open(request, timeout=timeout)


def chunks(triples: Sequence[Triple], size: int, max_bytes: int = CHUNK_BYTES) -> list[list[Triple]]:
    """``triples`` in runs of at most ``size`` triples and about ``max_bytes`` of N-Triples, never
    splitting what one blank node connects (such a group may exceed both bounds).

    Each request is parsed on its own, so a blank node label in two requests would become two nodes:
    the triples that share blank nodes (directly or through each other) stay in one chunk."""
    parent: dict[str, str] = {}

    def root(label: str) -> str:
        while parent.setdefault(label, label) != label:
            parent[label] = parent[parent[label]]
            label = parent[label]
        return label

    def blanks(triple: Triple) -> list[str]:
        return [t.value for t in (triple.subject, triple.object) if isinstance(t, BlankNode)]

    for triple in triples:
        labels = blanks(triple)
        for other in labels[1:]:
            parent[root(other)] = root(labels[0])
    groups: dict[str, list[Triple]] = {}
    units: list[list[Triple]] = []
    for triple in triples:
        labels = blanks(triple)
        if not labels:
            units.append([triple])
            continue
        key = root(labels[0])
        if key not in groups:
            groups[key] = []
            units.append(groups[key])
        groups[key].append(triple)
    result: list[list[Triple]] = [[]]
    filled = 0
    for unit in units:
        weight = sum(len(str(triple)) + 3 for triple in unit)  # " .\n" ends each N-Triples line
        if result[-1] and (len(result[-1]) + len(unit) > size or filled + weight > max_bytes):
            result.append([])
            filled = 0
        result[-1].extend(unit)
        filled += weight
    return result


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
        if result.regions:
            # The shared regions graph keeps its name even with --graph: it is not the study's data.
            found[REGIONS_GRAPH] = [quad.triple for quad in result.regions]
    elif path.is_dir():
        store = read_only_store(path)
        for quad in store.quads_for_pattern(None, None, None, None):
            name = quad.graph_name
            if isinstance(name, NamedNode):
                if name.value not in reference or name.value == REGIONS_GRAPH:
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
        with _open(endpoint, request, timeout) as response:
            return int(response.status)
    except urllib.error.HTTPError as exc:
        if 300 <= exc.code < 400:
            raise PublishError(_redirect_message(exc, endpoint, graph, verb)) from exc
        message = server_message(exc.read())
        hint = ""
        if exc.code == 401:
            hint = (
                "; the server wants credentials: set ICGP_ENDPOINT_TOKEN, or ICGP_ENDPOINT_USER and "
                "ICGP_ENDPOINT_PASSWORD (Basic and Digest both work; for Virtuoso use "
                "/sparql-graph-crud-auth and a user with the SPARQL_UPDATE role)"
            )
        elif exc.code == 403:
            hint = (
                "; the server knows who you are but does not let you write: give this user write access "
                "to the graph on the server (Virtuoso: grant SPARQL_UPDATE)"
            )
        elif exc.code == 413:
            hint = (
                "; the request was larger than the server accepts: raise its request size limit, or "
                "send smaller requests with --chunk-size"
            )
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
    chunk: int = DEFAULT_CHUNK,
    sent: Callable[[str, int, int], None] | None = None,
) -> PublishReport:
    """Upload the study data at ``path`` (and the ontology and vocabularies) to a Graph Store endpoint.

    Study graphs go first; the first failed upload stops the run with a PublishError. A graph of more
    than ``chunk`` triples goes in several requests (see :func:`chunks`): the first replaces or adds,
    the others add. ``sent(graph, triples_sent, triples_in_graph)`` is called after each request."""
    if chunk < 1:
        raise InputError(f"the chunk size must be at least 1 triple, not {chunk}")
    check_endpoint(endpoint)
    data = study_data(path, graph)
    report = PublishReport(endpoint, replace)

    def batches() -> Iterator[tuple[str, list[Triple], bool]]:
        yield from ((name, triples, False) for name, triples in data.items() if name != REGIONS_GRAPH)
        if vocabularies:
            # Read only once the study graphs are stored: a refused first upload parses no vocabulary.
            by_graph: dict[str, list[Triple]] = {}
            for quad in ontology_quads():
                if isinstance(quad.graph_name, NamedNode):
                    by_graph.setdefault(quad.graph_name.value, []).append(quad.triple)
            yield from ((name, by_graph[name], True) for name in sorted(by_graph))
        if REGIONS_GRAPH in data:
            # Sent with or without the vocabularies: the study's regions are part of what it needs.
            yield REGIONS_GRAPH, data[REGIONS_GRAPH], True

    for name, triples, reference in batches():
        # Reference graphs are always replaced: adding them twice would only duplicate nothing, but a
        # replaced vocabulary must not keep concepts that a newer version dropped.
        status, done = 0, 0
        for number, part in enumerate(chunks(triples, chunk)):
            try:
                # The regions graph is shared by every study on the server: added to, never replaced.
                first = number == 0 and name != REGIONS_GRAPH
                answer = send_graph(endpoint, name, part, (replace or reference) and first, timeout)
            except PublishError as exc:
                if number == 0:
                    raise
                raise PublishError(
                    f"{exc}; only the first {done} of the graph's {len(triples)} triples were stored, "
                    "so publish again"
                ) from exc
            # The first request's status is the graph's: it created or replaced it (201, 204).
            status = status or answer
            done += len(part)
            if sent is not None:
                sent(name, done, len(triples))
        upload = Upload(name, len(triples), status, reference)
        report.uploads.append(upload)
        if progress is not None:
            progress(upload)
    return report
