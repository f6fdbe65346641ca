"""rdflib SPARQL queries parsed once per text, for pySHACL.

pySHACL hands rdflib the text of a SPARQL constraint each time a shape uses it, and rdflib parses every
text anew with pyparsing: on the study's shapes, 49 parses of 10 distinct texts took 90 % of a small
validation. A parsed and translated query (rdflib's "prepared" query) is made to be evaluated many
times, and evaluating it is exactly what rdflib does after parsing a text, so reusing it changes no
answer. pySHACL writes a query's PREFIX lines in no fixed order; they are sorted before the text is
looked up, which leaves its meaning alone while no prefix is declared twice.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

from rdflib.plugins.sparql import processor
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.sparql import Query

_LOCK = threading.RLock()
_PREFIX = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*<[^<>\s]*>")


def _normalised(text: str) -> str:
    """``text`` with its leading PREFIX lines sorted (unchanged when a prefix is declared twice)."""
    lines = text.split("\n")
    head: list[str] = []
    while len(head) < len(lines) and _PREFIX.fullmatch(lines[len(head)].strip()):
        head.append(lines[len(head)].strip())
    names = [_PREFIX.fullmatch(line).group(1) for line in head]  # type: ignore[union-attr]
    if len(set(names)) != len(names):
        return text
    return "\n".join([*sorted(head), *lines[len(head) :]])


@lru_cache(maxsize=512)
def _translated(text: str, base: str | None, namespaces: tuple[tuple[str, Any], ...]) -> Query:
    return translateQuery(parseQuery(text), base, dict(namespaces))


@contextmanager
def queries_parsed_once() -> Iterator[None]:
    """Inside the block, rdflib evaluates a SPARQL text it has parsed before without parsing it again.

    The block holds a process-wide lock: it swaps rdflib's SPARQL processor method for the time of the
    block, so two such blocks never interleave."""
    original = processor.SPARQLProcessor.query

    def query(
        self: processor.SPARQLProcessor,
        strOrQuery: str | Query,  # noqa: N803 (rdflib's parameter names)
        initBindings: Mapping[str, Any] | None = None,  # noqa: N803
        initNs: Mapping[str, Any] | None = None,  # noqa: N803
        base: str | None = None,
        DEBUG: bool = False,  # noqa: N803
    ) -> Mapping[str, Any]:
        prepared = (
            _translated(_normalised(strOrQuery), base, tuple(sorted((initNs or {}).items())))
            if isinstance(strOrQuery, str)
            else strOrQuery
        )
        return original(self, prepared, initBindings, initNs, base, DEBUG)

    with _LOCK:
        processor.SPARQLProcessor.query = query  # type: ignore[method-assign]
        try:
            yield
        finally:
            processor.SPARQLProcessor.query = original  # type: ignore[method-assign]
