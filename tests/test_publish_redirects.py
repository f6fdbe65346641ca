"""``icgp publish`` never follows a redirect and never hands credentials to another host (issue 13, item 3).

Two real HTTP servers on loopback: the endpoint, which answers every request with a redirect, and a
second host (127.0.0.2) that the redirect points to and that records whatever reaches it. urllib's
default would turn a redirected POST into a body-less GET that the second host answers with 200, so the
upload looked successful while nothing was stored, and the Authorization header went along.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from cli_runner import CliRunner

from cli import app

runner = CliRunner()
GRAPH = "https://example.org/g"
GRAPH_QUERY = "graph=https%3A%2F%2Fexample.org%2Fg"
TOKEN = "s3cret-token"
TRIPLES = (
    "<https://example.org/a> <https://example.org/p> <https://example.org/b> .\n"
    '<https://example.org/a> <https://example.org/q> "x" .\n'
)


@dataclass
class Seen:
    """One request as a server received it."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Host:
    """A loopback HTTP server and the requests it received; ``answer`` sets its reply."""

    base: str = ""
    seen: list[Seen] = field(default_factory=list)
    status: int = 201
    location: str | None = None  # sent as Location; "{path}" is replaced by the request's path


def start(address: str, host: Host) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            host.seen.append(Seen(self.command, self.path, dict(self.headers.items()), body))
            self.send_response(host.status)
            if host.location is not None:
                self.send_header("Location", host.location.replace("{path}", self.path))
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_HEAD = do_POST = do_PUT = do_DELETE = answer  # noqa: N815

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((address, 0), Handler)
    host.base = f"http://{address}:{server.server_address[1]}"
    # shutdown() waits for the loop to see its flag: at the default 0.5 s poll, two servers cost ~1 s.
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def running_hosts() -> Iterator[tuple[Host, Host]]:
    """The two servers, started once for the module's tests."""
    endpoint, other = Host(), Host()
    servers = [start("127.0.0.1", endpoint), start("127.0.0.2", other)]
    try:
        yield endpoint, other
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


@pytest.fixture
def hosts(running_hosts: tuple[Host, Host]) -> tuple[Host, Host]:
    """The endpoint (127.0.0.1) and the other host (127.0.0.2), both recording what they receive, as
    new: nothing seen yet, answering 201 without a Location."""
    for host in running_hosts:
        host.seen.clear()
        host.status, host.location = 201, None
    return running_hosts


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "data.nt"
    path.write_text(TRIPLES, encoding="utf-8")
    return path


def publish(
    data: Path, endpoint: str, *extra: str, env: dict[str, str] | None = None
) -> tuple[int, str, str]:
    environment = {"ICGP_ENDPOINT_TOKEN": TOKEN, "ICGP_ENDPOINT_USER": None, "ICGP_ENDPOINT_PASSWORD": None}
    environment.update(env or {})
    result = runner.invoke(
        app, ["publish", str(data), "--endpoint", endpoint, "--graph", GRAPH, *extra], env=environment
    )
    return result.exit_code, result.stdout, result.stderr


def authorization(seen: Seen) -> str | None:
    return next((value for key, value in seen.headers.items() if key.lower() == "authorization"), None)


