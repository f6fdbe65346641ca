"""Rows put in a query's order on the client, for endpoints that cannot sort an answer (Virtuoso refuses
rows holding a string over about 4 KB: SR319, SR478)."""

from __future__ import annotations

import json
import logging
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import ClassVar

import pytest

from kg.errors import InputError
from kg.query.ordering import order_rows
from kg.query.results import Cell, EndpointError, QueryResult
from kg.query.run import EndpointTarget
from kg.query.sparql_text import Ordering, split_order

XSD = "http://www.w3.org/2001/XMLSchema#"
EX = "https://example.org/"


def number(value: str, kind: str = "integer") -> Cell:
    return Cell("literal", value, XSD + kind)


def text(value: str) -> Cell:
    return Cell("literal", value)


def iri(name: str) -> Cell:
    return Cell("uri", EX + name)


# Six rows as an endpoint might send them: ties, an unbound label and an unbound number, integers and a
# decimal (10 sorts after 2.5 by value, before it as text).
ROWS = QueryResult(
    ["row", "label", "n"],
    [
        (iri("r0"), text("b"), number("2")),
        (iri("r1"), None, number("1")),
        (iri("r2"), text("a"), number("10")),
        (iri("r3"), text("b"), number("2.5", "decimal")),
        (iri("r4"), text("a"), number("10")),
        (iri("r5"), text("b"), None),
    ],
)


def names(result: QueryResult) -> list[str]:
    return [str(row[0].value).removeprefix(EX) for row in result.rows if row[0] is not None]


# -- splitting the ORDER BY off -------------------------------------------------------------------


def test_split_order_takes_the_conditions_and_the_slice_and_keeps_a_trailing_values_block() -> None:
    query = (
        "PREFIX ex: <https://example.org/>\n"
        "SELECT ?a (COUNT(*) AS ?n) WHERE { ?a ex:p ?b . FILTER(?b != '}') }\n"
        "GROUP BY ?a HAVING(COUNT(*) > 1)\nORDER BY DESC(?n) ex:key(?a) LIMIT 5 OFFSET 2\n"
        "VALUES ?a { ex:x }\n"
    )
    ordering = split_order(query)
    assert ordering is not None
    assert ordering.conditions == "DESC(?n) ex:key(?a)"
    assert ordering.slice == "LIMIT 5 OFFSET 2"
    assert ordering.unordered == (
        "PREFIX ex: <https://example.org/>\n"
        "SELECT ?a (COUNT(*) AS ?n) WHERE { ?a ex:p ?b . FILTER(?b != '}') }\n"
        "GROUP BY ?a HAVING(COUNT(*) > 1)\nVALUES ?a { ex:x }\n"
    )


def test_split_order_leaves_sub_selects_and_queries_without_order() -> None:
    assert split_order("SELECT * WHERE { { SELECT ?a WHERE { ?a ?p ?o } ORDER BY ?a LIMIT 1 } }") is None
    ordering = split_order("SELECT * WHERE { ?s ?p ?o }\nORDER BY ?s")
    assert ordering == Ordering("SELECT * WHERE { ?s ?p ?o }\n", "?s", "")


# -- ordering the rows ----------------------------------------------------------------------------


def test_rows_are_put_in_sparql_order_with_ties_in_the_order_they_came() -> None:
    ordering = Ordering("", "?label DESC(?n)", "")
    # By hand: the unbound label first (r1); then "a" with its tie r2, r4 as sent; then the "b" rows by
    # number, greatest first: 2.5 (r3), 2 (r0), and the unbound number last (r5), since unbound sorts
    # lowest and DESC turns the order round.
    assert names(order_rows(ROWS, ordering)) == ["r1", "r2", "r4", "r3", "r0", "r5"]


