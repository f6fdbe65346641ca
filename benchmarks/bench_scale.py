#!/usr/bin/env python3
"""Measure the whole pipeline side by side at 100 k, 1 M, 3 M and 10 M triples, and check issue 18's goals.

    python benchmarks/bench_scale.py --sizes 100k 1M 3M 10M --repeats 3 --work benchmarks/out

For each size a study package is generated with ``benchmarks/generate.py`` (cached in the work folder)
and every step runs as its own process, exactly as a user runs it: the wall time and the peak resident
memory of that process (``ru_maxrss`` from ``os.wait4``: the largest of the process and the children
it waited for) are recorded, and the table gives the median of the repeats. Steps (names for
``--only`` and ``--skip``):

- ``store``: ``icgp build PKG --store DIR`` into a fresh folder each repeat;
- ``first-query``: ``icgp query run clusters_overview --store DIR`` right after that build, the first
  read of the store as the CLI leaves it;
- ``memory``: ``icgp build PKG``, in memory;
- ``floor``: pyoxigraph's bulk loader reading the study's N-Quads into a fresh on-disk store, then a
  flush (the N-Quads come from ``icgp build PKG --output FILE.nq`` once per size, not timed);
- ``rdflib``: rdflib parsing the same N-Quads into a ``Dataset`` (only up to ``--rdflib-max``);
- ``validate``: ``icgp validate PKG`` with the default engine;
- ``assess``: ``icgp assess --store DIR --format json``;
- ``slowest``: ``icgp query run NAME --store DIR`` for the slowest saved query (``--slow-query``, else
  the one that took longest when each ran once on the smallest size's store).

A step that runs longer than ``--timeout`` seconds, or whose processes together hold more than
``--memory-limit`` GB, is stopped (with its children) and recorded so, as is a command that fails;
the run goes on. The report (Markdown) goes to stdout, progress to stderr, the raw runs to ``--json``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import ensure_package  # noqa: E402

# Study triples per organisation at the generator's default density: 5,000 organisations gave 102,778
# and 50,000 gave 1,023,207, so 20 an organisation puts 100k, 1M and 10M within a few per cent of their label
# and reuses the 5,000- and 50,000-organisation packages of the other benchmarks.
TRIPLES_PER_ORGANISATION = 20
MIN_ORGANISATIONS = 18  # generate.py needs one organisation of each actor type

STEPS = ("store", "first-query", "memory", "floor", "rdflib", "validate", "assess", "slowest")
STEP_TITLES = {
    "store": "`build --store`",
    "first-query": "first `query run`",
    "memory": "in-memory build",
    "floor": "bulk-load floor",
    "rdflib": "rdflib parse",
    "validate": "`validate`",
    "assess": "`assess --store`",
    "slowest": "slowest query",
}
STORE_STEPS = ("store", "first-query", "assess", "slowest")  # the steps that need a built store
NQUADS_STEPS = ("floor", "rdflib")
FIRST_QUERY = "clusters_overview"

# The floor and the rdflib baseline run as small programs in a fresh interpreter, like the CLI steps.
FLOOR_PROGRAM = """
import sys
from pyoxigraph import RdfFormat, Store
store = Store(sys.argv[2])
store.bulk_load(path=sys.argv[1], format=RdfFormat.N_QUADS)
store.flush()
"""
RDFLIB_PROGRAM = """
import sys
import rdflib
dataset = rdflib.Dataset()
dataset.parse(sys.argv[1], format="nquads")
"""

# Issue 18's thresholds. A gigabyte is 1,024 MB, as ru_maxrss counts (KiB).
GB = 1024.0
FLAT_MEMORY = 1.5  # "flat in memory": at most this factor per 10x more triples
LINEAR_TIME = 11.0  # "linear": at most this factor in time per 10x more triples


def log(message: str) -> None:
    """Progress on stderr, so that stdout holds only the report."""
    print(message, file=sys.stderr, flush=True)


# --- sizes -------------------------------------------------------------------------------------------

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$")


def parse_size(text: str) -> int:
    """Triples from a size label: ``100k`` -> 100,000, ``1M`` -> 1,000,000, ``2.5M``, or a plain number."""
    match = _SIZE.match(text)
    if not match:
        raise ValueError(f"not a size: {text!r} (give e.g. 100k, 1M, 2.5M or 20000)")
    number, unit = float(match.group(1)), match.group(2).lower()
    triples = round(number * {"": 1, "k": 1_000, "m": 1_000_000}[unit])
    if triples <= 0:
        raise ValueError(f"not a size: {text!r} (must be more than zero)")
    return triples


def size_label(triples: int) -> str:
    """The short label of a triple count: 100000 -> ``100k``, 1000000 -> ``1M``, 2500000 -> ``2.5M``."""
    for unit, factor in (("M", 1_000_000), ("k", 1_000)):
        if triples >= factor:
            return f"{triples / factor:g}{unit}"
    return str(triples)


def organisations_for(triples: int) -> int:
    """Organisations to generate for about ``triples`` study triples at the default density."""
    return max(MIN_ORGANISATIONS, round(triples / TRIPLES_PER_ORGANISATION))


def decade_pairs(targets: Sequence[int]) -> list[tuple[int, int]]:
    """Pairs of sizes (smaller, larger) of the run that are exactly ten times apart, smallest first."""
    present = set(targets)
    return [(small, small * 10) for small in sorted(present) if small * 10 in present]


# --- measuring one process ---------------------------------------------------------------------------


@dataclass
class Run:
    """One process: how it ended (ok, failed, timeout, memory limit), wall and CPU seconds, peak memory."""

    status: str
    seconds: float
    peak_mb: float
    cpu_seconds: float
    exit_code: int | None = None
    error: str = ""


def group_rss_mb(group: int) -> float:
    """Resident memory of every process in a process group, summed, in MB (Linux ``/proc``)."""
    page_mb = os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()  # after "pid (name)": state, ppid, pgrp, ...
            if int(fields[2]) == group:
                total += int(fields[21]) * page_mb  # rss, in pages
    return total


def measure(
    command: Sequence[str], timeout: float, ok_codes: Iterable[int] = (0,), memory_limit_mb: float = 0.0
) -> Run:
    """Run ``command`` to its end, or stop it and its children after ``timeout`` seconds.

    The process is reaped with ``os.wait4`` (in a thread, so that the clock stops when it ends rather
    than at the next poll), which gives its own resource usage and not that of other steps. With a
    ``memory_limit_mb``, the process group is also stopped once it holds more than that (checked twice
    a second), so that a step that would exhaust a shared machine's memory ends as ``memory limit`` instead.
    """
    with tempfile.TemporaryFile() as stderr:  # a file, not a pipe: a chatty child cannot block on it
        started = time.perf_counter()
        process = subprocess.Popen(
            list(command),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            start_new_session=True,  # its own process group, so a timeout stops its workers too
        )
        ended: dict[str, Any] = {}

        def reap() -> None:
            _, status, usage = os.wait4(process.pid, 0)
            ended.update(at=time.perf_counter(), status=status, usage=usage)

        waiter = threading.Thread(target=reap, daemon=True)
        waiter.start()
        stopped = ""  # why it was stopped: "timeout" or "memory limit"
        try:
            while waiter.is_alive():
                remaining = started + timeout - time.perf_counter()
                if remaining <= 0:
                    stopped = "timeout"
                    break
                waiter.join(min(remaining, 0.5) if memory_limit_mb else remaining)
                if memory_limit_mb and waiter.is_alive() and group_rss_mb(process.pid) > memory_limit_mb:
                    stopped = "memory limit"
                    break
        finally:
            if waiter.is_alive():  # stopped, or interrupted (Ctrl-C)
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                waiter.join()
        code = os.waitstatus_to_exitcode(ended["status"])
        process.returncode = code  # reaped here; tells Popen not to wait for it again
        usage = ended["usage"]
        seconds = ended["at"] - started
        peak_mb = usage.ru_maxrss / 1024
        cpu = usage.ru_utime + usage.ru_stime
        if stopped:
            return Run(stopped, timeout if stopped == "timeout" else seconds, peak_mb, cpu, code)
        if code not in set(ok_codes):
            stderr.seek(0)
            tail = stderr.read().decode("utf-8", "replace").strip()[-2000:]
            return Run("failed", seconds, peak_mb, cpu, code, tail)
        return Run("ok", seconds, peak_mb, cpu, code)


# --- summaries, ratios and goals ---------------------------------------------------------------------


@dataclass
class Summary:
    """The median of one step's repeats at one size, or why there is none.

    ``status`` is ``ok``, or ``timeout``, ``memory limit`` or ``failed`` when any repeat ended so, or
    ``skipped`` (the step could not run, e.g. no store, or rdflib above its maximum size).
    """

    status: str
    seconds: float | None = None
    peak_mb: float | None = None
    note: str = ""


def summarise(runs: Sequence[Run], skipped: str = "") -> Summary | None:
    """Medians of the runs when all ended well, else the worst way one ended; why it was skipped, or None."""
    if not runs:  # a step skipped in one repeat but run in another is summarised by its runs
        return Summary("skipped", note=skipped) if skipped else None
    for status in ("timeout", "memory limit", "failed"):
        bad = [run for run in runs if run.status == status]
        if bad:
            note = f"exit {bad[0].exit_code}" if status == "failed" else ""
            return Summary(status, note=note)
    return Summary(
        "ok",
        statistics.median(run.seconds for run in runs),
        statistics.median(run.peak_mb for run in runs),
    )


def format_seconds(seconds: float) -> str:
    """``0.84 s``, ``12.3 s``, ``154 s``: three significant figures at most."""
    if seconds < 10:
        return f"{seconds:.2f} s"
    if seconds < 100:
        return f"{seconds:.1f} s"
    return f"{seconds:,.0f} s"


def format_cell(summary: Summary | None) -> str:
    """A table cell: ``12.3 s, 456 MB``, or how the step ended, or ``-`` when it did not run."""
    if summary is None:
        return "-"
    if summary.status == "ok" and summary.seconds is not None and summary.peak_mb is not None:
        return f"{format_seconds(summary.seconds)}, {summary.peak_mb:,.0f} MB"
    if summary.status == "skipped":
        return "-"
    return f"{summary.status} ({summary.note})" if summary.note else summary.status


def ratio(numerator: Summary | None, denominator: Summary | None, what: str) -> float | None:
    """``numerator / denominator`` of ``seconds`` or ``peak_mb``, when both steps ended well."""
    if numerator is None or denominator is None or numerator.status != "ok" or denominator.status != "ok":
        return None
    top, bottom = getattr(numerator, what), getattr(denominator, what)
    if top is None or not bottom:
        return None
    return float(top / bottom)


def format_ratio(value: float | None) -> str:
    """``2.3x``, or ``-`` when it cannot be computed."""
    return "-" if value is None else f"{value:.2f}x" if value < 10 else f"{value:.1f}x"


Table = dict[int, dict[str, Summary | None]]  # target triples -> step -> summary


@dataclass
class Goal:
    """One acceptance goal of issue 18 and its verdict: PASS, FAIL or ``not measured``."""

    goal: str
    verdict: str
    detail: str = ""


def _verdict(checks: Sequence[tuple[bool | None, str]]) -> tuple[str, str]:
    """PASS when every check passes, FAIL when any fails, else not measured; the details joined."""
    details = "; ".join(detail for _, detail in checks if detail)
    outcomes = [passed for passed, _ in checks]
    if any(passed is False for passed in outcomes):
        return "FAIL", details
    if outcomes and all(passed is True for passed in outcomes):
        return "PASS", details
    return "not measured", details


def _at_most(summary: Summary | None, what: str, limit: float, name: str) -> tuple[bool | None, str]:
    """Whether a step's median ``seconds`` or ``peak_mb`` is within ``limit``; a timeout or failure fails."""
    if summary is None or summary.status == "skipped":
        return None, f"{name} not measured"
    if summary.status != "ok":
        return False, f"{name}: {summary.status}"
    value = getattr(summary, what)
    shown = format_seconds(value) if what == "seconds" else f"{value:,.0f} MB"
    return value <= limit, f"{name} {shown}"