@pytest.mark.parametrize("code", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("append", [True, False], ids=["append-POST", "replace-PUT"])
def test_a_redirect_is_a_failed_upload_and_nothing_reaches_the_other_host(
    hosts: tuple[Host, Host], data: Path, code: int, append: bool
) -> None:
    endpoint, other = hosts
    endpoint.status, endpoint.location = code, other.base + "{path}"
    reasons = {301: "Moved Permanently", 302: "Found", 303: "See Other", 307: "Temporary Redirect"}
    verb = "add to" if append else "replace"

    status, stdout, stderr = publish(data, f"{endpoint.base}/store", *(["--append"] if append else []))

    assert status == 1
    assert stdout == ""
    assert stderr == (
        f"error: could not {verb} graph <{GRAPH}>: {endpoint.base}/store redirected to {other.base}/store "
        f"(HTTP {code} {reasons.get(code, 'Permanent Redirect')}); uploads do not follow redirects, so "
        "nothing was stored or sent there; if that is the right endpoint, publish to that URL directly\n"
    )
    assert other.seen == []
    assert [(s.method, s.path) for s in endpoint.seen] == [
        ("POST" if append else "PUT", f"/store?{GRAPH_QUERY}")
    ]
    assert authorization(endpoint.seen[0]) == f"Bearer {TOKEN}"


def test_basic_credentials_stay_with_the_endpoint(hosts: tuple[Host, Host], data: Path) -> None:
    endpoint, other = hosts
    endpoint.status, endpoint.location = 302, other.base + "{path}"
    env = {"ICGP_ENDPOINT_TOKEN": "", "ICGP_ENDPOINT_USER": "ann", "ICGP_ENDPOINT_PASSWORD": "pw"}

    status, _, _ = publish(data, f"{endpoint.base}/store", "--append", env=env)

    assert status == 1
    assert other.seen == []
    assert [authorization(s) for s in endpoint.seen] == ["Basic " + base64.b64encode(b"ann:pw").decode()]


def test_a_relative_location_is_shown_as_a_full_url(hosts: tuple[Host, Host], data: Path) -> None:
    endpoint, _ = hosts
    endpoint.status, endpoint.location = 307, "/v2/store"

    status, _, stderr = publish(data, f"{endpoint.base}/store?x=1", "--append")

    assert status == 1
    assert f"?x=1 redirected to {endpoint.base}/v2/store (HTTP 307 Temporary Redirect);" in stderr
    assert len(endpoint.seen) == 1


def test_escape_sequences_in_the_location_do_not_reach_the_terminal(
    hosts: tuple[Host, Host], data: Path
) -> None:
    endpoint, _ = hosts
    endpoint.status, endpoint.location = 302, "http://127.0.0.2/\x1b]0;owned\x07x"

    status, _, stderr = publish(data, f"{endpoint.base}/store")

    assert status == 1
    assert "redirected to http://127.0.0.2/\\x1b]0;owned\\x07x (HTTP 302 Found)" in stderr
    assert "\x1b" not in stderr and "\x07" not in stderr


def test_a_3xx_without_location_is_a_failure_too(hosts: tuple[Host, Host], data: Path) -> None:
    endpoint, _ = hosts
    endpoint.status = 300

    status, _, stderr = publish(data, f"{endpoint.base}/store")

    assert status == 1
    assert stderr == (
        f"error: could not replace graph <{GRAPH}>: {endpoint.base}/store answered HTTP 300 Multiple Choices "
        "instead of storing it\n"
    )


def test_a_direct_upload_still_works_with_its_credentials(hosts: tuple[Host, Host], data: Path) -> None:
    _, other = hosts

    status, stdout, _ = publish(data, f"{other.base}/store", "--append", "--no-vocabularies")

    assert status == 0
    assert stdout == f"2 triples added to graph <{GRAPH}> (HTTP 201)\n"
    [seen] = other.seen
    assert (seen.method, seen.path, authorization(seen)) == (
        "POST",
        f"/store?{GRAPH_QUERY}",
        f"Bearer {TOKEN}",
    )
    assert sorted(seen.body.decode().splitlines()) == sorted(TRIPLES.splitlines())


@pytest.mark.parametrize(
    ("endpoint", "why"),
    [
        ("javascript:alert(1)", "must be an http:// or https:// URL"),
        ("JavaScript:alert(document.cookie)//http://x/", "must be an http:// or https:// URL"),
        ("file:///etc/passwd", "must be an http:// or https:// URL"),
        ("ftp://example.org/store", "must be an http:// or https:// URL"),
        (" http://example.org/store", "must be an http:// or https:// URL"),
        ("http:///store", "names no host; give e.g. http://HOST:PORT/store"),
        ("http://:8080/store", "names no host; give e.g. http://HOST:PORT/store"),
        ("http://exa mple.org/store", "contains a space or a control character; percent-encode it (%20)"),
        ("http://example.org/store\r\nX-Injected: 1", "contains a space or a control character"),
        ("http://example.org:99999/store", "is not a valid URL: Port out of range 0-65535"),
        ("http://[::1/store", "is not a valid URL: Invalid IPv6 URL"),
        ("http://example.org/store#top", "has a #fragment, which is never sent to a server; drop it"),
    ],
)
def test_an_endpoint_that_is_not_an_http_url_is_bad_input(data: Path, endpoint: str, why: str) -> None:
    status, stdout, stderr = publish(data, endpoint)

    assert status == 2
    assert stdout == ""
    assert stderr.startswith(f"error: --endpoint {endpoint!r} {why}")
    assert stderr.count("\n") == 1


def test_a_redirected_query_keeps_its_credentials_at_home(
    hosts: tuple[Host, Host], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Queries may follow a redirect (an endpoint can move), but the token must not travel with it.
    endpoint, other = hosts
    endpoint.status, endpoint.location = 302, other.base + "/sparql"
    other.status = 200
    monkeypatch.setenv("ICGP_ENDPOINT_TOKEN", TOKEN)
    result = runner.invoke(
        app, ["query", "run", "clusters_overview", "--endpoint", endpoint.base + "/sparql"]
    )
    assert result.exit_code == 1  # the other host answers no SPARQL results
    assert [s.headers.get("Authorization") for s in endpoint.seen] == [f"Bearer {TOKEN}"]
    assert other.seen and all("Authorization" not in s.headers for s in other.seen)
