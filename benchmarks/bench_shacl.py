#!/usr/bin/env python3
"""Time the SHACL stage of ``icgp validate`` on generated study packages, fast engine against pySHACL.

    python benchmarks/bench_shacl.py [--organisations 5000 50000] [--repeats 3] [--timeout 600]

For each size the script generates a package with ``benchmarks/generate.py`` (into ``benchmarks/out/``),
then measures every engine in a fresh Python process per run: the child builds the package (not timed),
then times the SHACL stage exactly as ``kg.validation.validate`` runs it - data graph of study + ontology +
vocabularies, validation, results restricted to the study - and reports its time and its peak RSS
(``resource.getrusage``, which includes the build). pySHACL runs once per size and is cut after
``--timeout`` seconds. The result is a Markdown table with medians and the ratio to pySHACL, measured in
the same run, printed to stdout.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import time
from itertools import chain
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "out"


def measure(engine: str, package: Path) -> dict[str, object]:
    """In this (fresh) process: build the package, then time the SHACL stage with ``engine``."""
    from kg.build.store import ontology_quads
    from kg.build.study import build_package
    from kg.validation.engines import DataGraph, load_shapes, validate

    shapes = load_shapes()
    built = build_package(package)
    quads = built.result.quads
    started = time.perf_counter()
    subjects = {q.subject.value for q in quads if hasattr(q.subject, "value")}
    data = DataGraph(chain((q.triple for q in ontology_quads()), (q.triple for q in quads)))
    results = [r for r in validate(data, shapes, engine) if r.focus in subjects]
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux
    return {
        "engine": engine,
        "seconds": seconds,
        "peak_bytes": peak,
        "triples": len(quads),
        "results": len(results),
    }


CANDIDATES = ("fast", "shacl-rust", "pyshacl-turbo", "pyshifty")


def measure_candidate(engine: str, package: Path) -> dict[str, object]:
    """Time one candidate engine on the whole shape set (how the default engine was chosen).

    ``shacl-rust`` runs every shape itself (SPARQL constraints per focus node), ``pyshacl-turbo`` gets
    the data in a pyoxigraph Store, ``pyshifty`` an N-Triples file; the last two are not dependencies of
    icgp and must be installed by hand.
    """
    import tempfile

    import rdflib
    from pyoxigraph import RdfFormat, Store

    from kg.build.store import ontology_quads
    from kg.build.study import build_package
    from kg.validation.engines import DataGraph, load_shapes, validate

    shapes = load_shapes()
    built = build_package(package)
    quads = built.result.quads
    subjects = {q.subject.value for q in quads if hasattr(q.subject, "value")}
    shapes_text = "\n".join(path.read_text(encoding="utf-8") for path in shapes.files)
    started = time.perf_counter()
    data = DataGraph(chain((q.triple for q in ontology_quads()), (q.triple for q in quads)))
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")

    def count(graph: rdflib.Graph) -> int:
        return sum(
            1
            for report in graph.subjects(rdflib.RDF.type, sh.ValidationReport)
            for result in graph.objects(report, sh.result)
            if str(graph.value(result, sh.focusNode)) in subjects
        )

    if engine == "fast":
        found = sum(1 for r in validate(data, shapes, "fast") if r.focus in subjects)
    elif engine == "shacl-rust":
        import shacl_rust

        report = shacl_rust.validate(
            data.ntriples.decode(), shapes_text, data_format="nt", experimental_index=True
        )
        found = sum(1 for r in report["results"] if r["focusNode"][1:-1] in subjects)
    elif engine == "pyshacl-turbo":
        import pyshacl_turbo

        store = Store()
        store.load(data.ntriples, format=RdfFormat.N_TRIPLES)
        shapes_graph = rdflib.Graph().parse(data=shapes_text, format="turtle")
        found = count(pyshacl_turbo.validate(store, shacl_graph=shapes_graph, inference="none")[1])
    else:
        import shifty

        with tempfile.TemporaryDirectory() as folder:
            data_file, shapes_file = Path(folder) / "data.nt", Path(folder) / "shapes.ttl"
            data_file.write_bytes(data.ntriples)
            shapes_file.write_text(shapes_text, encoding="utf-8")
            found = count(shifty.validate(data_file, shacl_graph=shapes_file, infer=False)[1])
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    return {"engine": engine, "seconds": seconds, "peak_bytes": peak, "triples": len(quads), "results": found}


def run_child(engine: str, package: Path, timeout: float) -> dict[str, object] | None:
    """One measurement in a fresh interpreter; None when it was cut at ``timeout`` seconds."""
    flag = "--measure" if engine in ("fast", "pyshacl") else "--measure-candidate"
    command = [sys.executable, __file__, flag, engine, str(package)]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return None
    result: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def generate(organisations: int) -> Path:
    target = OUT / f"shacl-n{organisations}"
    if not (target / "datapackage.yaml").exists():
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), str(target), "--organisations", str(organisations)],
            check=True,
            capture_output=True,
        )
    return target


def _seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--organisations", type=int, nargs="+", default=[5000, 50000])
    parser.add_argument("--repeats", type=int, default=3, help="runs of the fast engine per size (median)")
    parser.add_argument("--timeout", type=float, default=600.0, help="cut a pySHACL run after this many s")
    parser.add_argument(
        "--candidates", action="store_true", help="compare the candidate engines (one run each) instead"
    )
    parser.add_argument("--measure", nargs=2, metavar=("ENGINE", "PACKAGE"), help=argparse.SUPPRESS)
    parser.add_argument("--measure-candidate", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure[0], Path(args.measure[1]))))
        return
    if args.measure_candidate:
        print(json.dumps(measure_candidate(args.measure_candidate[0], Path(args.measure_candidate[1]))))
        return
    if args.candidates:
        print("| organisations | engine | time (data graph + validation) | peak RSS | results on the study |")
        print("|---:|---|---:|---:|---:|")
        for organisations in args.organisations:
            package = generate(organisations)
            for engine in CANDIDATES:
                try:
                    run = run_child(engine, package, args.timeout)
                except subprocess.CalledProcessError as exc:
                    reason = (exc.stderr or "").strip().splitlines()[-1:] or ["failed"]
                    print(f"| {organisations:,} | {engine} | failed: {reason[0]} | - | - |")
                    continue
                if run is None:
                    print(f"| {organisations:,} | {engine} | cut at {args.timeout:.0f} s | - | - |")
                    continue
                print(
                    f"| {organisations:,} | {engine} | {_seconds(float(str(run['seconds'])))} "
                    f"| {int(str(run['peak_bytes'])) / 2**20:.0f} MB | {run['results']} |"
                )
        return

    rows = []
    for organisations in args.organisations:
        package = generate(organisations)
        fast = [run_child("fast", package, args.timeout * 2) for _ in range(args.repeats)]
        reference = run_child("pyshacl", package, args.timeout)
        runs = [run for run in fast if run is not None]
        seconds = statistics.median(float(str(run["seconds"])) for run in runs)
        peak = max(int(str(run["peak_bytes"])) for run in runs)
        rows.append((organisations, runs[0], seconds, peak, reference))
        print(f"measured {organisations} organisations", file=sys.stderr)

    print(
        f"Machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}; "
        f"fast engine: median of {args.repeats} runs; pySHACL: one run, cut at {args.timeout:.0f} s.\n"
    )
    print(
        "| organisations | triples (study) | SHACL results | fast engine | peak RSS "
        "| pySHACL | pySHACL peak RSS | ratio |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for organisations, first, seconds, peak, reference in rows:
        if reference is None:
            ref_time, ref_peak, ratio = (
                f"cut at {args.timeout:.0f} s",
                "-",
                f"> {args.timeout / seconds:.0f}x faster",
            )
        else:
            ref_seconds = float(str(reference["seconds"]))
            agree = (
                ""
                if reference["results"] == first["results"]
                else f" (pySHACL: {reference['results']} results)"
            )
            ref_time = _seconds(ref_seconds) + agree
            ref_peak = f"{int(str(reference['peak_bytes'])) / 2**20:.0f} MB"
            ratio = f"{ref_seconds / seconds:.0f}x faster"
        print(
            f"| {organisations:,} | {int(str(first['triples'])):,} | {first['results']} "
            f"| {_seconds(seconds)} | {peak / 2**20:.0f} MB | {ref_time} | {ref_peak} | {ratio} |"
        )


if __name__ == "__main__":
    main()
