"""The scale benchmark's own parts (benchmarks/bench_scale.py): sizes, measuring a process, medians, goals."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from scripts import load_script

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "benchmarks" / "bench_scale.py"


bench = load_script(SCRIPT, "icgp_benchmark_scale")
Summary = bench.Summary
Run = bench.Run


def ok(seconds: float, peak_mb: float) -> object:
    return Summary("ok", seconds, peak_mb)


@pytest.mark.parametrize(
    ("text", "triples"),
    [("100k", 100_000), ("1M", 1_000_000), ("2.5M", 2_500_000), ("3m", 3_000_000), ("20000", 20_000)],
)
def test_parse_size(text: str, triples: int) -> None:
    assert bench.parse_size(text) == triples


@pytest.mark.parametrize("text", ["foo", "0", "-1k", "1G", "", "1.5.2M"])
def test_parse_size_rejects(text: str) -> None:
    with pytest.raises(ValueError, match="not a size"):
        bench.parse_size(text)


@pytest.mark.parametrize(
    ("triples", "label"),
    [(100_000, "100k"), (1_000_000, "1M"), (2_500_000, "2.5M"), (20_000, "20k"), (999, "999")],
)
def test_size_label(triples: int, label: str) -> None:
    assert bench.size_label(triples) == label
    assert bench.parse_size(label) == triples


def test_organisations_for_the_issue_sizes() -> None:
    # 20 triples an organisation; the generator needs at least 18 organisations
    sizes = [100_000, 1_000_000, 3_000_000, 10_000_000, 20_000, 100]
    assert [bench.organisations_for(size) for size in sizes] == [5_000, 50_000, 150_000, 500_000, 1_000, 18]


def test_decade_pairs() -> None:
    assert bench.decade_pairs([10_000_000, 100_000, 3_000_000, 1_000_000]) == [
        (100_000, 1_000_000),
        (1_000_000, 10_000_000),
    ]
    assert bench.decade_pairs([2_000, 20_000, 200_000]) == [(2_000, 20_000), (20_000, 200_000)]
    assert bench.decade_pairs([1_000_000, 3_000_000]) == []


def test_parse_steps() -> None:
    assert bench.parse_steps("store, floor,") == ["store", "floor"]
    assert bench.parse_steps(None) == []
    with pytest.raises(ValueError, match="unknown step bogus"):
        bench.parse_steps("store,bogus")


def test_summarise_takes_medians() -> None:
    runs = [Run("ok", 3.0, 100.0, 1.0), Run("ok", 1.0, 300.0, 1.0), Run("ok", 2.0, 200.0, 1.0)]
    assert bench.summarise(runs) == Summary("ok", 2.0, 200.0)
    # runs in some repeats are summarised by those runs, even if another repeat was skipped
    assert bench.summarise(runs, "no store") == Summary("ok", 2.0, 200.0)


def test_summarise_reports_the_worst_ending() -> None:
    good = Run("ok", 1.0, 10.0, 1.0)
    failed = Run("failed", 1.0, 10.0, 1.0, 2, "error: bad")
    timeout = Run("timeout", 60.0, 10.0, 60.0, -9)
    assert bench.summarise([good, failed]) == Summary("failed", note="exit 2")
    assert bench.summarise([failed, timeout, good]) == Summary("timeout")
    assert bench.summarise([]) is None
    assert bench.summarise([], "only up to 1M") == Summary("skipped", note="only up to 1M")


def test_format_cell() -> None:
    assert bench.format_cell(ok(2.0, 200.4)) == "2.00 s, 200 MB"
    assert bench.format_cell(ok(42.44, 2512.4)) == "42.4 s, 2,512 MB"
    assert bench.format_cell(ok(154.2, 90.0)) == "154 s, 90 MB"
    assert bench.format_cell(Summary("timeout")) == "timeout"
    assert bench.format_cell(Summary("failed", note="exit 2")) == "failed (exit 2)"
    assert bench.format_cell(Summary("skipped", note="only up to 1M")) == "-"
    assert bench.format_cell(None) == "-"


def test_ratio_needs_two_good_steps() -> None:
    assert bench.ratio(ok(20.0, 900.0), ok(8.0, 300.0), "seconds") == 2.5
    assert bench.ratio(ok(20.0, 900.0), ok(8.0, 300.0), "peak_mb") == 3.0
    assert bench.ratio(Summary("timeout"), ok(8.0, 300.0), "seconds") is None
    assert bench.ratio(ok(20.0, 900.0), None, "seconds") is None


def issue_table() -> dict[int, dict[str, object]]:
    """A run at 100k, 1M and 10M with some goals met and some missed."""
    return {
        100_000: {"store": ok(2.0, 800.0), "validate": ok(1.0, 200.0)},
        1_000_000: {
            "store": ok(20.0, 900.0),
            "first-query": ok(0.8, 150.0),
            "floor": ok(8.0, 500.0),
            "validate": ok(12.0, 1500.0),
        },
        10_000_000: {
            "store": ok(150.0, 1500.0),
            "floor": ok(80.0, 600.0),
            "validate": ok(130.0, 6000.0),
            "assess": Summary("timeout"),
        },
    }


def test_check_goals() -> None:
    goals = bench.check_goals(issue_table())
    assert [(goal.verdict, goal.detail) for goal in goals] == [
        ("PASS", "time 0.80 s; memory 150 MB"),
        ("FAIL", "build / floor 2.50x"),  # 20 s / 8 s
        ("PASS", "peak 900 MB"),  # at most 1,024 MB
        ("FAIL", "time 12.0 s"),
        ("FAIL", "store: completed; validate: completed; assess: timeout"),
        ("PASS", "peak 1,500 MB"),  # at most 2,048 MB
        ("FAIL", "validate 6,000 MB; assess: timeout"),
        ("PASS", "build / floor 1.88x"),  # 150 s / 80 s
        # store 20/2 = 10x, validate 12/1 = 12x (over 11x), then 150/20 = 7.5x and 130/12 = 10.8x
        (
            "FAIL",
            "store 100k->1M 10.0x; validate 100k->1M 12.0x; store 1M->10M 7.50x; validate 1M->10M 10.8x",
        ),
        ("FAIL", "100k->1M 1.12x; 1M->10M 1.67x"),  # 900/800, then 1500/900 (over 1.5x)
    ]


def test_goals_not_measured_without_the_sizes() -> None:
    table = {20_000: {"store": ok(3.0, 130.0)}}
    verdicts = [goal.verdict for goal in bench.check_goals(table)]
    assert verdicts == ["not measured"] * 10


def test_render_tables() -> None:
    table = {
        100_000: {"store": ok(2.0, 800.0), "floor": ok(1.0, 100.0)},
        1_000_000: {"store": ok(25.0, 900.0), "floor": Summary("skipped", note="no N-Quads")},
    }
    text = bench.render(table, {100_000: 102_778, 1_000_000: 1_023_207}, ["store", "floor"], ["# heading"])
    lines = text.splitlines()
    assert lines[:6] == [
        "# heading",
        "",
        "| size | triples | `build --store` | bulk-load floor |",
        "|---|---:|---:|---:|",
        "| 100k | 102,778 | 2.00 s, 800 MB | 1.00 s, 100 MB |",
        "| 1M | 1,023,207 | 25.0 s, 900 MB | - |",
    ]
    assert "Not run: bulk-load floor at 1M (no N-Quads)." in lines
    assert "| 100k | 2.00x | 8.00x |" in lines  # build / floor
    assert "| 1M | - | - |" in lines
    # growth 100k -> 1M: triples 1,023,207 / 102,778 = 9.96x; build 12.5x in time, 1.12x in memory
    assert "| 100k -> 1M | 9.96x | 12.5x, 1.12x | -, - |" in lines


def test_count_lines(tmp_path: Path) -> None:
    path = tmp_path / "study.nq"
    path.write_bytes(b"<a> <b> <c> <g> .\n" * 3)
    assert bench.count_lines(path) == 3


def test_measure_an_ending_process() -> None:
    run = bench.measure([sys.executable, "-c", "b = bytearray(200 * 1024 * 1024)"], timeout=60)
    assert (run.status, run.exit_code, run.error) == ("ok", 0, "")
    assert run.peak_mb >= 200  # the child's own peak, not this process's


def test_measure_a_failing_process() -> None:
    program = "import sys; sys.stderr.write('boom'); sys.exit(3)"
    run = bench.measure([sys.executable, "-c", program], timeout=60)
    assert (run.status, run.exit_code, run.error) == ("failed", 3, "boom")
    accepted = bench.measure([sys.executable, "-c", program], timeout=60, ok_codes=(0, 3))
    assert (accepted.status, accepted.exit_code) == ("ok", 3)


def test_measure_stops_a_process_and_its_children_at_the_timeout(tmp_path: Path) -> None:
    pid_file = tmp_path / "grandchild"
    program = (
        "import subprocess, sys\n"
        "child = subprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\n"
        f"open({str(pid_file)!r}, 'w').write(str(child.pid))\n"
        "child.wait()\n"
    )
    started = time.perf_counter()
    run = bench.measure([sys.executable, "-c", program], timeout=1.0)
    assert time.perf_counter() - started < 10
    assert (run.status, run.seconds) == ("timeout", 1.0)
    grandchild = Path(f"/proc/{pid_file.read_text()}/stat")
    deadline = time.monotonic() + 5
    # killed with its group: gone, or a zombie until init reaps it
    while grandchild.exists() and grandchild.read_text().split(")")[-1].split()[0] != "Z":
        assert time.monotonic() < deadline, "the grandchild outlived the timeout"
        time.sleep(0.05)


def test_measure_stops_a_process_over_the_memory_limit() -> None:
    # grows by 50 MB every 0.1 s up to 1.5 GB; stopped once over 150 MB (checked twice a second)
    program = (
        "import time\nblocks = []\n"
        "for _ in range(30):\n    blocks.append(bytearray(50 * 1024 * 1024)); time.sleep(0.1)\n"
    )
    run = bench.measure([sys.executable, "-c", program], timeout=60, memory_limit_mb=150)
    assert run.status == "memory limit"
    assert 150 < run.peak_mb < 1500


def test_group_rss_counts_the_whole_group() -> None:
    # this process's group holds at least this process; a group with no process holds nothing
    assert bench.group_rss_mb(os.getpgrp()) > 10
    assert bench.group_rss_mb(2**22 + 1) == 0.0  # above the largest pid Linux gives


def test_summarise_memory_limit() -> None:
    runs = [Run("ok", 1.0, 10.0, 1.0), Run("memory limit", 5.0, 9000.0, 5.0, -9)]
    assert bench.summarise(runs) == Summary("memory limit")
    assert bench.format_cell(bench.summarise(runs)) == "memory limit"


def test_bad_options_exit_2() -> None:
    bad = (["--sizes", "foo"], ["--only", "bogus"], ["--repeats", "0"], ["--timeout", "0"])
    for argv in (*bad, ["--memory-limit", "-1"]):
        with pytest.raises(SystemExit) as stopped:
            bench.main(argv)
        assert stopped.value.code == 2
