"""Issue 18: ``icgp build --store`` streams the study into a fresh store beside the old one and swaps
the two folders; it must give exactly the quads of the in-memory build, keep every other graph, leave a
store that needs no log replay, and never leave a mix behind."""

from __future__ import annotations

import gc
import os
import shutil
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from cli_runner import CliRunner
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Store, Triple

from cli import app
from kg.build.builder import build_study, stream_statements
from kg.build.bulk_feed import BulkFeed
from kg.build.rebuild import can_swap
from kg.build.store import graph_class_counts
from kg.build.study import build_package, build_to_store
from kg.ontology.concepts import load_concepts
from kg.ontology.iso3166 import REGIONS_GRAPH
from kg.ontology.resources import sample_study_dir
from kg.package.table_checks import check_path

runner = CliRunner()
REPO = Path(__file__).parent.parent
MINI = Path(__file__).parent / "fixtures" / "build" / "mini"
REGIONS = Path(__file__).parent / "fixtures" / "regions"
PACKAGES = [MINI, sample_study_dir(), REGIONS / "us-clusters", REGIONS / "dz-incubators"]


@pytest.fixture(autouse=True)
def fixed_build_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every build of a test records the same time, so that two builds give the same quads."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")


def stored(store_dir: Path, graph: str | NamedNode | None = None) -> set[Quad]:
    """The quads of one graph (or all) of the store at ``store_dir``, opened afresh and closed again."""
    store = Store.read_only(str(store_dir))
    try:
        name = NamedNode(graph) if isinstance(graph, str) else graph
        return set(store.quads_for_pattern(None, None, None, name))
    finally:
        del store
        gc.collect()


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_the_streamed_build_gives_the_same_quads_in_the_same_order(package: Path) -> None:
    concepts = load_concepts()
    checked = check_path(package, concepts)
    whole = build_study(checked, concepts)
    batches: list[list[Quad]] = []
    # A batch of 7 so that every table is cut somewhere.
    streamed = stream_statements(
        checked, concepts, lambda triples: batches.append([Quad(*t, whole.graph) for t in triples]), batch=7
    )
    assert [q for batch in batches for q in batch] == whole.quads
    assert all(len(batch) == 7 for batch in batches[:-1])
    assert streamed.triples == whole.triples
    assert streamed.graph == whole.graph
    assert streamed.regions == whole.regions


@pytest.mark.parametrize("package", PACKAGES, ids=lambda p: p.name)
def test_a_build_into_a_store_holds_exactly_the_in_memory_build(tmp_path: Path, package: Path) -> None:
    whole = build_package(package)
    summary = build_to_store(package, tmp_path / "store")
    # Compared with the in-memory build as a store holds it (Oxigraph stores an xsd:nonNegativeInteger
    # as an xsd:integer, however it is written).
    expected = Store()
    expected.extend(whole.result.quads + whole.result.regions)
    assert stored(tmp_path / "store", whole.result.graph) == set(
        expected.quads_for_pattern(None, None, None, whole.result.graph)
    )
    assert stored(tmp_path / "store", REGIONS_GRAPH) == set(whole.result.regions)
    assert summary.triples == whole.result.triples
    assert summary.classes == whole.result.classes
    assert summary.graph == whole.result.graph


def test_a_build_into_a_store_reports_its_steps(tmp_path: Path) -> None:
    steps: list[tuple[str, int]] = []
    build_to_store(MINI, tmp_path / "store", lambda step, quads: steps.append((step, quads)))
    assert steps == [("checking", 0), ("building", 278), ("compacting", 278)]


