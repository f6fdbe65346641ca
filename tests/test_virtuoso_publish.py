"""``icgp publish`` to a real Virtuoso: HTTP Digest authentication, uploads in chunks, clear refusals."""

from __future__ import annotations

import json
import os
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_runner import CliRunner
from pyoxigraph import BlankNode, Literal, NamedNode, Triple
from virtuoso import BINARY, PASSWORD, USER, is_running, run_folder, shared_virtuoso, writing

from cli import app
from kg.build.store import ontology_quads
from kg.build.study import build_package
from kg.publish.graph_store import chunks, send_graph

runner = CliRunner()
MINI = Path(__file__).parent / "fixtures" / "build" / "mini"
GRAPH = "https://example.org/id/mini/graph"


@pytest.fixture
def virtuoso(virtuoso_server: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The run's shared Virtuoso, for a test that publishes the mini study to it: no other test reads the
    server meanwhile, and the mini study's graph is emptied afterwards (its regions and vocabularies are
    the sample's, which the server already holds)."""
    with writing(run_folder(tmp_path_factory)):
        try:
            yield virtuoso_server
        finally:
            with pytest.MonkeyPatch.context() as patch:
                patch.setenv("ICGP_ENDPOINT_USER", USER)
                patch.setenv("ICGP_ENDPOINT_PASSWORD", PASSWORD)
                send_graph(f"{virtuoso_server}/sparql-graph-crud-auth", GRAPH, [], replace=True, timeout=60)


def count(base: str, graph: str) -> int:
    """Triples in ``graph``, asked through Virtuoso's own SPARQL endpoint."""
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
    url = f"{base}/sparql?" + urllib.parse.urlencode({"query": query, "format": "application/json"})
    with urllib.request.urlopen(url, timeout=30) as answer:
        return int(json.load(answer)["results"]["bindings"][0]["n"]["value"])


def test_publish_with_digest_in_chunks_stores_every_triple(
    virtuoso: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = sum(1 for q in build_package(MINI).result.quads if q.graph_name == NamedNode(GRAPH))
    monkeypatch.setenv("ICGP_ENDPOINT_USER", USER)
    monkeypatch.setenv("ICGP_ENDPOINT_PASSWORD", PASSWORD)
    endpoint = f"{virtuoso}/sparql-graph-crud-auth"
    args = ["publish", str(MINI), "--endpoint", endpoint, "--no-vocabularies", "--chunk-size", "50"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert f"{expected} triples replaced graph <{GRAPH}>" in first.stdout
    assert count(virtuoso, GRAPH) == expected
    # Publishing again replaces (the first chunk is a PUT), so nothing is doubled.
    again = runner.invoke(app, args)
    assert again.exit_code == 0, again.output
    assert count(virtuoso, GRAPH) == expected


def test_the_vocabularies_go_in_requests_virtuoso_accepts(
    virtuoso: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Regression: Virtuoso refuses the first request (Basic credentials) before reading its body and
    # closes the connection, so a large graph ended in "broken pipe" instead of a Digest answer.
    monkeypatch.setenv("ICGP_ENDPOINT_USER", USER)
    monkeypatch.setenv("ICGP_ENDPOINT_PASSWORD", PASSWORD)
    result = runner.invoke(app, ["publish", str(MINI), "--endpoint", f"{virtuoso}/sparql-graph-crud-auth"])
    assert result.exit_code == 0, result.output
    by_graph: dict[str, int] = {}
    for quad in ontology_quads():
        by_graph[quad.graph_name.value] = by_graph.get(quad.graph_name.value, 0) + 1  # type: ignore[union-attr]
    largest = max(by_graph, key=lambda name: by_graph[name])
    assert count(virtuoso, largest) == by_graph[largest]


def test_a_wrong_password_is_a_401_that_says_what_to_set(
    virtuoso: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ICGP_ENDPOINT_USER", USER)
    monkeypatch.setenv("ICGP_ENDPOINT_PASSWORD", "not-the-password")
    endpoint = f"{virtuoso}/sparql-graph-crud-auth"
    result = runner.invoke(app, ["publish", str(MINI), "--endpoint", endpoint, "--no-vocabularies"])
    assert result.exit_code == 1, result.output
    line = result.stderr.strip()
    assert line.startswith(f"error: could not replace graph <{GRAPH}> at {endpoint}: HTTP 401")
    assert "Digest" in line and "SPARQL_UPDATE" in line
    assert len(result.stderr.strip().splitlines()) == 1


def test_chunks_keep_what_a_blank_node_connects_together() -> None:
    p = NamedNode("urn:p")
    a, b = BlankNode("a"), BlankNode("b")
    triples = [
        Triple(NamedNode("urn:1"), p, a),
        Triple(NamedNode("urn:2"), p, Literal("x")),
        Triple(a, p, b),  # a and b are one unit now
        Triple(NamedNode("urn:3"), p, Literal("y")),
        Triple(b, p, Literal("z")),
    ]
    # The unit of three comes first (where its first triple stood), then the two others fill a chunk.
    assert chunks(triples, 2) == [[triples[0], triples[2], triples[4]], [triples[1], triples[3]]]
    assert chunks(triples, 10) == [[triples[0], triples[2], triples[4], triples[1], triples[3]]]
    assert chunks([], 5) == [[]]
    # The byte bound splits too: each of these triples is 23 bytes of N-Triples.
    plain = [Triple(NamedNode(f"urn:s{i}"), p, Literal("v")) for i in range(4)]
    assert [len(part) for part in chunks(plain, 100, max_bytes=50)] == [2, 2]


def test_the_run_shares_one_server(virtuoso_server: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    # Another use of the shared server (another module's fixture, or another worker) attaches to the one
    # running instead of starting and loading a second, and leaving does not stop it while a use remains.
    folder = run_folder(tmp_path_factory)

    def must_not_start(base: str) -> None:
        raise AssertionError(f"a second server was started at {base}")

    with shared_virtuoso(folder, must_not_start) as base:
        assert base == virtuoso_server
    state = json.loads((folder / "virtuoso-shared.json").read_text())
    assert state["base"] == virtuoso_server
    assert os.getpid() in state["users"]
    assert is_running(state["pid"], BINARY)
