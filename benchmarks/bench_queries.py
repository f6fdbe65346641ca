#!/usr/bin/env python3
"""Time every saved query on a generated ~1M-triple study in an on-disk store, against rdflib.

    python benchmarks/bench_queries.py [--organisations 50000] [--work DIR] [--rdflib-limit 60]

Steps: generate the package with benchmarks/generate.py, build it (with the ontology and vocabularies)
into an on-disk Oxigraph store, then answer every saved query with its default parameters the way
``icgp query run --store`` does (store opened read-only, parameters bound, answers converted), one
warm-up run and then the median of ``--repeat`` timed runs. The same quads are loaded into an rdflib
Dataset (default graph = union of the named graphs, as in the store) and each query is run once there
in a forked child that is stopped at ``--rdflib-limit`` seconds; the ratio is rdflib's time over
Oxigraph's. The report is a Markdown table on stdout; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generate import ensure_package  # noqa: E402
from pyoxigraph import RdfFormat, Store  # noqa: E402

from kg.build.study import build_package, store_study  # noqa: E402
from kg.query.catalogue import catalogue  # noqa: E402
from kg.query.parameters import prepare  # noqa: E402
from kg.query.run import StoreTarget, read_only_store  # noqa: E402

_DATASET: Any = None  # the rdflib Dataset, inherited by the forked children


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def build_store(organisations: int, work: Path) -> tuple[Path, int]:
    """Generate the package and build it into an on-disk store (reused when already there)."""
    package = ensure_package(work / f"n{organisations}", organisations)
    store_dir = work / f"n{organisations}-store"
    if not store_dir.exists():
        log(f"building {package} into {store_dir} ...")
        started = time.perf_counter()
        built = build_package(package)
        store = Store(str(store_dir))
        store_study(store, built)
        store.flush()
        store.optimize()  # compacts RocksDB, as a store that has been idle for a while would be
        del store
        log(f"  built {built.result.triples} study triples in {time.perf_counter() - started:.0f} s")
    store = read_only_store(store_dir)
    return store_dir, len(store)


def time_oxigraph(store: Store, text: str, repeat: int) -> tuple[float, int]:
    """Median seconds over ``repeat`` runs after one warm-up, and the number of rows."""
    target = StoreTarget(store)
    rows = len(target.run(text).rows)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        target.run(text)
        times.append(time.perf_counter() - started)
    return statistics.median(times), rows


def _rdflib_child(text: str, pipe: Any) -> None:
    started = time.perf_counter()
    rows = len(list(_DATASET.query(text)))
    pipe.send((time.perf_counter() - started, rows))


def time_rdflib(text: str, limit: float) -> tuple[float | None, int | None]:
    """Seconds rdflib needs for one run (None when cut at ``limit``), and its number of rows."""
    context = mp.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_rdflib_child, args=(text, sender))
    child.start()
    if receiver.poll(limit):
        seconds, rows = receiver.recv()
        child.join()
        return seconds, rows
    child.terminate()
    child.join()
    return None, None


def load_rdflib(store_dir: Path) -> float:
    """Load the store's quads into an rdflib Dataset whose default graph is the union; return seconds."""
    global _DATASET
    import rdflib

    started = time.perf_counter()
    data = read_only_store(store_dir).dump(format=RdfFormat.N_QUADS)
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(data=data, format="nquads")
    _DATASET = dataset
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--organisations", "-n", type=int, default=50000)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "out")
    parser.add_argument("--repeat", type=int, default=5, help="timed Oxigraph runs per query (median)")
    parser.add_argument(
        "--rdflib-limit", type=float, default=60.0, help="seconds before an rdflib run is cut"
    )
    parser.add_argument("--no-rdflib", action="store_true", help="time Oxigraph only")
    parser.add_argument("--queries", help="comma-separated query names (default: all)")
    args = parser.parse_args(argv)

    args.work.mkdir(parents=True, exist_ok=True)
    store_dir, quads = build_store(args.organisations, args.work)
    store = read_only_store(store_dir)
    queries = catalogue()
    names = args.queries.split(",") if args.queries else sorted(queries)
    log(f"{quads} quads in the store ({store_dir}); {len(names)} queries")
    load_seconds = None if args.no_rdflib else load_rdflib(store_dir)
    if load_seconds is not None:
        log(f"rdflib loaded the same quads in {load_seconds:.0f} s")

    lines = [
        f"{quads:,} quads ({args.organisations:,} organisations), on-disk Oxigraph store; "
        f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}, "
        f"{mp.cpu_count()} CPUs; Oxigraph: median of {args.repeat} runs after a warm-up; rdflib "
        f"{_rdflib_version()}: one run, cut at {args.rdflib_limit:g} s.",
        "",
        "| query | rows | Oxigraph (s) | rdflib (s) | rdflib / Oxigraph |",
        "|---|---:|---:|---:|---:|",
    ]
    slowest = 0.0
    for name in names:
        text = prepare(queries[name], {})
        seconds, rows = time_oxigraph(store, text, args.repeat)
        slowest = max(slowest, seconds)
        if args.no_rdflib:
            baseline, ratio = "-", "-"
        else:
            rdf_seconds, rdf_rows = time_rdflib(text, args.rdflib_limit)
            if rdf_seconds is None:
                baseline, ratio = f"> {args.rdflib_limit:g}", f"> {args.rdflib_limit / seconds:,.0f}"
            else:
                baseline, ratio = f"{rdf_seconds:.2f}", f"{rdf_seconds / seconds:,.0f}"
                if rdf_rows != rows:
                    ratio += f" (rdflib: {rdf_rows} rows)"
        lines.append(f"| {name} | {rows} | {seconds:.3f} | {baseline} | {ratio} |")
        log(lines[-1])
    lines += ["", f"Slowest query on Oxigraph: {slowest:.3f} s."]
    print("\n".join(lines))
    return 0


def _rdflib_version() -> str:
    import rdflib

    return str(rdflib.__version__)


if __name__ == "__main__":
    sys.exit(main())
