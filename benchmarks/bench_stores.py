#!/usr/bin/env python3
"""Load a ~1M-triple study into ``oxigraph serve`` and into Virtuoso, and time a few saved queries on each.

    python benchmarks/bench_stores.py [--store benchmarks/out/n50000-cli-store] [--work DIR] [--repeat 3]
                                      [--publish]

In one run: export the store (read-only) to N-Quads with ``icgp export``; load the file with each store's
own bulk loader (``oxigraph load`` into a new folder; Virtuoso's ``ld_dir`` and ``rdf_loader_run`` through
``isql-vt``, then a checkpoint); serve it (``oxigraph serve-read-only --union-default-graph``; Virtuoso on
free loopback ports, as tests/virtuoso.py starts it); then answer each query of :data:`QUERIES` once to
warm up and ``--repeat`` times more through ``--endpoint``'s code path (:class:`EndpointTarget`), and
report the median. With ``--publish`` it first times ``icgp publish`` of the store to an empty
``oxigraph serve`` and to an empty Virtuoso (Digest credentials). The embedded store's time for the same
query is given beside them. The machine's load average is printed before and after, since other work on
the machine changes every figure. The report is a Markdown table on stdout; progress goes to stderr.
Needs ``virtuoso-t`` and ``isql-vt`` (Debian's ``virtuoso-opensource``).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from virtuoso import PASSWORD, USER, running_virtuoso  # noqa: E402

from kg.errors import IcgpError  # noqa: E402
from kg.query.catalogue import find_query  # noqa: E402
from kg.query.parameters import prepare  # noqa: E402
from kg.query.run import EndpointTarget, StoreTarget, Target, read_only_store  # noqa: E402
from kg.query.sparql_text import without_order  # noqa: E402

# Queries that answer alike on both servers (tests/test_query_portability.py), from small to heavy;
# gp_c1 is run as the assessment runs it (without ORDER BY: Virtuoso cannot sort its long evidence).
QUERIES = (
    "clusters_overview",
    "technology_adoption_by_technology",
    "actors_by_ties",
    "cluster_member_mix",
    "assessment/members",
    "gp_c1_dominance",
)
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def load() -> str:
    """The 1, 5 and 15 minute load averages."""
    return " / ".join(f"{x:.2f}" for x in os.getloadavg())


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def export(store: Path, file: Path) -> float:
    """``icgp export STORE -f nq -o FILE`` (skipped when the file is there); its time in seconds."""
    if file.exists():
        return float("nan")
    started = time.perf_counter()
    subprocess.run(
        [
            sys.executable,
            "-c",
            "from cli import app; app()",
            "export",
            str(store),
            "-f",
            "nq",
            "-o",
            str(file),
        ],
        cwd=ROOT,
        check=True,
    )
    return time.perf_counter() - started


def oxigraph_binary() -> str:
    beside = Path(sys.executable).parent / "oxigraph"
    return str(beside) if beside.exists() else "oxigraph"


def wait_for(url: str, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"{url} did not answer within {seconds:.0f} s")
        time.sleep(0.2)


def timed(target: Target, text: str, repeat: int) -> tuple[float, int]:
    """The median time of ``repeat`` runs after one warm-up, and the number of rows."""
    rows = len(target.run(text).rows)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        target.run(text)
        times.append(time.perf_counter() - started)
    return statistics.median(times), rows


def isql(folder: Path, statement: str) -> str:
    """Run SQL through isql-vt on the Virtuoso whose configuration is in ``folder``."""
    config = (folder / "virtuoso.ini").read_text(encoding="utf-8")
    port = config.split("[Parameters]", 1)[1].split("ServerPort = ", 1)[1].split("\n", 1)[0]
    answer = subprocess.run(
        ["isql-vt", port, USER, PASSWORD, f"exec={statement}"],
        capture_output=True,
        text=True,
        check=True,
        timeout=3600,
    )
    return answer.stdout


def publish(store: Path, endpoint: str, env: dict[str, str] | None = None) -> float:
    """``icgp publish STORE --endpoint URL`` (the study graph, the ontology and the vocabularies, in
    chunks); its time in seconds."""
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", "from cli import app; app()", "publish", str(store), "--endpoint", endpoint],
        cwd=ROOT,
        check=True,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def publish_times(store: Path, work: Path) -> tuple[float, float]:
    """The time ``icgp publish`` takes to an empty ``oxigraph serve`` and to an empty Virtuoso."""
    location = work / "oxigraph-publish"
    shutil.rmtree(location, ignore_errors=True)
    port = free_port()
    server = subprocess.Popen(
        [oxigraph_binary(), "serve", "--location", str(location), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", 60)
        to_oxigraph = publish(store, f"http://127.0.0.1:{port}/store")
    finally:
        server.terminate()
        server.wait()
    log(f"icgp publish to oxigraph serve: {to_oxigraph:.1f} s")
    folder = work / "virtuoso-publish"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    with running_virtuoso(folder) as base:
        credentials = {"ICGP_ENDPOINT_USER": USER, "ICGP_ENDPOINT_PASSWORD": PASSWORD}
        to_virtuoso = publish(store, f"{base}/sparql-graph-crud-auth", credentials)
    log(f"icgp publish to Virtuoso: {to_virtuoso:.1f} s")
    shutil.rmtree(location, ignore_errors=True)
    shutil.rmtree(folder, ignore_errors=True)
    return to_oxigraph, to_virtuoso


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, default=ROOT / "benchmarks" / "out" / "n50000-cli-store")
    parser.add_argument("--work", type=Path, default=Path("/tmp/icgp-bench-stores"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--publish", action="store_true", help="also time icgp publish to each server")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    log(f"load average at start: {load()}")
    started_load = load()

    dump = args.work / "study.nq"
    exported = export(args.store, dump)
    embedded = StoreTarget(read_only_store(args.store))
    quads = int(embedded.run(COUNT).rows[0][0].value)  # type: ignore[union-attr]
    log(f"{quads} quads exported to {dump}")

    texts = {}
    for name in QUERIES:
        text = prepare(find_query(name), {})
        texts[name] = without_order(text) if name.startswith(("gp_", "assessment/")) else text

    published = publish_times(args.store, args.work) if args.publish else None

    # -- oxigraph: bulk load, then serve read-only --------------------------------------------------
    location = args.work / "oxigraph"
    shutil.rmtree(location, ignore_errors=True)
    started = time.perf_counter()
    subprocess.run([oxigraph_binary(), "load", "--location", str(location), "--file", str(dump)], check=True)
    oxigraph_load = time.perf_counter() - started
    log(f"oxigraph load: {oxigraph_load:.1f} s")
    port = free_port()
    server = subprocess.Popen(
        [oxigraph_binary(), "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}",
         "--union-default-graph"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    results: dict[str, dict[str, str]] = {name: {} for name in QUERIES}
    try:
        wait_for(f"http://127.0.0.1:{port}/query?query=ASK%7B%7D", 60)
        oxigraph = EndpointTarget(f"http://127.0.0.1:{port}/query", timeout=600)
        for name, text in texts.items():
            seconds, rows = timed(oxigraph, text, args.repeat)
            results[name]["oxigraph serve"] = f"{seconds:.2f} s"
            results[name]["rows"] = str(rows)
            log(f"  oxigraph serve {name}: {seconds:.2f} s, {rows} rows")
    finally:
        server.terminate()
        server.wait()

    for name, text in texts.items():
        seconds, _ = timed(embedded, text, args.repeat)
        results[name]["embedded"] = f"{seconds:.2f} s"

    # -- Virtuoso: ld_dir + rdf_loader_run, then query ---------------------------------------------
    folder = args.work / "virtuoso"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    os.link(dump, folder / "study.nq")  # DirsAllowed is the database folder
    with running_virtuoso(folder) as base:
        started = time.perf_counter()
        isql(folder, "ld_dir('.', 'study.nq', 'urn:icgp:bench:default');")
        isql(folder, "rdf_loader_run();")
        isql(folder, "checkpoint;")
        virtuoso_load = time.perf_counter() - started
        log(f"virtuoso ld_dir + rdf_loader_run + checkpoint: {virtuoso_load:.1f} s")
        virtuoso = EndpointTarget(f"{base}/sparql", timeout=600)
        for name, text in texts.items():
            try:
                seconds, rows = timed(virtuoso, text, args.repeat)
                shown = f"{seconds:.2f} s" + ("" if str(rows) == results[name]["rows"] else f" ({rows} rows)")
            except IcgpError as exc:
                shown = "error: " + str(exc)[:80]
            results[name]["virtuoso"] = shown
            log(f"  virtuoso {name}: {shown}")

    print(f"{quads:,} quads (`icgp export -f nq`: {exported:.0f} s); load average {started_load} at start, "
          f"{load()} at the end\n")  # fmt: skip
    print("| step | oxigraph | Virtuoso |\n|---|---|---|")
    print(f"| bulk load | {oxigraph_load:.1f} s (`oxigraph load`) | {virtuoso_load:.1f} s (`ld_dir` + "
          "`rdf_loader_run` + `checkpoint`) |")  # fmt: skip
    if published is not None:
        print(f"| `icgp publish` (HTTP, in chunks) | {published[0]:.1f} s | {published[1]:.1f} s (Digest) |")
    print()
    print("| query | rows | embedded | oxigraph serve | Virtuoso |\n|---|---|---|---|---|")
    for name in QUERIES:
        row = results[name]
        print(f"| {name} | {row['rows']} | {row['embedded']} | {row['oxigraph serve']} | {row['virtuoso']} |")


if __name__ == "__main__":
    main()