def test_numbers_sort_by_value_and_the_slice_applies_after_the_order() -> None:
    ordering = Ordering("", "?n", "LIMIT 3 OFFSET 1")
    # By value: r5 (unbound), r1 (1), r0 (2), r3 (2.5), r2 and r4 (10); then the offset and the limit.
    assert names(order_rows(ROWS, ordering)) == ["r1", "r0", "r3"]


def test_conditions_may_be_expressions_with_the_querys_prefixes() -> None:
    ordering = Ordering("", "DESC(STRLEN(COALESCE(?label, 'zzz'))) xsd:decimal(?n)", "")
    prologue = f"PREFIX xsd: <{XSD}>\n"
    # The unbound label counts as 'zzz', the longest, so r1 comes first; the others tie on length and go
    # by number, where the cast of the unbound number is an error, which sorts as unbound: first.
    assert names(order_rows(ROWS, ordering, prologue)) == ["r1", "r5", "r0", "r3", "r2", "r4"]


def test_an_answer_keeps_its_columns_and_its_duplicate_rows() -> None:
    twice = QueryResult(["row", "label", "n"], [ROWS.rows[2], ROWS.rows[1], ROWS.rows[2]])
    ordered = order_rows(twice, Ordering("", "?label", ""))
    assert ordered.variables == ["row", "label", "n"]
    assert ordered.rows == [ROWS.rows[1], ROWS.rows[2], ROWS.rows[2]]


@pytest.mark.parametrize(
    ("conditions", "reason"),
    [("?hidden", "does not project"), ("COUNT(?n)", "COUNT"), ("EXISTS { ?row ?p ?o }", "EXISTS")],
)
def test_conditions_the_rows_alone_cannot_give_are_refused(conditions: str, reason: str) -> None:
    with pytest.raises(InputError, match=reason):
        order_rows(ROWS, Ordering("", conditions, ""))


# -- the endpoint client --------------------------------------------------------------------------


class SortRefusingEndpoint(BaseHTTPRequestHandler):
    """Answers a query with ORDER BY as Virtuoso does a sort it cannot store, and any other with ROWS."""

    queries: ClassVar[list[str]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        query = urllib.parse.parse_qs(self.rfile.read(length).decode())["query"][0]
        self.respond(query)

    def do_GET(self) -> None:
        self.respond(urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)["query"][0])

    def respond(self, query: str) -> None:
        self.queries.append(query)
        if "ORDER BY" in query:
            body = (
                b"Virtuoso 22026 Error SR319: Max row length is exceeded when trying to store a string of"
                b" 5632 chars into a temp col"
            )
            self.send_response(500)
            self.send_header("Content-Type", "text/plain")
        else:
            body = json.dumps(ROWS.to_json()).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture
def refusing_endpoint() -> Iterator[str]:
    SortRefusingEndpoint.queries = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), SortRefusingEndpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sparql"
    finally:
        server.shutdown()
        server.server_close()


def test_an_endpoint_that_cannot_sort_gets_the_query_again_unordered(
    refusing_endpoint: str, caplog: pytest.LogCaptureFixture
) -> None:
    query = "SELECT ?row ?label ?n WHERE { ?row ?label ?n }\nORDER BY ?label DESC(?n)\n"
    with caplog.at_level(logging.WARNING, logger="kg.query.run"):
        result = EndpointTarget(refusing_endpoint).run(query)
    assert names(result) == ["r1", "r2", "r4", "r3", "r0", "r5"]
    assert len(SortRefusingEndpoint.queries) == 2
    assert "ORDER BY" not in SortRefusingEndpoint.queries[1]
    assert "SR319" in caplog.text and "sorted on the client" in caplog.text


def test_an_order_the_rows_cannot_give_keeps_the_endpoints_error(refusing_endpoint: str) -> None:
    query = "SELECT ?row ?label ?n WHERE { ?row ?label ?n ; ?p ?hidden }\nORDER BY ?hidden\n"
    with pytest.raises(EndpointError, match=r"SR319.*\?hidden, which the query does not project"):
        EndpointTarget(refusing_endpoint).run(query)