def _ratio_at_most(
    top: Summary | None, bottom: Summary | None, what: str, limit: float, name: str
) -> tuple[bool | None, str]:
    """Whether ``top / bottom`` is within ``limit``; a failed or timed-out ``top`` fails."""
    if top is not None and top.status not in ("ok", "skipped"):
        return False, f"{name}: {top.status}"
    value = ratio(top, bottom, what)
    if value is None:
        return None, f"{name} not measured"
    return value <= limit, f"{name} {format_ratio(value)}"


def _completed(summary: Summary | None, name: str) -> tuple[bool | None, str]:
    if summary is None or summary.status == "skipped":
        return None, f"{name} not measured"
    return summary.status == "ok", f"{name}: {'completed' if summary.status == 'ok' else summary.status}"


def check_goals(table: Table) -> list[Goal]:
    """Issue 18's acceptance goals, judged on the medians of this run (1 M and 10 M as sized here)."""
    million, ten_million = table.get(1_000_000, {}), table.get(10_000_000, {})
    goals: list[Goal] = []

    def add(goal: str, *checks: tuple[bool | None, str]) -> None:
        goals.append(Goal(goal, *_verdict(checks)))

    first = million.get("first-query")
    add(
        f"1M: first `query run {FIRST_QUERY}` after `build --store` at most 1 s and 200 MB",
        _at_most(first, "seconds", 1.0, "time"),
        _at_most(first, "peak_mb", 200.0, "memory"),
    )
    add(
        "1M: `build --store` at most 2x the bulk-load floor",
        _ratio_at_most(million.get("store"), million.get("floor"), "seconds", 2.0, "build / floor"),
    )
    add("1M: `build --store` peak memory at most 1 GB", _at_most(million.get("store"), "peak_mb", GB, "peak"))
    add("1M: `validate` at most 10 s", _at_most(million.get("validate"), "seconds", 10.0, "time"))
    add(
        "10M: `build --store`, `validate` and `assess` complete",
        *(_completed(ten_million.get(step), step) for step in ("store", "validate", "assess")),
    )
    add(
        "10M: `build --store` peak memory at most 2 GB",
        _at_most(ten_million.get("store"), "peak_mb", 2 * GB, "peak"),
    )
    add(
        "10M: `validate` and `assess` peak memory at most 8 GB",
        *(_at_most(ten_million.get(step), "peak_mb", 8 * GB, step) for step in ("validate", "assess")),
    )
    add(
        "10M: `build --store` at most 2x the bulk-load floor",
        _ratio_at_most(ten_million.get("store"), ten_million.get("floor"), "seconds", 2.0, "build / floor"),
    )
    pairs = decade_pairs(list(table))
    time_checks: list[tuple[bool | None, str]] = []
    memory_checks: list[tuple[bool | None, str]] = []
    for small, large in pairs:
        span = f"{size_label(small)}->{size_label(large)}"
        for step in ("store", "validate"):
            time_checks.append(
                _ratio_at_most(
                    table[large].get(step), table[small].get(step), "seconds", LINEAR_TIME, f"{step} {span}"
                )
            )
        memory_checks.append(
            _ratio_at_most(table[large].get("store"), table[small].get("store"), "peak_mb", FLAT_MEMORY, span)
        )
    if not pairs:
        time_checks = memory_checks = [(None, "no two sizes ten times apart")]
    add(f"per 10x more triples: `build --store` and `validate` time at most {LINEAR_TIME:g}x", *time_checks)
    add(f"per 10x more triples: `build --store` peak memory flat (at most {FLAT_MEMORY:g}x)", *memory_checks)
    return goals


