"""``icgp serve``: a read-only SPARQL endpoint on loopback, queried over HTTP with SPARQLWrapper."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import rdflib
from SPARQLWrapper import JSON, POST, TURTLE, SPARQLWrapper

REPO = Path(__file__).resolve().parent.parent
MINI = REPO / "tests" / "fixtures" / "build" / "mini"


def start(*args: str, interruptible: bool = False) -> subprocess.Popen[str]:
    """``icgp serve ARGS --port 0 --quiet`` in a process of its own; its first stdout line is the URL.

    ``interruptible`` gives the server SIGINT's default action whatever this process does with it."""
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    return subprocess.Popen(
        [sys.executable, "-c", "from cli import app; app()", "serve", *args, "--port", "0", "--quiet"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=(lambda: signal.signal(signal.SIGINT, signal.SIG_DFL)) if interruptible else None,
    )


def stop(process: subprocess.Popen[str]) -> None:
    """Stop a server started by ``start`` (by its pid) and wait for it."""
    if process.poll() is None:
        process.kill()
    process.wait(timeout=10)


@pytest.fixture(scope="module")
def endpoint() -> Iterator[tuple[str, subprocess.Popen[str]]]:
    process = start(str(MINI))
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()  # the server prints its URL once it listens
        assert url.startswith("http://127.0.0.1:") and url.endswith("/sparql"), url
        yield url, process
    finally:
        stop(process)


def test_select_and_ask_over_http_with_sparqlwrapper(endpoint: tuple[str, subprocess.Popen[str]]) -> None:
    url, _ = endpoint
    client = SPARQLWrapper(url)
    client.setReturnFormat(JSON)
    client.setQuery(
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "SELECT ?name WHERE { <https://example.org/id/mini/organisation/acme> rdfs:label ?name }"
    )
    result = client.queryAndConvert()
    assert [b["name"]["value"] for b in result["results"]["bindings"]] == ["Acme Tools"]  # type: ignore[index]
    client.setQuery("ASK { GRAPH <https://example.org/id/mini/graph> { ?s ?p ?o } }")
    assert client.queryAndConvert()["boolean"] is True  # type: ignore[index]
    client.setMethod(POST)
    client.setQuery(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/icgp/ontology#InnovationCluster> }"
    )
    assert client.queryAndConvert()["results"]["bindings"][0]["n"]["value"] == "1"  # type: ignore[index]


def test_construct_returns_turtle(endpoint: tuple[str, subprocess.Popen[str]]) -> None:
    url, _ = endpoint
    client = SPARQLWrapper(url)
    client.setReturnFormat(TURTLE)
    client.setQuery("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <https://example.org/id/mini/graph> { ?s ?p ?o } }")
    data = client.queryAndConvert()
    assert isinstance(data, bytes)
    # 278 triples less the 8 the mini study keeps private: its quote (3 triples: the selector, its type
    # and its text) and its survey answer (5)
    assert len(rdflib.Graph().parse(data=data, format="turtle")) == 270


def _post(url: str, body: bytes, content_type: str) -> tuple[int, str]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": content_type}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def test_updates_are_refused(endpoint: tuple[str, subprocess.Popen[str]]) -> None:
    url, _ = endpoint
    update = "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }"
    status, text = _post(url, update.encode(), "application/sparql-update")
    assert status == 403
    assert "read-only" in text
    status, _ = _post(
        url, urllib.parse.urlencode({"update": update}).encode(), "application/x-www-form-urlencoded"
    )
    assert status == 403
    status, _ = _post(
        url, urllib.parse.urlencode({"query": update}).encode(), "application/x-www-form-urlencoded"
    )
    assert status == 400
    client = SPARQLWrapper(url)
    client.setReturnFormat(JSON)
    client.setQuery("ASK { <http://x/a> <http://x/b> <http://x/c> }")
    assert client.queryAndConvert()["boolean"] is False  # type: ignore[index]


def test_query_page_and_service_description(endpoint: tuple[str, subprocess.Popen[str]]) -> None:
    url, _ = endpoint
    root = url.removesuffix("sparql")
    with urllib.request.urlopen(root, timeout=10) as response:
        page = response.read().decode("utf-8")
    assert '<form method="get" action="/sparql">' in page
    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.headers["Content-Type"].startswith("text/turtle")
        description = response.read().decode("utf-8")
    assert f"<{url}>" in description
    assert "sd:SPARQL11Query" in description or "sparql-service-description#SPARQL11Query" in description
    query = urllib.parse.urlencode(
        {"query": "SELECT ?s WHERE { ?s a <http://www.w3.org/ns/dcat#Dataset> }", "format": "csv"}
    )
    with urllib.request.urlopen(f"{url}?{query}", timeout=10) as response:
        assert response.read().decode("utf-8").splitlines() == [
            "s",
            "https://example.org/id/mini/dataset/mini",
        ]
    query = urllib.parse.urlencode(
        {"query": "SELECT ?s WHERE { ?s a <http://www.w3.org/ns/dcat#Dataset> }", "format": "html"}
    )
    with urllib.request.urlopen(f"{url}?{query}", timeout=10) as response:
        page = response.read().decode("utf-8")
    assert (
        "<p>1 row(s)</p><table><tr><th>s</th></tr><tr><td>&lt;https://example.org/id/mini/dataset/mini&gt;</td>"
        in page
    )


@pytest.mark.parametrize("declared", ["-1", "abc", "+5", "1e3"])
def test_a_content_length_that_is_not_a_byte_count_is_refused(
    endpoint: tuple[str, subprocess.Popen[str]], declared: str
) -> None:
    # Regression: "-1" made the server read the body to the end of the stream, past the size bound;
    # anything int() could not parse dropped the connection with a traceback in the log.
    import http.client

    url, process = endpoint
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        connection.putrequest("POST", parts.path)
        connection.putheader("Content-Type", "application/sparql-query")
        connection.putheader("Content-Length", declared)
        connection.endheaders()
        connection.send(b"ASK {}")
        response = connection.getresponse()
        assert (response.status, b"Content-Length" in response.read()) == (400, True)
    finally:
        connection.close()
    assert process.poll() is None


def test_ctrl_c_stops_the_server_cleanly() -> None:
    # As from a terminal: a test run started in the background of a script ignores SIGINT, and its
    # children would inherit that (Python then installs no KeyboardInterrupt handler).
    process = start(str(MINI), interruptible=True)
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith("http://127.0.0.1:")
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0  # generous: a busy machine slows the shutdown
        assert process.stderr is not None
        assert "stopped" in process.stderr.read()
    finally:
        stop(process)


def test_a_default_answer_is_json() -> None:
    from pyoxigraph import Store

    from kg.publish.serve_worker import Job, Limits, answer

    result = answer(Store(), Job("ASK {}"), Limits())
    assert (result.status, result.media) == (200, "application/sparql-results+json")
    assert json.loads(result.body)["boolean"] is True
