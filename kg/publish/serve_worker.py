"""The query side of ``icgp serve``: worker processes that each run one query at a time.

pyoxigraph cannot cancel a running query, and a thread cannot be stopped, so queries run in worker
processes, each with its own copy of the served data. A query still running at the time limit is
stopped by killing its worker (its CPU is released at once, whether or not the client is still there)
and a fresh worker takes its place. Workers are fresh interpreters: forking a process that runs request
threads could copy a lock some thread holds, and multiprocessing's ``spawn`` would run the caller's
``__main__`` again.
"""

from __future__ import annotations

import html
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, cast

from pyoxigraph import (
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
    parse_query_results,
    serialize,
)

from kg.publish.serve_guard import service_refusal

RESULT_TYPES = {
    "application/sparql-results+json": QueryResultsFormat.JSON,
    "application/json": QueryResultsFormat.JSON,
    "application/sparql-results+xml": QueryResultsFormat.XML,
    "application/xml": QueryResultsFormat.XML,
    "text/csv": QueryResultsFormat.CSV,
    "text/tab-separated-values": QueryResultsFormat.TSV,
}
GRAPH_TYPES = {
    "text/turtle": RdfFormat.TURTLE,
    "application/n-triples": RdfFormat.N_TRIPLES,
    "application/rdf+xml": RdfFormat.RDF_XML,
    "application/n-quads": RdfFormat.N_QUADS,
    "application/trig": RdfFormat.TRIG,
}


@dataclass(frozen=True)
class Job:
    """One query to run: its text, the client's media types (best first), the dataset and the page flag."""

    text: str
    accept: tuple[str, ...] = ()
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    html: bool = False  # answer with an HTML fragment for the query page


@dataclass(frozen=True)
class Answer:
    """An HTTP answer: status, media type and body (a message for an error)."""

    status: int
    media: str
    body: bytes


@dataclass(frozen=True)
class Limits:
    """What a worker allows: SERVICE endpoints and the most rows (or triples) of an answer."""

    max_rows: int = 100_000
    allowed_services: frozenset[str] = frozenset()


def refusal(status: int, message: str) -> Answer:
    """A plain-text error answer."""
    return Answer(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))


def choose(accept: tuple[str, ...] | list[str], offered: dict[str, Any], default: str) -> str:
    """The first media type of ``accept`` that is ``offered`` (a wildcard gives ``default``)."""
    for media in accept:
        if media in offered:
            return media
        if media in ("*/*", "application/*", "text/*"):
            return default
    return default


def _too_many(limits: Limits) -> Answer:
    return refusal(
        400,
        f"the answer has more than {limits.max_rows} rows, the limit of this endpoint (--max-rows); "
        "add LIMIT and OFFSET, or aggregate",
    )


def answer(store: Store, job: Job, limits: Limits) -> Answer:
    """Run ``job`` on ``store`` within ``limits``; every failure becomes a 4xx answer with a message."""
    refused = service_refusal(job.text, limits.allowed_services)
    if refused is not None:
        return refusal(403, refused)
    try:
        options: dict[str, Any] = {"use_default_graph_as_union": True}
        if job.default_graphs:
            options = {"default_graph": [NamedNode(g) for g in job.default_graphs]}
        if job.named_graphs:
            options["named_graphs"] = [NamedNode(g) for g in job.named_graphs]
    except ValueError as exc:
        return refusal(400, f"default-graph-uri and named-graph-uri must be absolute IRIs: {exc}")
    try:
        result = store.query(job.text, **options)
        if isinstance(result, QueryBoolean):
            return _boolean(result, job)
        if isinstance(result, QueryTriples):
            triples: list[Any] = []
            for triple in result:
                if len(triples) == limits.max_rows:
                    return _too_many(limits)
                triples.append(triple)
            return _triples(triples, job)
        variables = list(result.variables)
        rows: list[list[Any]] = []
        for solution in result:
            if len(rows) == limits.max_rows:
                return _too_many(limits)
            rows.append([solution[v] for v in variables])
        return _solutions([v.value for v in variables], rows, job)
    except SyntaxError as exc:
        return refusal(400, f"the query does not parse (updates are not accepted here): {exc}")
    except (OSError, ValueError, RuntimeError) as exc:
        return refusal(400, f"the query failed: {exc}")


def _boolean(result: QueryBoolean, job: Job) -> Answer:
    if job.html:
        return _fragment(f"<p>Answer: <strong>{'yes' if bool(result) else 'no'}</strong></p>")
    media = choose(job.accept, RESULT_TYPES, "application/sparql-results+json")
    return Answer(200, media, cast(bytes, result.serialize(format=RESULT_TYPES[media])))


def _triples(triples: list[Any], job: Job) -> Answer:
    if job.html:
        text = cast(bytes, serialize(triples, format=RdfFormat.TURTLE)).decode("utf-8")
        return _fragment(f"<pre>{html.escape(text)}</pre>")
    media = choose(job.accept, GRAPH_TYPES, "text/turtle")
    return Answer(200, media, cast(bytes, serialize(triples, format=GRAPH_TYPES[media])))


