#!/usr/bin/env python3
"""Time `icgp assess` on a generated ~1M-triple study, against its own queries in the same run.

    python benchmarks/bench_assess.py [--organisations 50000] [--work DIR] [--repeat 3]

Steps, each the command a user runs: generate the package with benchmarks/generate.py, build it with
``icgp build PACKAGE --store DIR`` (the store as the CLI leaves it), then ``icgp assess --store DIR
--format json`` ``--repeat`` times in fresh processes, recording wall time and peak memory (the
child's maximum resident set, from ``os.wait4``). In the same run, every saved query the assessment
reads is answered once on the same store, read-only, one after another, as the assessment sends it: their
sum is what the assessment would cost if it did nothing else and ran them in turn. The assessment runs
them side by side (one per core), so the ratio says what parallel queries save against what the rest
(process start, the model, networkx, scoring, the +-20 % robustness re-runs, JSON) costs. The report
is Markdown on stdout; progress goes to stderr.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generate import ensure_package  # noqa: E402

from kg.assess.evidence import ASSESSMENT_QUERIES, run_query  # noqa: E402
from kg.assess.model import load_model  # noqa: E402
from kg.query.run import StoreTarget, read_only_store  # noqa: E402


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def icgp() -> str:
    """The installed icgp command beside this Python."""
    return str(Path(sys.executable).parent / "icgp")


def measured(command: list[str]) -> tuple[float, float]:
    """Run a command to its end; its wall seconds and peak resident memory in MB (Linux: ru_maxrss in KB)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        stderr = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"{' '.join(command)} failed: {stderr}")
    if process.stderr:
        process.stderr.close()
    return seconds, usage.ru_maxrss / 1024


def prepare_store(organisations: int, work: Path) -> tuple[Path, float, float]:
    """Generate the package and build it with the CLI; reuses both when there. Build seconds and MB."""
    package = ensure_package(work / f"n{organisations}", organisations)
    store_dir = work / f"n{organisations}-cli-store"
    if store_dir.exists():
        return store_dir, float("nan"), float("nan")
    log(f"icgp build {package} --store {store_dir} ...")
    seconds, mb = measured([icgp(), "build", str(package), "--store", str(store_dir)])
    return store_dir, seconds, mb


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--organisations", "-n", type=int, default=50_000)
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "out")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    store_dir, build_s, build_mb = prepare_store(args.organisations, args.work)

    runs = []
    for number in range(args.repeat):
        log(f"icgp assess --store {store_dir} (run {number + 1}) ...")
        out = args.work / "assessment.json"
        runs.append(
            measured([icgp(), "assess", "--store", str(store_dir), "--format", "json", "-o", str(out)])
        )

    model = load_model()
    store = read_only_store(store_dir)
    triples = len(store)
    target = StoreTarget(store)
    timings: list[tuple[str, float, int]] = []
    for name in [*model.queries(), *ASSESSMENT_QUERIES]:
        started = time.perf_counter()
        answer = run_query(target, model, name, None)  # as the assessment sends it (no ORDER BY)
        timings.append((name, time.perf_counter() - started, len(answer.rows)))
    floor = sum(seconds for _, seconds, _ in timings)
    wall = statistics.median(seconds for seconds, _ in runs)
    peak = max(mb for _, mb in runs)

    print(f"# icgp assess on {args.organisations} organisations ({triples:,} quads in the store)\n")
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}.\n")
    if build_s == build_s:  # not NaN: built in this run
        print(f"`icgp build --store`: {build_s:.1f} s, peak {build_mb:.0f} MB.\n")
    print("| command | median wall time | peak memory |")
    print("|---|---:|---:|")
    print(f"| `icgp assess --store S --format json` ({args.repeat} runs) | {wall:.2f} s | {peak:.0f} MB |")
    print(f"| its {len(timings)} queries, one after another, in one process | {floor:.2f} s | |")
    print(f"\nRatio assess / queries: {wall / floor:.2f}.\n")
    print("| query | seconds | rows |")
    print("|---|---:|---:|")
    for name, seconds, rows in sorted(timings, key=lambda t: -t[1]):
        print(f"| {name} | {seconds:.3f} | {rows} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