def render(table: Table, triples: dict[int, int | None], steps: Sequence[str], heading: Sequence[str]) -> str:
    """The Markdown report: medians per size and step, build / floor, growth per 10x, the goals."""
    lines = [*heading, ""]
    lines.append("| size | triples | " + " | ".join(STEP_TITLES[step] for step in steps) + " |")
    lines.append("|---|---:|" + "---:|" * len(steps))
    for target in sorted(table):
        count = triples.get(target)
        cells = [format_cell(table[target].get(step)) for step in steps]
        shown = f"{count:,}" if count else "?"
        lines.append(f"| {size_label(target)} | {shown} | " + " | ".join(cells) + " |")
    not_run = [
        f"{STEP_TITLES[step]} at {size_label(target)} ({summary.note})"
        for target in sorted(table)
        for step in steps
        if (summary := table[target].get(step)) is not None and summary.status == "skipped"
    ]
    if not_run:
        lines += ["", "Not run: " + "; ".join(not_run) + "."]

    if "store" in steps and "floor" in steps:
        lines += ["", "| size | build --store / floor: time | memory |", "|---|---:|---:|"]
        for target in sorted(table):
            store, floor = table[target].get("store"), table[target].get("floor")
            lines.append(
                f"| {size_label(target)} | {format_ratio(ratio(store, floor, 'seconds'))} | "
                f"{format_ratio(ratio(store, floor, 'peak_mb'))} |"
            )

    pairs = decade_pairs(list(table))
    if pairs:
        lines += [
            "",
            "Growth per 10x more triples (time ratio, memory ratio):",
            "",
            "| sizes | triples | " + " | ".join(STEP_TITLES[step] for step in steps) + " |",
            "|---|---:|" + "---:|" * len(steps),
        ]
        for small, large in pairs:
            low, high = triples.get(small), triples.get(large)
            grown = format_ratio(high / low) if low and high else "-"
            cells = []
            for step in steps:
                before, after = table[small].get(step), table[large].get(step)
                cells.append(
                    f"{format_ratio(ratio(after, before, 'seconds'))}, "
                    f"{format_ratio(ratio(after, before, 'peak_mb'))}"
                )
            lines.append(
                f"| {size_label(small)} -> {size_label(large)} | {grown} | " + " | ".join(cells) + " |"
            )

    lines += ["", "Acceptance goals of issue 18:", "", "| goal | verdict | measured |", "|---|---|---|"]
    lines += [f"| {goal.goal} | {goal.verdict} | {goal.detail} |" for goal in check_goals(table)]
    return "\n".join(lines)