def _solutions(variables: list[str], rows: list[list[Any]], job: Job) -> Answer:
    if job.html:
        head = "".join(f"<th>{html.escape(v)}</th>" for v in variables)
        body = "".join(
            "<tr>" + "".join(f"<td>{'' if t is None else html.escape(str(t))}</td>" for t in row) + "</tr>"
            for row in rows
        )
        return _fragment(f"<p>{len(rows)} row(s)</p><table><tr>{head}</tr>{body}</table>")
    # The rows were counted one by one to enforce the limit, so they are written out here: as SPARQL TSV
    # (each cell is the term in N-Triples syntax, which str() gives), read back by pyoxigraph and
    # serialised in the format asked for.
    if not variables:  # TSV cannot tell rows of no columns apart: ask pyoxigraph directly
        return _empty_projection(len(rows), job)
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
    parsed = parse_query_results("\n".join(lines) + "\n", format=QueryResultsFormat.TSV)
    media = choose(job.accept, RESULT_TYPES, "application/sparql-results+json")
    return Answer(200, media, cast(bytes, parsed.serialize(format=RESULT_TYPES[media])))


def _empty_projection(count: int, job: Job) -> Answer:
    store = Store()
    result = cast(QuerySolutions, store.query("SELECT * WHERE { VALUES () { " + "() " * count + "} }"))
    media = choose(job.accept, RESULT_TYPES, "application/sparql-results+json")
    return Answer(200, media, cast(bytes, result.serialize(format=RESULT_TYPES[media])))


def _fragment(text: str) -> Answer:
    return Answer(200, "text/html; charset=utf-8", text.encode("utf-8"))


def _die_with(parent: int) -> None:
    """Have the kernel kill this worker when the server dies, even in the middle of a query (Linux)."""
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # 1 is PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the worker still ends when the socket closes
        pass
    if os.getppid() != parent:  # the server died before the request took effect
        os._exit(0)


def worker_main(descriptor: int, parent: int) -> None:
    """A worker's life: receive the data (N-Quads) and limits on socket ``descriptor``, then answer jobs
    until the socket closes (the server stopped) or the ``parent`` process dies."""
    _die_with(parent)
    connection = Connection(descriptor)
    data, limits = connection.recv()
    store = Store()
    store.bulk_load(data, format=RdfFormat.N_QUADS)
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        try:
            connection.send(answer(store, job, limits))
        except Exception as exc:  # any failure must answer, never end the worker
            connection.send(refusal(500, f"the query could not be answered: {type(exc).__name__}: {exc}"))


class _Worker:
    """A worker process, started as a fresh interpreter (nothing of the server's threads or locks is
    copied into it) and reached through a socket pair."""

    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        # The worker imports this very library, wherever the server imported it from.
        root = str(Path(__file__).resolve().parents[2])
        path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p)
        fd, pid = theirs.fileno(), os.getpid()
        code = f"from kg.publish.serve_worker import worker_main; worker_main({fd}, {pid})"
        self.process = subprocess.Popen(
            [sys.executable, "-c", code],
            pass_fds=(theirs.fileno(),),
            stdin=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": path},
            start_new_session=True,  # Ctrl-C in the terminal goes to the server, which stops the workers
        )
        theirs.close()
        self.connection = Connection(ours.detach())

    def load(self, data: bytes, limits: Limits) -> None:
        """Hand the worker its data and limits; blocks until it has started and reads them."""
        self.connection.send((data, limits))

    def stop(self) -> None:
        self.process.kill()
        self.process.wait(timeout=5)
        self.connection.close()


class WorkerBusyError(Exception):
    """Every worker stayed busy longer than a request may wait."""


class QueryPool:
    """A fixed number of worker processes; ``run`` gives a job to a free one and enforces the time limit."""

    def __init__(self, data: bytes, limits: Limits, *, workers: int = 2, timeout: float = 30.0) -> None:
        self._data = data
        self._limits = limits
        self.timeout = timeout
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: set[_Worker] = set()
        self._lock = threading.Lock()
        self._closed = False
        # Every worker is started before any is loaded: handing over the data waits for the worker's
        # interpreter to start, and the workers start side by side instead of one after the other.
        started = [_Worker() for _ in range(workers)]
        try:
            for worker in started:
                self._enlist(worker)
        except BaseException:  # a worker that died at start: none of them may outlive the pool
            self._closed = True
            for worker in started:
                worker.stop()
            raise

    def _add(self) -> None:
        self._enlist(_Worker())

    def _enlist(self, worker: _Worker) -> None:
        worker.load(self._data, self._limits)
        with self._lock:
            if self._closed:
                worker.stop()
                return
            self._all.add(worker)
        self._idle.put(worker)

    def _retire(self, worker: _Worker) -> None:
        with self._lock:
            self._all.discard(worker)
        worker.stop()

    def worker_pids(self) -> list[int]:
        """The process ids of the current workers."""
        with self._lock:
            return [w.process.pid for w in self._all]

    def run(self, job: Job, wait: float) -> Answer:
        """The answer to ``job``; a query past the time limit gets 503 and its worker is replaced.

        Raises ``WorkerBusyError`` when no worker becomes free within ``wait`` seconds."""
        try:
            worker = self._idle.get(timeout=wait)
        except queue.Empty as exc:
            raise WorkerBusyError from exc
        try:
            worker.connection.send(job)
            if worker.connection.poll(self.timeout):
                result = cast(Answer, worker.connection.recv())
                self._idle.put(worker)
                return result
        except (EOFError, OSError):
            self._retire(worker)
            self._add()
            return refusal(500, "the query worker stopped unexpectedly (out of memory?); it was restarted")
        self._retire(worker)  # killing it is the only way to stop the query
        self._add()
        return refusal(
            503,
            f"the query was stopped after {self.timeout:g} s, the time limit of this endpoint (--timeout); "
            "narrow it down or add LIMIT",
        )

    def close(self) -> None:
        """Kill every worker."""
        with self._lock:
            self._closed = True
            workers, self._all = list(self._all), set()
        for worker in workers:
            worker.stop()
