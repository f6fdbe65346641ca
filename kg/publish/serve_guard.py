"""What ``icgp serve`` checks before it answers: SERVICE calls, the Host and Origin headers, private data.

- A query may not use ``SERVICE`` (the server would fetch any URL for the caller) unless the endpoint
  is one ``--allow-service`` names. The query is parsed (rdflib's SPARQL parser) and every
  ``SERVICE`` node of the parse tree is checked; a lexical scan of the keyword outside strings, IRIs
  and comments backs the parser up, so a query the two read differently is refused, not run.
- The ``Host`` header must name the address the server is bound to (or ``localhost`` on loopback): a
  web page that rebinds its own DNS name to 127.0.0.1 sends its own name and is refused.
- A cross-origin request is refused unless ``--cors`` names its origin.
- Quotes and survey answers are left out of what is served unless the study allows them, as releases do.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from pyoxigraph import DefaultGraph, Quad, Store

from kg.errors import InputError
from kg.publish.privacy import Policy, recorded_policy, strip_private

# Strings (long forms first), IRIs and comments, in the order the SPARQL grammar reads them; what is
# left holds the keywords. An IRI cannot hold spaces, so "?a < ?b" is no IRI.
_SKIPPED = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n\r]*",
    re.DOTALL,
)
# SERVICE as a keyword: not part of a variable (?service), a prefixed name (ex:service, service:x) or
# a longer word.
_SERVICE = re.compile(r"(?<![\w:?$.\-])SERVICE(?![\w:\-])", re.IGNORECASE)
_UNICODE_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")


def _unescaped(text: str) -> str:
    """The query with ``\\uXXXX`` escapes decoded: SPARQL allows them anywhere, keywords included."""
    return _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1) or m.group(2), 16)), text)


def _lexical_services(text: str) -> int:
    return len(_SERVICE.findall(_SKIPPED.sub(" ", _unescaped(text))))


def _parsed_services(text: str) -> list[str | None] | None:
    """The endpoint of every SERVICE in the parse tree (None for a variable), or None if rdflib cannot
    parse the query (pyoxigraph then gives the syntax error, or the lexical scan decides)."""
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue
    from rdflib.term import URIRef

    try:
        tree = parseQuery(text)
    except Exception:  # pyparsing raises several kinds; any of them means "not parsed"
        return None
    found: list[str | None] = []
    stack: list[object] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, CompValue):
            if node.name == "ServiceGraphPattern":
                term = node.get("term")
                found.append(str(term) if isinstance(term, URIRef) else None)
            stack.extend(node.values())
        elif isinstance(node, list | tuple) or type(node).__name__ == "ParseResults":
            stack.extend(node)  # type: ignore[arg-type]
    return found


def service_refusal(text: str, allowed: Iterable[str] = ()) -> str | None:
    """Why the query may not run because of a SERVICE call, or None if it may."""
    lexical = _lexical_services(text)
    if not lexical:
        return None
    permitted = set(allowed)
    hint = "federated queries are off; start icgp serve with --allow-service URL to allow an endpoint"
    parsed = _parsed_services(text)
    if parsed is None or len(parsed) != lexical:
        return f"SERVICE is refused: the query could not be checked for the endpoints it calls; {hint}"
    for endpoint in parsed:
        if endpoint is None:
            return f"SERVICE with a variable endpoint is refused; {hint}"
        if endpoint not in permitted:
            return f"SERVICE <{endpoint}> is refused: {hint}"
    return None


def check_service_url(url: str) -> str:
    """An ``--allow-service`` value: an absolute http(s) URL with a host (InputError otherwise)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        raise InputError(f"--allow-service {url!r} must be an http:// or https:// URL with a host")
    return url


def check_origin(origin: str) -> str:
    """A ``--cors`` value: scheme, host and optional port, as browsers send in ``Origin`` (no path)."""
    parts = urlsplit(origin)
    try:
        parts.port  # noqa: B018 - read only to validate it
    except ValueError as exc:
        raise InputError(f"--cors {origin!r} has a bad port: {exc}") from exc
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or parts.path
        or parts.query
        or parts.fragment
        or parts.username
    ):
        raise InputError(
            f"--cors {origin!r} must be an origin such as https://example.org or http://localhost:8080"
        )
    return origin.lower()


def _with_port(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def host_allowed(header: str | None, bound_host: str, port: int) -> bool:
    """Whether a ``Host`` header names the bound address and port (``localhost`` too on loopback).

    On a wildcard address (0.0.0.0, ::) any IP address with the right port passes: DNS rebinding needs
    a host name, never a bare address."""
    if not header:
        return False
    value = header.strip().lower()
    names = {_with_port(bound_host.lower(), port)}
    if port == 80:
        names.add(f"[{bound_host}]" if ":" in bound_host else bound_host)
    try:
        address = ipaddress.ip_address(bound_host)
    except ValueError:
        address = None
    if address is not None and address.is_loopback:
        names |= {f"localhost:{port}"} | ({"localhost"} if port == 80 else set())
    if value in names:
        return True
    if address is not None and address.is_unspecified:
        name, _, given = value.rpartition(":")
        if value == f"localhost:{port}":
            return True
        try:
            ipaddress.ip_address(name.strip("[]"))
        except ValueError:
            return False
        return given == str(port)
    return False


def servable_quads(store: Store, given: Policy | None = None) -> tuple[list[Quad], list[str]]:
    """The quads ``icgp serve`` may serve, and notes on what was left out.

    Each graph is filtered on its own, as a release does: with ``given`` (a package's descriptor) or
    else the flags the graph records; a graph recording none keeps its quotes and answers private."""
    graphs: dict[str, list[Quad]] = {}
    for quad in store.quads_for_pattern(None, None, None, None):
        name = "" if isinstance(quad.graph_name, DefaultGraph) else quad.graph_name.value
        graphs.setdefault(name, []).append(quad)
    kept: list[Quad] = []
    notes: list[str] = []
    for name, quads in graphs.items():
        stripped = strip_private(quads, given or recorded_policy(quads) or Policy())
        kept += stripped.quads
        if stripped.quotes or stripped.responses or stripped.small_cells:
            where = f"<{name}>" if name else "the default graph"
            notes.append(
                f"{where}: not serving {stripped.quotes} quote(s), {stripped.responses} survey answer(s) "
                f"and {stripped.small_cells} small survey aggregate(s) the study keeps private"
            )
    return kept, notes