# --- the run -----------------------------------------------------------------------------------------


def icgp_command() -> str:
    """The icgp command installed beside this Python, else the one on PATH."""
    beside = Path(sys.executable).parent / "icgp"
    if beside.exists():
        return str(beside)
    found = shutil.which("icgp")
    if found is None:
        raise SystemExit("icgp is not installed (pip install -e . in the project's environment)")
    return found


def count_lines(path: Path) -> int:
    """Lines of a file: the quads of an N-Quads file as Oxigraph writes it (one a line, no comments)."""
    count = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 22):
            count += chunk.count(b"\n")
    return count


def remove(path: Path) -> None:
    """Delete a folder or file if it is there."""
    if path.is_dir():
        shutil.rmtree(path)
    elif path.exists():
        path.unlink()


def saved_queries(icgp: str) -> list[str]:
    """Names of the saved queries, from ``icgp query list --format json``."""
    listed = subprocess.run(
        [icgp, "query", "list", "--format", "json"], check=True, capture_output=True, text=True
    )
    return [entry["name"] for entry in json.loads(listed.stdout)]


def machine_facts() -> dict[str, Any]:
    """What the numbers depend on: cores, memory, Python and library versions, the load."""
    facts: dict[str, Any] = {
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    with contextlib.suppress(OSError, ValueError, IndexError):
        meminfo = Path("/proc/meminfo").read_text().split("\n")[0]
        facts["memory_gb"] = round(int(meminfo.split()[1]) / 1024 / 1024, 1)
    for package in ("icgp", "pyoxigraph", "rdflib", "shacl-rust"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            facts[package] = metadata.version(package)
    return facts


def default_memory_limit() -> float:
    """Three quarters of the machine's memory in GB (a step over it would starve the other work), or 0."""
    try:
        return round(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") / 1024**3 * 0.75, 1)
    except (OSError, ValueError):
        return 0.0


def load_average() -> str:
    """The 1-minute load average, for the report (a busy machine moves the numbers)."""
    try:
        return f"{os.getloadavg()[0]:.2f}"
    except OSError:
        return "?"


@dataclass
class SizeResult:
    """Everything measured at one size."""

    label: str
    target: int
    organisations: int
    triples: int | None = None
    runs: dict[str, list[Run]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)

    def summaries(self, steps: Sequence[str]) -> dict[str, Summary | None]:
        """The median of each step (None for a step that did not run)."""
        return {step: summarise(self.runs.get(step, []), self.skipped.get(step, "")) for step in steps}


class Bench:
    """One benchmark run over all sizes; see the module docstring."""

    def __init__(self, args: argparse.Namespace, steps: Sequence[str]) -> None:
        self.args = args
        self.steps = list(steps)
        self.work: Path = args.work
        self.icgp = icgp_command()
        self.slow_query: str | None = args.slow_query
        self.query_pick: dict[str, Any] = {}
        self.results: list[SizeResult] = []

    def measure(self, command: Sequence[str], ok_codes: Iterable[int] = (0,)) -> Run:
        """One process, within ``--timeout`` and ``--memory-limit``."""
        return measure(command, self.args.timeout, ok_codes, self.args.memory_limit * 1024)

    def step(
        self, size: SizeResult, step: str, command: Sequence[str], ok_codes: Iterable[int] = (0,)
    ) -> Run:
        """Measure one step once and keep the run."""
        # the floor and rdflib programs are long: show their arguments only
        shown = [f"<{step} program>", *command[3:]] if step in NQUADS_STEPS else command
        log(f"  {step}: {' '.join(shown)}")
        run = self.measure(command, ok_codes)
        size.runs.setdefault(step, []).append(run)
        last_error = run.error.splitlines()[-1] if run.error else ""
        log(f"    {run.status}: {run.seconds:.2f} s, {run.peak_mb:,.0f} MB {last_error}")
        return run

    def nquads(self, size: SizeResult, package: Path) -> Path | None:
        """The study's N-Quads, written once by ``icgp build PKG --output`` (not timed), else None."""
        path = self.work / f"n{size.organisations}.nq"
        if not path.exists():
            part = self.work / f"n{size.organisations}.nq.part"
            log(f"  writing {path} (not timed) ...")
            run = self.measure([self.icgp, "build", str(package), "--output", str(part), "--format", "nq"])
            if run.status != "ok":
                log(f"    {run.status}: {run.error}")
                remove(part)
                return None
            part.rename(path)
        return path

    def pick_slow_query(self, store: Path) -> None:
        """Run every saved query once on ``store`` with the CLI and keep the slowest that answered."""
        timings: dict[str, Any] = {}
        for name in saved_queries(self.icgp):
            run = self.measure([self.icgp, "query", "run", name, "--store", str(store)])
            timings[name] = asdict(run)
            log(f"    {name}: {run.status}, {run.seconds:.2f} s")
        answered = {name: run["seconds"] for name, run in timings.items() if run["status"] == "ok"}
        if answered:
            self.slow_query = max(answered, key=answered.__getitem__)
        self.query_pick = {"store": str(store), "timings": timings, "picked": self.slow_query}

    def pick_note(self) -> str:
        """How the slowest query was picked, with the three slowest, for the report."""
        timings = self.query_pick.get("timings")
        if not timings:
            return " (given with --slow-query)" if self.slow_query else ""
        answered = sorted(
            ((run["seconds"], name) for name, run in timings.items() if run["status"] == "ok"), reverse=True
        )
        slowest = ", ".join(f"{name} {format_seconds(seconds)}" for seconds, name in answered[:3])
        return (
            f" (picked at {self.query_pick['size']}: each of {len(timings)} saved queries run once with "
            f"the CLI, process start included; slowest {slowest})"
        )

    def run_size(self, target: int) -> SizeResult:
        """Every selected step at one size, ``--repeats`` times."""
        size = SizeResult(size_label(target), target, organisations_for(target))
        self.results.append(size)
        log(f"{size.label}: {size.organisations:,} organisations")
        package = ensure_package(self.work / f"n{size.organisations}", size.organisations)
        nquads = self.nquads(size, package)
        if nquads is None:
            for step in NQUADS_STEPS:
                size.skipped[step] = "no N-Quads (icgp build --output failed)"
        else:
            size.triples = count_lines(nquads)
        if "rdflib" in self.steps and target > self.args.rdflib_max:
            size.skipped["rdflib"] = f"only up to {size_label(self.args.rdflib_max)}"
        store = self.work / f"scale-n{size.organisations}-store"
        floor = self.work / f"scale-n{size.organisations}-floor"
        python = sys.executable
        for repeat in range(self.args.repeats):
            log(f" {size.label}, run {repeat + 1} of {self.args.repeats}")
            built = False
            if any(step in self.steps for step in STORE_STEPS):
                remove(store)
                command = [self.icgp, "build", str(package), "--store", str(store)]
                # built untimed when only the steps that read the store were asked for
                run = self.step(size, "store", command) if "store" in self.steps else self.measure(command)
                built = run.status == "ok"
                if not built:
                    for step in STORE_STEPS[1:]:
                        size.skipped.setdefault(step, f"no store: the build ended in {run.status}")
            if built and "first-query" in self.steps:
                self.step(
                    size, "first-query", [self.icgp, "query", "run", FIRST_QUERY, "--store", str(store)]
                )
            if built and "assess" in self.steps:
                self.step(size, "assess", [self.icgp, "assess", "--store", str(store), "--format", "json"])
            if built and "slowest" in self.steps:
                if self.slow_query is None:
                    log("  picking the slowest saved query (each once) ...")
                    self.pick_slow_query(store)
                    self.query_pick["size"] = size.label
                if self.slow_query is None:
                    size.skipped["slowest"] = "no saved query answered"
                else:
                    command = [self.icgp, "query", "run", self.slow_query, "--store", str(store)]
                    self.step(size, "slowest", command)
            if "memory" in self.steps:
                self.step(size, "memory", [self.icgp, "build", str(package)])
            if nquads is not None and "floor" in self.steps:
                remove(floor)
                self.step(size, "floor", [python, "-c", FLOOR_PROGRAM, str(nquads), str(floor)])
                remove(floor)
            if nquads is not None and "rdflib" in self.steps and "rdflib" not in size.skipped:
                self.step(size, "rdflib", [python, "-c", RDFLIB_PROGRAM, str(nquads)])
            if "validate" in self.steps:
                # exit 1 means findings at the --fail-on level: the validation itself completed
                self.step(size, "validate", [self.icgp, "validate", str(package)], ok_codes=(0, 1))
        if not self.args.keep_stores:
            remove(store)
        return size

    def table(self) -> Table:
        """Medians per size and step."""
        return {size.target: size.summaries(self.steps) for size in self.results}

    def raw(self, facts: dict[str, Any]) -> dict[str, Any]:
        """Everything measured, for ``--json``."""
        return {
            "machine": facts,
            "arguments": {
                key: str(value) if isinstance(value, Path) else value
                for key, value in vars(self.args).items()
            },
            "steps": self.steps,
            "slow_query": self.slow_query,
            "query_pick": self.query_pick,
            "sizes": [
                {
                    "label": size.label,
                    "target": size.target,
                    "organisations": size.organisations,
                    "triples": size.triples,
                    "runs": {step: [asdict(run) for run in runs] for step, runs in size.runs.items()},
                    "skipped": size.skipped,
                    "summary": {
                        step: None if summary is None else asdict(summary)
                        for step, summary in size.summaries(self.steps).items()
                    },
                }
                for size in self.results
            ],
            "goals": [asdict(goal) for goal in check_goals(self.table())],
        }


def parse_steps(text: str | None) -> list[str]:
    """Step names from ``--only``/``--skip`` (comma-separated); ValueError for an unknown one."""
    if not text:
        return []
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in STEPS]
    if unknown:
        raise ValueError(f"unknown step {', '.join(unknown)} (steps: {', '.join(STEPS)})")
    return names


def main(argv: list[str] | None = None) -> int:
    """Parse the options, measure every size, print the report."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", nargs="+", default=["100k", "1M", "3M", "10M"], help="study triples, e.g. 100k 1M"
    )
    parser.add_argument("--repeats", type=int, default=3, help="runs of each step per size (median)")
    parser.add_argument("--work", type=Path, default=HERE / "out", help="packages, N-Quads and stores")
    parser.add_argument("--only", help=f"comma-separated steps to run ({','.join(STEPS)})")
    parser.add_argument("--skip", help="comma-separated steps to leave out")
    parser.add_argument("--timeout", type=float, default=3600.0, help="seconds before a step is stopped")
    parser.add_argument(
        "--memory-limit",
        type=float,
        default=default_memory_limit(),
        help="GB a step's processes may hold together before it is stopped (0: no limit; "
        "default: three quarters of the machine's memory)",
    )
    parser.add_argument("--slow-query", help="the saved query for the slowest-query step (default: pick)")
    parser.add_argument("--rdflib-max", default="1M", help="largest size rdflib parses (default 1M)")
    parser.add_argument("--keep-stores", action="store_true", help="keep the last store of each size")
    parser.add_argument("--json", type=Path, help="also write the raw runs to this file")
    args = parser.parse_args(argv)

    try:
        targets = sorted({parse_size(text) for text in args.sizes})
        args.rdflib_max = parse_size(args.rdflib_max)
        only, skip = parse_steps(args.only), parse_steps(args.skip)
    except ValueError as error:
        parser.error(str(error))
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if not args.timeout > 0:
        parser.error("--timeout must be more than zero")
    if not args.memory_limit >= 0:
        parser.error("--memory-limit must be zero (no limit) or more")
    steps = [step for step in STEPS if (not only or step in only) and step not in skip]
    if not steps:
        parser.error("no step left to run")
    slow = args.slow_query
    if "slowest" in steps and slow and not slow.endswith(".rq") and slow not in saved_queries(icgp_command()):
        parser.error(f"no saved query named {slow!r} (see icgp query list)")

    args.work.mkdir(parents=True, exist_ok=True)
    bench = Bench(args, steps)
    facts = machine_facts()
    facts["started"] = datetime.now(UTC).isoformat(timespec="seconds")
    facts["load_at_start"] = load_average()

    def save() -> None:
        if args.json:
            args.json.write_text(json.dumps(bench.raw(facts), indent=1) + "\n", encoding="utf-8")

    for target in targets:
        bench.run_size(target)
        save()  # after each size, so that a long run stopped later keeps what it measured
    facts["ended"] = datetime.now(UTC).isoformat(timespec="seconds")
    facts["load_at_end"] = load_average()
    save()

    versions = ", ".join(
        f"{name} {facts[name]}" for name in ("icgp", "pyoxigraph", "rdflib", "shacl-rust") if name in facts
    )
    heading = [
        f"# Scale: {', '.join(size_label(target) for target in targets)} triples, "
        f"median of {args.repeats} run(s)",
        "",
        f"{facts['started']} to {facts['ended']}; {facts['cores']} cores, "
        f"{facts.get('memory_gb', '?')} GB, {facts['machine']}, Python {facts['python']}, {versions}; "
        f"load average {facts['load_at_start']} at the start, {facts['load_at_end']} at the end.",
        "",
        "Each cell: median wall time, median peak memory (largest resident set) of the process.",
    ]
    if "slowest" in steps:
        heading.append(f"Slowest query: {bench.slow_query or '(none answered)'}{bench.pick_note()}.")
    print(render(bench.table(), {size.target: size.triples for size in bench.results}, steps, heading))
    return 0


if __name__ == "__main__":
    sys.exit(main())
