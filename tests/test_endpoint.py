"""End to end against a real SPARQL server: publish the sample study to an Oxigraph server on loopback,
answer every saved query through ``--endpoint`` and compare with the embedded store.

The server is the ``oxigraph`` binary from the PyPI package of that name (a test dependency). It runs
with ``--union-default-graph``, like the embedded store's queries, and is stopped when the module's
tests end, whether they passed or not.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_runner import CliRunner
from pyoxigraph import Store

from cli import app
from kg.build.study import BuiltStudy, build_package
from kg.ontology.resources import sample_study_dir
from kg.query.catalogue import catalogue, find_query
from kg.query.parameters import prepare
from kg.query.run import EndpointTarget, StoreTarget, reference_graphs

runner = CliRunner()
STUDY_GRAPH = "https://w3id.org/icgp/id/stuttgart-i40-clusters/graph"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def oxigraph_binary() -> str:
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if found is None:
        pytest.fail("the oxigraph server is missing; install the test extra: pip install -e '.[test]'")
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """An Oxigraph server on a free loopback port, with an empty on-disk store; yields its base URL."""
    location = tmp_path_factory.mktemp("oxigraph")
    port = free_port()
    process = subprocess.Popen(
        [
            oxigraph_binary(),
            "serve",
            "--location",
            str(location),
            "--bind",
            f"127.0.0.1:{port}",
            "--union-default-graph",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                stderr = process.stderr.read().decode() if process.stderr else ""
                pytest.fail(f"the oxigraph server stopped at start: {stderr}")
            try:
                with urllib.request.urlopen(f"{base}/query?query=ASK%7B%7D", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                pytest.fail("the oxigraph server did not answer within 30 s")
            time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stderr:
            process.stderr.close()


@pytest.fixture(scope="module")
def published(server: str) -> dict[str, Any]:
    """The sample study published to the server (with the ontology and vocabularies)."""
    result = runner.invoke(app, ["publish", str(sample_study_dir()), "--endpoint", f"{server}/store"])
    assert result.exit_code == 0, result.output
    return {"stdout": result.stdout, "stderr": result.stderr}


@pytest.fixture(scope="module")
def local(sample_store: Store) -> Store:
    """The sample study in an in-memory store (built once per run): what the endpoint must answer alike."""
    return sample_store


def remote_count(server: str) -> int:
    result = EndpointTarget(f"{server}/query").run(COUNT)
    cell = result.rows[0][0]
    assert cell is not None
    return int(cell.value)


def test_publish_reports_the_triples_sent(
    server: str, published: dict[str, Any], local: Store, sample_built: BuiltStudy
) -> None:
    triples = sample_built.result.triples
    lines = published["stdout"].splitlines()
    assert lines[0] == f"{triples} triples replaced graph <{STUDY_GRAPH}> (HTTP 201)"
    reference = sum(
        1 for q in local.quads_for_pattern(None, None, None, None) if q.graph_name.value != STUDY_GRAPH
    )
    assert (
        lines[1]
        == f"{reference} triples of the ontology and vocabularies in {len(reference_graphs())} graphs"
    )
    assert remote_count(server) == triples + reference == len(local)


def test_publishing_again_replaces_the_graph(server: str, published: dict[str, Any]) -> None:
    before = remote_count(server)
    result = runner.invoke(
        app, ["publish", str(sample_study_dir()), "--endpoint", f"{server}/store", "--no-vocabularies"]
    )
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0].endswith(f"graph <{STUDY_GRAPH}> (HTTP 204)")
    assert remote_count(server) == before


def evidence_sorted(answer: dict[str, Any]) -> dict[str, Any]:
    """A JSON answer with each ``evidence`` list of IRIs sorted: GROUP_CONCAT joins them in the order the
    store happens to meet them, which differs between an in-memory and an on-disk store."""
    for binding in answer.get("results", {}).get("bindings", []):
        if "evidence" in binding:
            binding["evidence"]["value"] = " ".join(sorted(binding["evidence"]["value"].split(" ")))
    return answer


@pytest.mark.parametrize("name", sorted(catalogue()))
def test_every_saved_query_gives_the_same_rows_through_the_endpoint(
    server: str, published: dict[str, Any], local: Store, name: str
) -> None:
    expected = StoreTarget(local).run(prepare(catalogue()[name], {})).to_json()
    result = runner.invoke(app, ["query", "run", name, "--endpoint", f"{server}/query", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert evidence_sorted(json.loads(result.stdout)) == evidence_sorted(expected)


HALF_YEAR = ["--param", "from=2021-01-01", "--param", "to=2021-06-30"]


@pytest.mark.parametrize(
    ("name", "period"),
    [
        ("assessment/clusters", []),
        ("assessment/network_ties", []),
        ("assessment/network_ties", HALF_YEAR),
        ("gp_c2_propulsive_dynamism", HALF_YEAR),
    ],
)
def test_assessment_queries_give_the_same_rows_through_the_endpoint(
    server: str, published: dict[str, Any], local: Store, name: str, period: list[str]
) -> None:
    given = dict(p.split("=", 1) for p in period[1::2])
    expected = StoreTarget(local).run(prepare(find_query(name), given)).to_json()
    result = runner.invoke(
        app, ["query", "run", name, *period, "--endpoint", f"{server}/query", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert expected["results"]["bindings"]
    assert evidence_sorted(json.loads(result.stdout)) == evidence_sorted(expected)


def test_named_graphs_are_sent_as_default_graph_uris(
    server: str, published: dict[str, Any], local: Store
) -> None:
    query = catalogue()["clusters_overview"]
    target = EndpointTarget(f"{server}/query")
    assert (
        target.run(prepare(query, {}), [STUDY_GRAPH]).to_json()
        == StoreTarget(local).run(prepare(query, {})).to_json()
    )
    assert target.run(prepare(query, {}), ["https://example.org/no/such/graph"]).rows == []


def test_a_short_query_file_goes_by_get_with_parameters(
    server: str, published: dict[str, Any], tmp_path: Path
) -> None:
    query = tmp_path / "label.rq"
    query.write_text(
        "SELECT ?label WHERE { ?_org_iri <http://www.w3.org/2000/01/rdf-schema#label> ?label }\n"
    )
    org = "https://w3id.org/icgp/id/stuttgart-i40-clusters/organisation/org-60"
    result = runner.invoke(
        app, ["query", "run", str(query), "--endpoint", f"{server}/query", "-p", f"org={org}", "-f", "csv"]
    )
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["label", "Werkbank Digital Innovation Hub"]


@pytest.mark.parametrize(
    "attack", ['"} ; DROP ALL ; #', "x' } DELETE WHERE { ?s ?p ?o } #", "a\nb } } ; CLEAR ALL"]
)
def test_injection_through_the_endpoint_leaves_the_data_unchanged(
    server: str, published: dict[str, Any], attack: str
) -> None:
    before = remote_count(server)
    literal = runner.invoke(
        app,
        [
            "query",
            "run",
            "survey_construct_means_by_region",
            "--endpoint",
            f"{server}/query",
            "-p",
            f"construct={attack}",
            "-f",
            "json",
        ],
    )
    assert literal.exit_code == 0
    assert json.loads(literal.stdout)["results"]["bindings"] == []
    iri = runner.invoke(
        app,
        [
            "query",
            "run",
            "evidence_chain",
            "--endpoint",
            f"{server}/query",
            "-p",
            f"claim=https://x.org/{attack}",
        ],
    )
    assert iri.exit_code == 2
    assert remote_count(server) == before


def test_a_refused_upload_says_why(server: str) -> None:
    result = runner.invoke(app, ["publish", str(sample_study_dir()), "--endpoint", f"{server}/nowhere"])
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"error: could not replace graph <{STUDY_GRAPH}> at {server}/nowhere: HTTP 404 Not Found"
    )


def test_a_refused_query_says_why(server: str) -> None:
    result = runner.invoke(app, ["query", "run", "clusters_overview", "--endpoint", f"{server}/nowhere"])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: {server}/nowhere refused the query: HTTP 404 (EndPointNotFound)")


def test_a_store_folder_publishes_its_study_graph_and_answers_through_the_endpoint(
    server: str, published: dict[str, Any], tmp_path: Path
) -> None:
    fixture = Path(__file__).parent / "fixtures" / "queries" / "qfix"
    store_dir = tmp_path / "store"
    store = Store(str(store_dir))
    built = build_package(fixture)
    store.extend(built.result.quads)
    store.flush()
    del store
    graph = "https://example.org/id/qfix/graph"
    try:
        result = runner.invoke(
            app, ["publish", str(store_dir), "--endpoint", f"{server}/store", "--no-vocabularies"]
        )
        assert result.exit_code == 0, result.output
        assert result.stdout == f"{built.result.triples} triples replaced graph <{graph}> (HTTP 201)\n"
        answer = runner.invoke(app, ["query", "run", "gp_c4_spread_effects", "--endpoint", f"{server}/query",
                                     "--graph", graph, "-f", "csv"])  # fmt: skip
        # The columns up to the evidence count (the evidence lists its IRIs in any order).
        assert [line.split(",")[:15] for line in answer.stdout.splitlines()[1:]] == [
            ["https://example.org/id/qfix/cluster/c1", "Alpha Cluster", "2020-01-01", "2021-12-31",
             "http://data.europa.eu/nuts/code/DE11", "Stuttgart", "2", "4", "1", "0.25", "2",
             "", "", "", "5"],
            ["https://example.org/id/qfix/cluster/c2", "Beta Network", "2020-01-01", "2021-12-31",
             "http://data.europa.eu/nuts/code/DE11", "Stuttgart", "1", "2", "1", "0.5", "0",
             "", "", "", "2"],
        ]  # fmt: skip
    finally:
        # Leave the server with the sample study only, whatever order the tests run in.
        request = urllib.request.Request(
            f"{server}/store?graph={urllib.parse.quote(graph, safe='')}", method="DELETE"
        )
        urllib.request.urlopen(request, timeout=10).close()
