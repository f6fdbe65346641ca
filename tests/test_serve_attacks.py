"""``icgp serve`` under the attacks of the adversarial run (issue 17): each is refused or bounded, and
the server still answers afterwards. Every test runs a real server process on a free loopback port."""

from __future__ import annotations

import http.client
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
MINI = REPO / "tests" / "fixtures" / "build" / "mini"
OA_EXACT = "http://www.w3.org/ns/oa#exact"
# Four copies of every triple of the mini study's store (about 4,000 with the ontology): ~10^14 rows.
CROSS_PRODUCT = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


class Served:
    """A server process: its URL, host and port, and its pid."""

    def __init__(self, process: subprocess.Popen[str], url: str) -> None:
        self.process = process
        self.url = url
        parts = urllib.parse.urlsplit(url)
        assert parts.hostname is not None and parts.port is not None
        self.host, self.port = parts.hostname, parts.port

    def request(
        self,
        query: str | None = None,
        *,
        method: str = "GET",
        headers: dict[str, str] | None = None,
        params: dict[str, str] | None = None,
        timeout: float = 30,
    ) -> tuple[int, dict[str, str], str]:
        """Status, headers and body of one request to /sparql (the query as a GET parameter)."""
        fields = dict(params or {})
        if query is not None:
            fields["query"] = query
        path = "/sparql" + ("?" + urllib.parse.urlencode(fields) if fields else "")
        connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        try:
            connection.request(method, path, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read().decode("utf-8")
        finally:
            connection.close()

    def ask(self, query: str) -> bool:
        status, _, body = self.request(query, headers={"Accept": "application/sparql-results+json"})
        assert status == 200, body
        return bool(json.loads(body)["boolean"])

    def answers(self) -> bool:
        """Whether the server still answers a normal query."""
        return self.ask("ASK { ?s a <https://w3id.org/icgp/ontology#InnovationCluster> }")

    def threads(self) -> int:
        """The number of threads of the server process, read from /proc."""
        return len(os.listdir(f"/proc/{self.process.pid}/task"))

    def children(self) -> list[str]:
        """The process ids of the server's children (its query workers)."""
        found: list[str] = []
        for task in os.listdir(f"/proc/{self.process.pid}/task"):
            with open(f"/proc/{self.process.pid}/task/{task}/children") as handle:
                found += handle.read().split()
        return found

    def asleep(self) -> bool:
        """Whether every child of the server is waiting (state S), none running or runnable."""
        states = []
        for pid in self.children():
            try:
                with open(f"/proc/{pid}/stat") as stat:
                    states.append(stat.read().rsplit(")", 1)[1].split()[0])
            except FileNotFoundError:
                continue
        return all(state == "S" for state in states)

    def children_cpu(self) -> float:
        """CPU seconds used so far by the server's child processes alive now."""
        total = 0.0
        tick = os.sysconf("SC_CLK_TCK")
        for pid in self.children():
            try:
                with open(f"/proc/{pid}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
        return total


def wait_until(condition: Callable[[], bool], seconds: float) -> None:
    """Return as soon as ``condition()`` holds, or after ``seconds`` (the caller's assertion then fails)."""
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)


def _serve(*args: str) -> Served:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    process = subprocess.Popen(
        [sys.executable, "-c", "from cli import app; app()", "serve", *args, "--port", "0", "--quiet"],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    if not url.startswith("http://127.0.0.1:"):
        process.kill()
        assert process.stderr is not None
        raise AssertionError(f"server did not start: {url!r} {process.stderr.read()}")
    return Served(process, url)


@pytest.fixture
def serve() -> Iterator[Callable[..., Served]]:
    """A factory of servers (``serve(*args)``), each stopped by its pid after the test."""
    started: list[Served] = []

    def make(*args: str) -> Served:
        served = _serve(*args)
        started.append(served)
        return served

    yield make
    for served in started:
        if served.process.poll() is None:
            served.process.kill()
        served.process.wait(timeout=10)


@pytest.fixture(scope="module")
def default() -> Iterator[Served]:
    """One server of the mini study with the default settings, shared by the tests that need no others."""
    served = _serve(str(MINI))
    yield served
    served.process.kill()
    served.process.wait(timeout=10)


class _Listener:
    """A loopback HTTP server that records every request and answers one SPARQL JSON row."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        recorded = self.paths

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:
                pass

            def _reply(self) -> None:
                recorded.append(self.path)
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                body = b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"uri","value":"http://x/y"}}]}}'
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _reply  # noqa: N815

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/internal"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def running_listener() -> Iterator[_Listener]:
    running = _Listener()
    yield running
    running.close()


@pytest.fixture
def listener(running_listener: _Listener) -> _Listener:
    """The module's listener, with no request recorded yet."""
    running_listener.paths.clear()
    return running_listener


@pytest.fixture(scope="module")
def configured(running_listener: _Listener) -> Iterator[Served]:
    """One server that allows the listener as a SERVICE, names one CORS origin and answers at most 5
    rows, shared by the tests of those options (none of them kills a worker or the server)."""
    served = _serve(
        str(MINI), "--allow-service", running_listener.url, "--cors", "https://app.example", "--max-rows", "5"
    )
    yield served
    served.process.kill()
    served.process.wait(timeout=10)


def test_service_to_a_loopback_listener_is_refused_and_sends_nothing(
    default: Served, listener: _Listener
) -> None:
    server = default
    for query in (
        f"SELECT ?s WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}",
        f"SELECT ?s WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE SILENT <{listener.url}> {{ ?s ?p ?o }} }} }}",
        # SPARQL decodes \u escapes before parsing, keywords included
        f"SELECT ?s WHERE {{ \\u0053ERVICE <{listener.url}> {{ ?s ?p ?o }} }}",
        "SELECT ?s WHERE { BIND(<" + listener.url + "> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    ):
        status, _, body = server.request(query)
        assert status == 403, (query, body)
        assert "SERVICE" in body and "--allow-service" in body
    time.sleep(0.5)
    assert listener.paths == []
    # the word in a literal, a variable and a prefixed name is no SERVICE call
    assert server.ask('ASK { BIND("SERVICE <http://127.0.0.1/>" AS ?service) FILTER(?service != "") }')
    assert server.answers()


def test_allow_service_lets_only_the_named_endpoint_through(configured: Served, listener: _Listener) -> None:
    server = configured  # --allow-service listener.url
    status, _, body = server.request(
        f"SELECT ?s WHERE {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}",
        headers={"Accept": "application/sparql-results+json"},
    )
    assert status == 200, body
    assert [b["s"]["value"] for b in json.loads(body)["results"]["bindings"]] == ["http://x/y"]
    assert len(listener.paths) == 1
    other = listener.url.replace("/internal", "/other")
    status, _, body = server.request(f"SELECT ?s WHERE {{ SERVICE <{other}> {{ ?s ?p ?o }} }}")
    assert (status, f"SERVICE <{other}> is refused" in body) == (403, True)
    assert len(listener.paths) == 1


def test_no_wildcard_cors_and_a_foreign_origin_is_refused(default: Served) -> None:
    server = default
    status, headers, _ = server.request("ASK {}")
    assert status == 200
    assert "Access-Control-Allow-Origin" not in headers
    status, headers, body = server.request("ASK {}", headers={"Origin": "http://evil.example"})
    assert (status, "Access-Control-Allow-Origin" in headers) == (403, False)
    assert "--cors" in body
    # the server's own query page posts with its own origin
    status, _, _ = server.request("ASK {}", headers={"Origin": f"http://127.0.0.1:{server.port}"})
    assert status == 200
    assert server.answers()


def test_cors_names_exactly_one_origin(configured: Served) -> None:
    server = configured  # --cors https://app.example
    status, headers, _ = server.request("ASK {}", headers={"Origin": "https://app.example"})
    assert (status, headers.get("Access-Control-Allow-Origin")) == (200, "https://app.example")
    status, headers, _ = server.request(method="OPTIONS", headers={"Origin": "https://app.example"})
    assert (status, headers.get("Access-Control-Allow-Origin")) == (204, "https://app.example")
    assert headers["Access-Control-Allow-Methods"] == "GET, POST, OPTIONS"
    status, headers, _ = server.request("ASK {}", headers={"Origin": "https://evil.example"})
    assert (status, "Access-Control-Allow-Origin" in headers) == (403, False)
    status, headers, _ = server.request("ASK {}")
    assert (status, "Access-Control-Allow-Origin" in headers) == (200, False)


def test_a_bad_cors_origin_is_a_usage_error() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from cli import app; app()",
            "serve",
            str(MINI),
            "--cors",
            "https://a.example/path",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    assert "--cors 'https://a.example/path' must be an origin" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_foreign_host_header_is_refused(default: Served) -> None:
    server = default
    # DNS rebinding: the attacker's name now points to 127.0.0.1, and the browser sends that name
    status, _, body = server.request("ASK {}", headers={"Host": f"rebind.evil.example:{server.port}"})
    assert status == 421
    assert "Host header" in body
    status, _, _ = server.request("ASK {}", headers={"Host": f"127.0.0.1:{server.port + 1}"})
    assert status == 421
    for host in (f"127.0.0.1:{server.port}", f"localhost:{server.port}", f"LOCALHOST:{server.port}"):
        assert server.request("ASK {}", headers={"Host": host})[0] == 200
    assert server.answers()


def test_a_long_query_is_stopped_at_the_timeout_and_others_are_answered_meanwhile(
    serve: Callable[..., Served],
) -> None:
    server = serve(str(MINI), "--timeout", "3")
    outcome: list[tuple[int, str, float]] = []

    def heavy() -> None:
        begun = time.monotonic()
        status, _, body = server.request(CROSS_PRODUCT)
        outcome.append((status, body, time.monotonic() - begun))

    thread = threading.Thread(target=heavy)
    thread.start()
    time.sleep(0.5)
    begun = time.monotonic()
    assert server.answers()  # the other worker answers while the first is busy
    assert time.monotonic() - begun < 2.5
    thread.join(timeout=30)
    [(status, body, took)] = outcome
    assert status == 503
    assert "stopped after 3 s" in body and "--timeout" in body
    assert 2.9 < took < 10
    assert server.answers()


def test_a_client_that_leaves_does_not_keep_a_core_busy(serve: Callable[..., Served]) -> None:
    server = serve(str(MINI), "--timeout", "2")
    started = set(server.children())
    with pytest.raises(TimeoutError):
        server.request(CROSS_PRODUCT, timeout=0.5)  # the client gives up and leaves
    # Past the time limit the worker running the query is killed and replaced: wait for that, then for
    # the new worker to finish starting (every worker asleep, using no CPU, three times in a row).
    wait_until(
        lambda: len(started - set(server.children())) == 1 == len(set(server.children()) - started), 15
    )
    resting = 0
    deadline = time.monotonic() + 5
    while resting < 3 and time.monotonic() < deadline:
        cpu = server.children_cpu()
        time.sleep(0.1)
        resting = resting + 1 if server.children_cpu() == cpu and server.asleep() else 0
    before = server.children_cpu()
    time.sleep(1.0)
    assert server.children_cpu() - before < 0.2
    assert server.answers()


def test_a_server_killed_mid_query_leaves_no_worker_running(serve: Callable[..., Served]) -> None:
    server = serve(str(MINI), "--timeout", "100")

    def leave_hanging() -> None:
        with pytest.raises(OSError):  # the server dies under the client
            server.request(CROSS_PRODUCT, timeout=5)

    def states() -> set[str]:
        found = set()
        for pid in workers:
            try:
                with open(f"/proc/{pid}/stat") as stat:
                    found.add(stat.read().rsplit(")", 1)[1].split()[0])
            except FileNotFoundError:
                found.add("gone")
        return found

    before = server.children_cpu()
    client = threading.Thread(target=leave_hanging)
    client.start()
    # until a worker has spent 0.3 s of CPU on the query (a worker at rest spends none)
    wait_until(lambda: server.children_cpu() - before >= 0.3, seconds=15)
    workers = server.children()
    assert len(workers) == 2
    server.process.kill()
    server.process.wait(timeout=10)
    wait_until(lambda: states() <= {"Z", "gone"}, seconds=5)
    assert states() <= {"Z", "gone"}  # dead (a zombie until init reaps it) or reaped
    client.join(timeout=10)


def test_the_answer_size_is_bounded(configured: Served) -> None:
    server = configured  # --max-rows 5
    status, _, body = server.request("SELECT ?n WHERE { VALUES ?n { 1 2 3 4 5 6 } }")
    assert status == 400
    assert "more than 5 rows" in body and "--max-rows" in body
    status, _, body = server.request(
        "SELECT ?n WHERE { VALUES ?n { 1 2 3 4 5 } }", headers={"Accept": "text/csv"}
    )
    assert (status, body.split()) == (200, ["n", "1", "2", "3", "4", "5"])
    status, _, body = server.request("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert (status, "more than 5 rows" in body) == (400, True)


def test_private_quotes_and_answers_are_not_served(
    default: Served, serve: Callable[..., Served], tmp_path: Path
) -> None:
    quote = f"ASK {{ ?q <{OA_EXACT}> ?text }}"
    response = "ASK { ?r a <https://w3id.org/icgp/ontology#SurveyResponse> }"
    server = default  # the mini study states no public flags: both stay private
    assert (server.ask(quote), server.ask(response)) == (False, False)
    assert server.answers()
    public = tmp_path / "mini"
    shutil.copytree(MINI, public)
    with (public / "datapackage.yaml").open("a", encoding="utf-8") as handle:
        handle.write("public: {quotes: true, responses: false}\n")
    server = serve(str(public))
    assert (server.ask(quote), server.ask(response)) == (True, False)


@pytest.mark.parametrize(
    ("params", "query", "status", "message"),
    [
        ({"default-graph-uri": "not an iri"}, "ASK {}", 400, "default-graph-uri and named-graph-uri"),
        ({"named-graph-uri": "http://x/ y"}, "ASK {}", 400, "default-graph-uri and named-graph-uri"),
        ({}, "SELECT ?x WHERE { ?x ?y }", 400, "the query does not parse"),
        ({}, "INSERT DATA { <http://x/a> <http://x/b> <http://x/c> }", 400, "the query does not parse"),
    ],
)
def test_bad_requests_get_a_message_and_the_server_goes_on(
    default: Served, params: dict[str, str], query: str, status: int, message: str
) -> None:
    server = default
    got, _, body = server.request(query, params=params)
    assert (got, message in body) == (status, True), body
    assert server.process.poll() is None
    assert server.answers()
    assert server.process.stderr is not None


def test_200_concurrent_requests_are_bounded_in_threads_and_time(default: Served) -> None:
    server = default
    assert server.answers()
    baseline = server.threads()
    statuses: list[int] = []
    peak = [baseline]
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            peak[0] = max(peak[0], server.threads())
            time.sleep(0.01)

    def client() -> None:
        try:
            statuses.append(server.request("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", timeout=60)[0])
        except OSError:
            statuses.append(0)

    watcher = threading.Thread(target=watch)
    watcher.start()
    begun = time.monotonic()
    clients = [threading.Thread(target=client) for _ in range(200)]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join(timeout=120)
    took = time.monotonic() - begun
    done.set()
    watcher.join()
    assert len(statuses) == 200
    assert set(statuses) <= {200, 503}
    assert statuses.count(200) >= 100
    # the request threads are a fixed pool started with the server: no thread per connection
    assert peak[0] == baseline
    assert took < 60
    assert server.answers()
