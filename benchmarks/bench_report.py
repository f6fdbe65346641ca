#!/usr/bin/env python3
"""Time `icgp report` on a generated ~1M-triple study (target: at most 60 s), with where the time goes.

    python benchmarks/bench_report.py [--organisations 50000] [--work DIR] [--repeat 1]

Steps, each the command a user runs: generate the package with benchmarks/generate.py and build it with
``icgp build PACKAGE --store DIR`` (both reused when already there, as bench_assess.py does). Then, in
this process, the report is made in its two halves: gathering the numbers (the assessment and the
report's own queries) and drawing the charts and the page, so that the table says which half costs what;
drawing is timed in one process and then with the worker processes ``icgp report`` uses, as a same-run
baseline. Last, ``icgp report --store DIR --out OUT`` runs ``--repeat`` times in fresh processes, with wall
time and peak memory. The report is Markdown on stdout; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_assess import icgp, log, measured, prepare_store  # noqa: E402

from kg.publish.report.data import gather  # noqa: E402
from kg.publish.report.drawing import default_workers  # noqa: E402
from kg.publish.report.html import render  # noqa: E402
from kg.query.run import StoreTarget, read_only_store  # noqa: E402

TARGET_SECONDS = 60.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", "-n", type=int, default=50_000)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "out")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    store_dir, build_s, build_mb = prepare_store(args.organisations, args.work)

    log("the report in this process, in its two halves ...")
    store = read_only_store(store_dir)
    triples = len(store)
    started = time.perf_counter()
    reports = gather(StoreTarget(store))
    gathered = time.perf_counter() - started
    started = time.perf_counter()
    for report in reports:
        render(report, workers=1)
    drawn_alone = time.perf_counter() - started
    started = time.perf_counter()
    pages_text = [render(report) for report in reports]
    drawn = time.perf_counter() - started
    workers = default_workers(sum(t.count("<svg") for t in pages_text))
    # Only the drawing workers have ended as children of this process so far (the CLI runs come next).
    worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    clusters = sum(len(r.clusters) for r in reports)
    charts = sum(t.count("<svg") for t in pages_text)
    del reports, pages_text, store

    out = args.work / "report"
    runs = []
    for number in range(args.repeat):
        log(f"icgp report --store {store_dir} --out {out} (run {number + 1}) ...")
        runs.append(measured([icgp(), "report", "--store", str(store_dir), "--out", str(out)]))
    pages = sorted(out.glob("*.html"))
    size = sum(p.stat().st_size for p in pages)

    wall = statistics.median(seconds for seconds, _ in runs)
    peak = max(mb for _, mb in runs)
    print(f"# icgp report on {args.organisations} organisations ({triples:,} quads, {clusters} clusters)\n")
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}.\n")
    if build_s == build_s:  # not NaN: built in this run
        print(f"`icgp build --store`: {build_s:.1f} s, peak {build_mb:.0f} MB.\n")
    print("| step | wall time | peak memory |")
    print("|---|---:|---:|")
    print(f"| `icgp report --store S --out D` ({args.repeat} runs, median) | {wall:.2f} s | {peak:.0f} MB |")
    print(f"| gathering: the assessment and the report's queries | {gathered:.2f} s | |")
    print(f"| drawing: {charts} charts and the page, in one process | {drawn_alone:.2f} s | |")
    print(
        f"| drawing: the same, {workers} worker processes (as `icgp report` does) | {drawn:.2f} s "
        f"| {worker_mb:.0f} MB a worker |"
    )
    verdict = "within" if wall <= TARGET_SECONDS else "OVER"
    print(f"\n{len(pages)} page(s), {size / 1e6:.1f} MB; {verdict} the {TARGET_SECONDS:.0f} s target.")
    return 0 if wall <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
