"""``icgp query list|show|run`` and failed ``icgp publish``: sources, formats, errors, injection attempts."""

from __future__ import annotations

import csv
import io
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from cli_runner import CliRunner
from conftest import built_once
from pyoxigraph import RdfFormat, Store

from cli import app
from kg.build.store import ontology_quads
from kg.build.study import build_package, write_graph

FIXTURE = Path(__file__).parent / "fixtures" / "queries" / "qfix"
FIX = "https://example.org/id/qfix/"
runner = CliRunner()


def icgp(*args: str) -> Any:
    return runner.invoke(app, list(args))


def qfix_store(factory: pytest.TempPathFactory) -> Path:
    """The fixture study built into an on-disk store, once per test run (test_query_values reads it too).

    Read it only. It holds what ``store_study`` puts into an empty store: the ontology, the vocabularies,
    the study's graph and its regions."""

    def make(folder: Path) -> None:
        built = build_package(FIXTURE)
        store = Store(str(folder))
        store.bulk_extend([*ontology_quads(), *built.result.quads, *built.result.regions])
        store.flush()
        del store

    return built_once(factory, "qfix-store", make)


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture study built into an on-disk store."""
    return qfix_store(tmp_path_factory)


@pytest.fixture(scope="module")
def built_quads(store_dir: Path) -> set[str]:
    """Every quad of ``store_dir`` as it was built, for the tests that check a command left it unchanged."""
    return quads_of(store_dir)


def quads_of(path: Path) -> set[str]:
    store = Store.read_only(str(path))
    found = {str(q) for q in store.quads_for_pattern(None, None, None, None)}
    del store
    return found


# -- list and show --------------------------------------------------------------------------------------


def test_list_shows_every_query_with_its_parameters() -> None:
    result = icgp("query", "list")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert any(
        line.startswith("gp_c4_spread_effects ")
        and line.endswith(
            "spread effects: the SMEs each cluster's activities reached and their maturity gain, "
            "in a period  [from?, to?, level]"
        )
        for line in lines
    )
    assert any(
        line.startswith("technology_adoption_by_technology ") and "[actorclass, cluster?]" in line
        for line in lines
    )


def test_list_as_json_filtered_by_tag() -> None:
    result = icgp("query", "list", "--tag", "survey", "--format", "json")
    assert result.exit_code == 0
    items = json.loads(result.stdout)
    assert [i["name"] for i in items] == [
        "survey_construct_means_by_actor_type",
        "survey_construct_means_by_region",
    ]
    assert items[1]["parameters"] == [
        {"name": "level", "type": "xsd:integer", "optional": False, "default": "2"},
        {"name": "construct", "type": "text", "optional": True, "default": None},
    ]


def test_show_prints_description_parameters_and_text() -> None:
    result = icgp("query", "show", "activities_for_barrier_and_technology")
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith(
        "activities_for_barrier_and_technology\n"
        "  Activities that address a given barrier for a given technology\n"
    )
    assert (
        "  barrier: IRI (factor concept), default https://w3id.org/icgp/vocab/factor/skills-shortage; give a "
        "concept of https://w3id.org/icgp/vocab/factor by IRI, notation or label\n" in out
    )
    assert "SELECT ?activity ?title" in out


def test_show_of_an_unknown_query_suggests_names() -> None:
    result = icgp("query", "show", "anchors_and_broker")
    assert result.exit_code == 2
    assert "did you mean 'anchors_and_brokers'" in result.stderr


# -- run: sources and formats ------------------------------------------------------------------------------


def test_run_on_the_bundled_sample_by_default_as_csv() -> None:
    result = icgp("query", "run", "gp_c4_spread_effects", "--format", "csv")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "cluster,clusterLabel,periodStart,periodEnd,core,coreLabel,activities,smesReached,outsideCore,"
        "shareOutsideCore,nonMembersReached,reachedGain,notReachedGain,maturityGainGap,evidenceCount,evidence"
    )
    # The sample's README: 32 SMEs and startups reached, 6 outside DE11; 10, 1 of them outside.
    assert [line.split(",")[:11] for line in lines[1:]] == [
        ["https://w3id.org/icgp/id/stuttgart-i40-clusters/cluster/neckar-smart-production",
         "Neckar Smart Production Cluster", "2020-01-01", "2021-06-30", "http://data.europa.eu/nuts/code/DE11",
         "Stuttgart", "21", "32", "6", "0.1875", "6"],
        ["https://w3id.org/icgp/id/stuttgart-i40-clusters/cluster/ostalb-ai-robotics",
         "Ostalb AI and Robotics Network", "2020-01-01", "2021-06-30", "http://data.europa.eu/nuts/code/DE11",
         "Stuttgart", "7", "10", "1", "0.1", "3"],
    ]  # fmt: skip


def test_run_on_a_package_as_a_table(tmp_path: Path) -> None:
    # A table shows IRIs as their labels (tests/test_query_labels.py); --iris shows them whole.
    result = runner.invoke(
        app, ["query", "run", "cross_cluster_members", "--package", str(FIXTURE)], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0
    assert result.stdout == (
        "actor        actorLabel   actorTypeLabel          clusters  cluster        clusterLabel   "
        "roleLabel\n"
        "-----------  -----------  ----------------------  --------  -------------  -------------  "
        "---------\n"
        "Hub Digital  Hub Digital  Digital innovation hub         2  Alpha Cluster  Alpha Cluster  Broker\n"
        "Hub Digital  Hub Digital  Digital innovation hub         2  Beta Network   Beta Network   Member\n"
        "(2 rows)\n"
    )
    result = runner.invoke(
        app,
        ["query", "run", "cross_cluster_members", "--package", str(FIXTURE), "--iris"],
        env={"COLUMNS": "200"},
    )
    assert result.stdout.splitlines()[2] == (
        "https://example.org/id/qfix/organisation/hub  Hub Digital  Digital innovation hub         2  "
        "https://example.org/id/qfix/cluster/c1  Alpha Cluster  Broker"
    )


def test_run_on_a_store_as_sparql_json(store_dir: Path) -> None:
    result = icgp("query", "run", "clusters_overview", "--store", str(store_dir), "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["head"]["vars"] == [
        "cluster",
        "clusterLabel",
        "region",
        "regionLabel",
        "stageLabel",
        "excellenceLabel",
        "founded",
        "managerLabel",
        "members",
        "activities",
    ]
    first = data["results"]["bindings"][0]
    assert first["cluster"] == {"type": "uri", "value": FIX + "cluster/c1"}
    assert first["founded"] == {
        "type": "literal",
        "value": "2010",
        "datatype": "http://www.w3.org/2001/XMLSchema#integer",
    }
    assert first["stageLabel"] == {"type": "literal", "value": "Sustainment", "xml:lang": "en"}
    assert "excellenceLabel" not in data["results"]["bindings"][1]


def test_run_on_rdf_files_adds_the_vocabularies(tmp_path: Path) -> None:
    built = build_package(FIXTURE)
    graph = tmp_path / "qfix.ttl"
    write_graph(built.result.quads, graph, "ttl")
    result = icgp("query", "run", "gp_c4_spread_effects", "--data", str(graph), "--format", "tsv")
    assert result.exit_code == 0
    rows = [line.split("\t") for line in result.stdout.splitlines()[1:]]
    # No maturity data in the fixture: the three gain columns are empty. The evidence comes in any order.
    assert [row[:-1] for row in rows] == [
        [f"{FIX}cluster/c1", "Alpha Cluster", "2020-01-01", "2021-12-31", "http://data.europa.eu/nuts/code/DE11",
         "Stuttgart", "2", "4", "1", "0.25", "2", "", "", "", "5"],
        [f"{FIX}cluster/c2", "Beta Network", "2020-01-01", "2021-12-31", "http://data.europa.eu/nuts/code/DE11",
         "Stuttgart", "1", "2", "1", "0.5", "0", "", "", "", "2"],
    ]  # fmt: skip
    assert set(rows[1][-1].split(" ")) == {f"{FIX}participation/a3/start1", f"{FIX}participation/a3/sme3"}


def test_run_markdown_limit_and_output_file(tmp_path: Path) -> None:
    out = tmp_path / "answer.md"
    result = icgp(
        "query",
        "run",
        "single_coder_codes",
        "--package",
        str(FIXTURE),
        "-f",
        "md",
        "--limit",
        "2",
        "-o",
        str(out),
    )
    assert result.exit_code == 0
    assert result.stdout == ""
    assert out.read_text(encoding="utf-8") == (
        "| code | codeNotation | codeLabel | coder | coderId | segments | passages | doubleCodedPassages |\n"
        "|---|---|---|---|---|---|---|---|\n"
        f"| Spread | GP-SPREAD | Spread | {FIX}coder/C1 | C1 | 2 | 2 | 0 |\n"
        f"| Other barrier | BAR-OTHER | Other barrier | {FIX}coder/C1 | C1 | 1 | 1 | 0 |\n"
    )


def test_run_a_query_file_with_a_parameter(tmp_path: Path) -> None:
    query = tmp_path / "labels.rq"
    query.write_text(
        "#+ summary: Labels of one organisation\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?label WHERE { ?_org_iri rdfs:label ?label }\n",
        encoding="utf-8",
    )
    result = icgp(
        "query", "run", str(query), "--package", str(FIXTURE), "-p", f"org={FIX}organisation/big", "-f", "csv"
    )
    assert result.exit_code == 0
    assert result.stdout == "label\nBigwerk AG\n"  # CliRunner shows CRLF as LF


def test_graph_option_restricts_the_dataset(store_dir: Path) -> None:
    other = icgp(
        "query",
        "run",
        "clusters_overview",
        "--store",
        str(store_dir),
        "--graph",
        "https://example.org/id/other/graph",
        "-f",
        "csv",
    )
    assert other.exit_code == 0 and other.stdout.splitlines() == [
        "cluster,clusterLabel,region,regionLabel,stageLabel,excellenceLabel,founded,managerLabel,members,activities"
    ]
    mine = icgp(
        "query", "run", "clusters_overview", "--store", str(store_dir), "--graph", FIX + "graph", "-f", "csv"
    )
    assert len(mine.stdout.splitlines()) == 3


# -- run: errors (exit 2 with the closest valid names) ------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["barriers_by_regoin"],
            "no saved query named 'barriers_by_regoin' (did you mean 'barriers_by_region'",
        ),
        (
            ["barriers_by_region", "-p", "levle=2"],
            "query 'barriers_by_region' has no parameter 'levle' (did you mean 'level'?); "
            "its parameters: family, "
            "actorclass, level",
        ),
        (
            ["barriers_by_region", "-p", "family=F3.3"],
            "parameter 'family': 'F3.3' is not a concept of the 'factor' vocabulary; did you mean",
        ),
        (
            ["barriers_by_region", "-p", "level=9"],
            "parameter 'level': '9' is not one of the allowed values 0, 1, 2, 3",
        ),
        (["barriers_by_region", "-p", "level"], "--param 'level' must have the form name=value"),
        (
            ["gp_c4_spread_effects", "--store", "/nonexistent/store"],
            "--store /nonexistent/store: no such folder",
        ),
        (["gp_c4_spread_effects", "--data", "x.csv"], "x.csv: unknown RDF file type '.csv'"),
        (
            ["gp_c4_spread_effects", "--endpoint", "ftp://x"],
            "--endpoint 'ftp://x' must be an http:// or https:// URL",
        ),
        (["gp_c4_spread_effects", "--package", ".", "--endpoint", "http://x"], "give at most one of --store"),
    ],
)
def test_bad_input_exits_2_with_a_helpful_message(args: list[str], message: str) -> None:
    result = icgp("query", "run", *args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert result.stderr.startswith("error: ")
    assert message in result.stderr


def test_an_unreachable_endpoint_exits_1() -> None:
    result = icgp(
        "query", "run", "clusters_overview", "--endpoint", "http://127.0.0.1:9/query", "--timeout", "2"
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot reach the endpoint http://127.0.0.1:9/query")


# -- injection attempts --------------------------------------------------------------------------------------

INJECTIONS = [
    '"} ; DROP ALL ; #',
    "x' } DELETE WHERE { ?s ?p ?o } #",
    "a\nb } } ; CLEAR ALL",
    "} UNION { ?s ?p ?o }",
    '\\" } ; DROP ALL ; #',
]


@pytest.mark.parametrize("attack", INJECTIONS)
def test_injection_into_an_iri_parameter_is_rejected_and_the_store_unchanged(
    store_dir: Path, built_quads: set[str], attack: str
) -> None:
    before = built_quads
    for value in (attack, f"https://example.org/x{attack}"):
        result = icgp("query", "run", "evidence_chain", "--store", str(store_dir), "-p", f"claim={value}")
        assert result.exit_code == 2
        assert "is not a valid IRI" in result.stderr
    assert quads_of(store_dir) == before


@pytest.mark.parametrize("attack", INJECTIONS)
def test_injection_into_a_text_parameter_is_bound_as_a_harmless_literal(
    store_dir: Path, built_quads: set[str], attack: str
) -> None:
    before = built_quads
    result = icgp(
        "query",
        "run",
        "survey_construct_means_by_actor_type",
        "--store",
        str(store_dir),
        "-p",
        f"construct={attack}",
        "-f",
        "csv",
        "--show-query",
    )
    assert result.exit_code == 0, result.output
    assert (
        result.stdout == "construct,actorType,actorTypeLabel,respondents,answers,mean\n"
    )  # nothing matches (CliRunner shows CRLF as LF)
    assert quads_of(store_dir) == before


def test_a_text_parameter_round_trips_exactly(tmp_path: Path) -> None:
    query = tmp_path / "echo.rq"
    query.write_text("SELECT ?_text WHERE { }\n", encoding="utf-8")
    for attack in INJECTIONS:
        result = icgp(
            "query", "run", str(query), "--package", str(FIXTURE), "-p", f"text={attack}", "-f", "json"
        )
        assert result.exit_code == 0
        binding = json.loads(result.stdout)["results"]["bindings"][0]["_text"]
        assert binding == {"type": "literal", "value": attack}


@pytest.mark.parametrize("attack", ["2 } ; DROP ALL ; #", "2.5", "two"])
def test_injection_into_a_typed_parameter_is_rejected(attack: str) -> None:
    result = icgp("query", "run", "actors_by_ties", "--package", str(FIXTURE), "-p", f"min_partners={attack}")
    assert result.exit_code == 2
    assert f"parameter 'min_partners': {attack!r} is not a valid xsd:integer value" in result.stderr


# -- publish failures against a stub server ---------------------------------------------------------


class _Stub(BaseHTTPRequestHandler):
    status = 500
    seen: ClassVar[list[tuple[str, str, str | None, int]]] = []

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        type(self).seen.append((self.command, self.path, self.headers.get("Authorization"), length))
        body = b"storage is read-only today"
        self.send_response(type(self).status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_PUT = do_POST = _answer  # noqa: N815

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def stub() -> Iterator[tuple[str, type[_Stub]]]:
    handler = type("Handler", (_Stub,), {"seen": [], "status": 500})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/store", handler
    finally:
        server.shutdown()
        server.server_close()


def test_a_failed_upload_gives_the_status_and_the_server_message(stub: tuple[str, type[_Stub]]) -> None:
    url, handler = stub
    result = icgp("publish", str(FIXTURE), "--endpoint", url)
    assert result.exit_code == 1
    assert result.stderr == (
        f"error: could not replace graph <{FIX}graph> at {url}: HTTP 500 Internal Server Error: "
        "storage is read-only today\n"
    )
    assert [(m, p) for m, p, _, _ in handler.seen] == [
        ("PUT", "/store?graph=https%3A%2F%2Fexample.org%2Fid%2Fqfix%2Fgraph")
    ]


def test_publish_sends_credentials_from_the_environment_only(
    stub: tuple[str, type[_Stub]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, handler = stub
    handler.status = 401
    monkeypatch.setenv("ICGP_ENDPOINT_USER", "alice")
    monkeypatch.setenv("ICGP_ENDPOINT_PASSWORD", "s3cret")
    result = icgp("publish", str(FIXTURE), "--endpoint", url, "--append")
    assert result.exit_code == 1
    assert "HTTP 401 Unauthorized" in result.stderr and "ICGP_ENDPOINT_USER" in result.stderr
    assert handler.seen[0][0] == "POST"
    assert handler.seen[0][2] == "Basic YWxpY2U6czNjcmV0"
    monkeypatch.setenv("ICGP_ENDPOINT_TOKEN", "tok")
    icgp("publish", str(FIXTURE), "--endpoint", url)
    assert handler.seen[1][2] == "Bearer tok"


def test_publish_to_an_unreachable_endpoint_exits_1() -> None:
    result = icgp("publish", str(FIXTURE), "--endpoint", "http://127.0.0.1:9/store", "--timeout", "2")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"error: could not replace graph <{FIX}graph>: cannot reach http://127.0.0.1:9/store"
    )


def test_publish_bad_input_exits_2(tmp_path: Path) -> None:
    triples = tmp_path / "data.nt"
    triples.write_text("<http://a> <http://b> <http://c> .\n", encoding="utf-8")
    result = icgp("publish", str(triples), "--endpoint", "http://127.0.0.1:9/store")
    assert result.exit_code == 2
    assert "outside any named graph; say where they go with --graph IRI" in result.stderr
    result = icgp("publish", str(tmp_path / "missing"), "--endpoint", "http://127.0.0.1:9/store")
    assert result.exit_code == 2 and "no such file or folder" in result.stderr
    result = icgp("publish", str(triples), "--endpoint", "http://x/store", "--graph", "not an iri")
    assert result.exit_code == 2 and "is not a valid IRI" in result.stderr


def test_csv_output_is_valid_csv_with_quotes_and_commas() -> None:
    result = icgp("query", "run", "activities_by_barrier", "-f", "csv", "--limit", "3")
    parsed = list(csv.reader(io.StringIO(result.stdout)))
    assert parsed[0] == [
        "barrier",
        "barrierLabel",
        "activityType",
        "activityTypeLabel",
        "activities",
        "beneficiaries",
    ]
    assert len(parsed) == 4
    assert RdfFormat.N_TRIPLES  # the import keeps pyoxigraph's formats at hand for the tests above


class _QueryStub(BaseHTTPRequestHandler):
    seen: ClassVar[list[tuple[str, str | None, str]]] = []

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        type(self).seen.append((self.command, self.headers.get("Authorization"), self.path + body))
        answer = json.dumps(
            {"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "ok"}}]}}
        ).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_GET = do_POST = _answer  # noqa: N815

    def log_message(self, format: str, *args: Any) -> None:
        pass


def test_endpoint_queries_carry_a_bearer_token_and_go_by_post_when_long(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    handler = type("Handler", (_QueryStub,), {"seen": []})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/sparql"
        monkeypatch.setenv("ICGP_ENDPOINT_TOKEN", "t0ken")
        short = tmp_path / "short.rq"
        short.write_text("SELECT ?x WHERE { ?x ?p ?o }\n", encoding="utf-8")
        result = icgp("query", "run", str(short), "--endpoint", url, "-f", "csv")
        assert (result.exit_code, result.stdout) == (0, "x\nok\n")
        result = icgp("query", "run", "gp_c4_spread_effects", "--endpoint", url, "-f", "csv")
        assert result.exit_code == 0
    finally:
        server.shutdown()
        server.server_close()
    (get, get_auth, get_text), (post, post_auth, post_text) = handler.seen
    assert (get, get_auth, post, post_auth) == ("GET", "Bearer t0ken", "POST", "Bearer t0ken")
    assert "query=SELECT" in get_text
    # The long saved query travels in the body, without its comment header, with its parameter bound.
    assert "VALUES+%28%3F_level_integer%29" in post_text and "summary" not in post_text


def test_ask_queries_answer_true_or_false(tmp_path: Path) -> None:
    query = tmp_path / "ask.rq"
    query.write_text("ASK { ?s a <https://w3id.org/icgp/ontology#InnovationCluster> }\n", encoding="utf-8")
    assert icgp("query", "run", str(query), "--package", str(FIXTURE)).stdout == "true\n"
    result = icgp("query", "run", str(query), "--package", str(FIXTURE), "-f", "json")
    assert json.loads(result.stdout) == {"head": {}, "boolean": True}


def test_construct_queries_are_refused_with_exit_2(tmp_path: Path) -> None:
    query = tmp_path / "graph.rq"
    query.write_text("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }\n", encoding="utf-8")
    result = icgp("query", "run", str(query))
    assert result.exit_code == 2
    assert "graph is a CONSTRUCT query; only SELECT and ASK answers can be shown as a table" in result.stderr


def test_a_query_file_with_a_syntax_error_exits_2(tmp_path: Path) -> None:
    query = tmp_path / "broken.rq"
    query.write_text("SELECT ?x WHERE { ?x ?p }\n", encoding="utf-8")
    result = icgp("query", "run", str(query), "--package", str(FIXTURE))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {query}: the query is not valid SPARQL: error at ")