@pytest.mark.parametrize(
    ("command", "shown_first", "said"),
    [
        (["build", "{mini}", "--store", "{tmp}/store"], b"checking tables", b"built study 'mini'"),
        (["validate", "{mini}"], b"checking tables", b"0 violation"),
        (["assess"], b"assessing", b"growth-pole index"),  # the bundled sample
    ],
    ids=["build", "validate", "assess"],
)
def test_the_cli_shows_its_steps_on_a_terminal(
    tmp_path: Path, command: list[str], shown_first: bytes, said: bytes
) -> None:
    # A real terminal (a pseudo-terminal) on stderr: the progress display is drawn there.
    import pty
    import threading

    leader, follower = pty.openpty()
    shown = bytearray()

    def read() -> None:  # a terminal is read while the program writes, or the program blocks
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                return
            if not chunk:
                return
            shown.extend(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    icgp = [sys.executable, "-c", "from cli import app; app(prog_name='icgp')"]
    done = subprocess.run(
        [*icgp, *(arg.format(tmp=tmp_path, mini=MINI) for arg in command)],
        env={**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "100"},
        stdout=subprocess.PIPE,
        stderr=follower,
        timeout=120,
    )
    os.close(follower)
    reader.join(timeout=10)
    os.close(leader)
    assert done.returncode == 0
    # The mini study goes faster than the display refreshes: its first step is what is drawn.
    assert shown_first in shown
    assert b"\x1b[?25h" in shown  # the cursor comes back at the end
    assert said in done.stdout


def test_graph_class_counts_counts_distinct_subjects_per_class() -> None:
    store = Store()
    graph, other = NamedNode("https://example.org/g"), NamedNode("https://example.org/other")
    a, b = NamedNode("https://example.org/a"), NamedNode("https://example.org/b")
    kind = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    sme, org = NamedNode("https://example.org/SME"), NamedNode("https://example.org/Org")
    store.extend(
        [
            Quad(a, kind, sme, graph),
            Quad(a, kind, org, graph),
            Quad(b, kind, org, graph),
            Quad(b, kind, sme, other),  # another graph: not counted
            Quad(a, kind, Literal("SME"), graph),  # not a class
        ]
    )
    assert graph_class_counts(store, graph) == {"https://example.org/SME": 1, "https://example.org/Org": 2}


def test_the_cli_build_leaves_a_store_that_needs_no_log_replay(tmp_path: Path) -> None:
    store = tmp_path / "store"
    result = runner.invoke(app, ["build", str(MINI), "--store", str(store)])
    assert result.exit_code == 0, result.output
    assert "278 triples" in result.stderr + result.output
    # Everything is in table files: the write-ahead logs hold nothing a read-only open must replay.
    assert sum(p.stat().st_size for p in store.glob("*.log")) < 100
    assert list(store.glob("*.sst"))
    assert list(tmp_path.iterdir()) == [store]  # nothing left beside it


def test_a_rebuild_keeps_the_other_studies_and_their_regions(tmp_path: Path) -> None:
    store = tmp_path / "store"
    us, dz = REGIONS / "us-clusters", REGIONS / "dz-incubators"
    us_built, dz_built = build_package(us), build_package(dz)
    build_to_store(us, store)
    build_to_store(dz, store)
    build_to_store(us, store)  # again: replaces its own graph only
    expected = Store()
    expected.extend(us_built.result.quads + dz_built.result.quads)
    for graph in (us_built.result.graph, dz_built.result.graph):
        assert stored(store, graph) == set(expected.quads_for_pattern(None, None, None, graph))
    assert stored(store, REGIONS_GRAPH) == set(us_built.result.regions) | set(dz_built.result.regions)


def test_an_outdated_ontology_graph_is_replaced_by_the_bundled_one(
    tmp_path: Path, mini_store_dir: Path
) -> None:
    store = tmp_path / "store"
    shutil.copytree(mini_store_dir, store)
    stray = Quad(
        NamedNode("https://example.org/stray"),
        NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
        Literal("left by an older ICGP"),
        NamedNode("https://w3id.org/icgp/vocab/polarity"),
    )
    writable = Store(str(store))
    writable.add(stray)
    writable.flush()
    del writable
    gc.collect()
    build_to_store(MINI, store)
    assert stray not in stored(store)


# A build killed right after the two folders changed places, before the old store was removed.
KILLED_AFTER_SWAP = textwrap.dedent(
    """
    import os, signal, sys
    import kg.build.rebuild as rebuild
    from cli import app

    real = rebuild._exchange

    def exchange_then_die():
        swap = real()
        def run(a, b):
            result = swap(a, b)
            os.kill(os.getpid(), signal.SIGKILL)
            return result
        return run

    rebuild._exchange = exchange_then_die
    app(sys.argv[1:], prog_name="icgp")
    """
)


def test_a_build_killed_after_the_swap_leaves_the_new_store_and_a_folder_the_next_build_removes(
    tmp_path: Path, mini_store_dir: Path
) -> None:
    store = tmp_path / "store"
    shutil.copytree(mini_store_dir, store)
    script = tmp_path / "killed.py"
    script.write_text(KILLED_AFTER_SWAP, encoding="utf-8")
    us = REGIONS / "us-clusters"
    done = subprocess.run(
        [sys.executable, str(script), "build", str(us), "--store", str(store)],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        timeout=300,
    )
    assert done.returncode == -signal.SIGKILL, done.stderr.decode()
    us_graph = build_package(us).result.graph
    assert stored(store, us_graph)  # the new store is in place
    left = list(tmp_path.glob(".store.icgp-rebuild-*"))
    assert len(left) == 1 and (left[0] / "CURRENT").is_file()  # the old store, not yet removed
    assert runner.invoke(app, ["build", str(MINI), "--store", str(store)]).exit_code == 0
    gc.collect()
    assert list(tmp_path.glob(".store.icgp-rebuild-*")) == []
    assert stored(store, us_graph)


def test_a_folder_of_a_running_build_is_left_alone(tmp_path: Path) -> None:
    store = tmp_path / "store"
    running = tmp_path / f".store.icgp-rebuild-{os.getppid()}"  # a live process: pytest's parent
    running.mkdir()
    build_to_store(MINI, store)
    assert running.is_dir()


def test_can_swap_refuses_a_file_and_accepts_a_new_or_existing_folder(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    assert not can_swap(tmp_path / "file")
    assert can_swap(tmp_path / "new")
    (tmp_path / "folder").mkdir()
    assert can_swap(tmp_path / "folder")


def test_a_store_path_that_is_a_file_is_refused_with_exit_2(tmp_path: Path) -> None:
    target = tmp_path / "store"
    target.write_text("not a store", encoding="utf-8")
    output = tmp_path / "graph.nq"
    result = runner.invoke(app, ["build", str(MINI), "--store", str(target), "--output", str(output)])
    assert result.exit_code == 2, result.output
    assert "is a file" in result.stderr
    assert target.read_text(encoding="utf-8") == "not a store"
    assert not output.exists()  # refused before anything was written


class _FailingStore:
    """A store whose second bulk load fails as a full disk does."""

    def __init__(self) -> None:
        self.loaded: list[list[Quad]] = []

    def bulk_extend(self, quads: list[Quad]) -> None:
        if self.loaded:
            raise OSError(28, "No space left on device")
        self.loaded.append(quads)


def test_a_bulk_feed_hands_a_load_error_to_the_builder() -> None:
    store = _FailingStore()
    quad = Quad(NamedNode("https://example.org/s"), NamedNode("https://example.org/p"), Literal("o"))
    with pytest.raises(OSError, match="No space left"), BulkFeed(store) as feed:  # type: ignore[arg-type]
        for _ in range(50):
            feed.put([quad])
    assert store.loaded == [[quad]]


def test_a_bulk_feed_stops_when_the_builder_fails() -> None:
    store = Store()
    quad = Quad(NamedNode("https://example.org/s"), NamedNode("https://example.org/p"), Literal("o"))
    with pytest.raises(ValueError, match="a bad row"), BulkFeed(store) as feed:
        feed.put([quad])
        raise ValueError("a bad row")
    assert len(store) <= 1


class _FailingTextStore:
    """A store whose bulk load of text fails as a full disk does."""

    def bulk_load(self, *args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")


def test_a_bulk_feed_hands_a_text_load_error_to_the_builder() -> None:
    statement = (NamedNode("https://example.org/s"), NamedNode("https://example.org/p"), Literal("o"))
    graph = NamedNode("https://example.org/g")
    with pytest.raises(OSError, match="No space left"), BulkFeed(_FailingTextStore()) as feed:  # type: ignore[arg-type]
        for _ in range(50):
            feed.put_statements([statement], graph)


def test_a_bulk_feed_loads_text_and_keeps_blank_nodes_and_triple_terms(tmp_path: Path) -> None:
    s, p = NamedNode("https://example.org/s"), NamedNode("https://example.org/p")
    graph = NamedNode("https://example.org/g")
    quoted = Triple(s, p, Literal("said"))
    blank = BlankNode("b1")
    plain = [
        (s, p, Literal('a "quoted" line\nand a second one', language="en")),
        (s, p, Literal("7", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#integer"))),
        (s, p, NamedNode("https://example.org/o")),
    ]
    store = Store(str(tmp_path / "store"))
    with BulkFeed(store) as feed:
        feed.put_statements(plain, graph)
        feed.put_statements([(blank, p, quoted)], graph)
        feed.put_statements([(s, p, blank)], graph)
    assert set(store) == {
        *(Quad(a, b, c, graph) for a, b, c in plain),
        Quad(blank, p, quoted, graph),
        Quad(s, p, blank, graph),  # the same blank node: its label is kept across batches
    }
