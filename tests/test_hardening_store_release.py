"""Issue 13: a rebuild that is killed or cannot write keeps the previous study; a release never deletes
its source, never follows --force onto a file or a link, and never takes privacy flags from imported RDF."""

from __future__ import annotations

import gc
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_runner import CliRunner
from pyoxigraph import Literal, NamedNode, Quad, Store

import kg.build.store
from cli import app
from kg.build.store import STAGING_PREFIX
from kg.build.study import BuiltStudy
from kg.ontology import resources

runner = CliRunner()
HERE = Path(__file__).parent
MINI = HERE / "fixtures" / "build" / "mini"
HOSTILE = HERE / "fixtures" / "hostile" / "store-release"
REPO = HERE.parent
WRITES = {"add", "extend", "bulk_extend", "update", "remove", "remove_graph", "clear_graph", "load"}

# Run in a subprocess: one process imports the CLI and reads the vocabularies' concepts once, then for each
# line "LIMIT ARGS..." read from stdin forks a child that runs `icgp ARGS...` with a store whose LIMIT-th
# write kills the child right after it returns; the parent answers each line with the child's exit code.
# Each kill point still gets a process of its own, killed with SIGKILL; forking skips the start-up (and
# the parsing of the bundled ontology, read once here).
KILL_AFTER_WRITE = textwrap.dedent(
    """
    import os, signal, sys
    import kg.build.rebuild, kg.build.study
    import kg.build.store as store_module
    from kg.ontology.concepts import load_concepts
    from cli import app

    load_concepts()
    store_module.ontology_quads()
    WRITES = {writes!r}
    real_open = store_module.open_store

    class Killing:
        def __init__(self, store, limit):
            self._store, self._limit, self._count = store, limit, 0

        def __getattr__(self, name):
            attr = getattr(self._store, name)
            if name not in WRITES:
                return attr
            def write(*args, **kwargs):
                result = attr(*args, **kwargs)
                self._count += 1
                if self._count == self._limit:
                    os.kill(os.getpid(), signal.SIGKILL)
                return result
            return write

    for line in sys.stdin:
        limit, *args = line.split()
        child = os.fork()
        if child == 0:
            os.dup2(2, 1)  # the build's report goes to the log; stdout carries the exit codes only
            store_module.open_store = lambda path=None: Killing(real_open(path), int(limit))
            try:
                app(args, prog_name="icgp")
            except SystemExit as exit:
                os._exit(exit.code or 0)
            os._exit(0)
        print(os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]), flush=True)
    """
).format(writes=sorted(WRITES))


def graph_size(store_dir: Path, graph: NamedNode) -> int:
    """Quads of ``graph`` in the store at ``store_dir``, opened afresh (and closed again)."""
    store = Store(str(store_dir))
    try:
        return sum(1 for _ in store.quads_for_pattern(None, None, None, graph))
    finally:
        del store
        gc.collect()


def store_state(store_dir: Path, graphs: list[NamedNode]) -> tuple[list[int], list[str]]:
    """Quads of each of ``graphs`` and the staging graphs in the store at ``store_dir``, read in one opening
    (an opening costs more than these reads)."""
    store = Store(str(store_dir))
    try:
        sizes = [sum(1 for _ in store.quads_for_pattern(None, None, None, g)) for g in graphs]
        return sizes, [g.value for g in store.named_graphs() if g.value.startswith(STAGING_PREFIX)]
    finally:
        del store
        gc.collect()


STRAY = Quad(
    NamedNode("https://example.org/stray"),
    NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
    Literal("left by an older ICGP"),
    NamedNode("https://w3id.org/icgp/vocab/polarity"),
)


@pytest.fixture
def outdated_mini_store(tmp_path: Path, mini_store_dir: Path) -> Path:
    """The mini study's store with one vocabulary graph unlike the bundled one, as an older ICGP left it:
    a rebuild then replaces that graph as well as the study's (the unchanged ones it leaves alone)."""
    store_dir = tmp_path / "outdated"
    shutil.copytree(mini_store_dir, store_dir)
    store = Store(str(store_dir))
    assert any(store.quads_for_pattern(None, None, None, STRAY.graph_name))
    store.add(STRAY)
    store.flush()
    del store
    gc.collect()
    return store_dir


@pytest.fixture
def frozen_heap() -> Iterator[None]:
    """Leave the objects alive before the test out of the garbage collections in it.

    Each store is dropped with a full collection so that its lock goes at once; the test makes some twenty
    of them, and each would otherwise scan the whole heap of the test process."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def test_a_rebuild_killed_after_any_write_keeps_the_previous_study(
    tmp_path: Path, outdated_mini_store: Path, frozen_heap: None
) -> None:
    graph = NamedNode("https://example.org/id/mini/graph")
    (expected, vocabulary), _ = store_state(outdated_mini_store, [graph, STRAY.graph_name])
    assert expected > 0
    script = tmp_path / "kill_after_write.py"
    script.write_text(KILL_AFTER_WRITE, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    log = (tmp_path / "builds.log").open("w", encoding="utf-8")
    builds = subprocess.Popen(
        [sys.executable, str(script)],
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=log,
        text=True,
    )
    assert builds.stdin is not None and builds.stdout is not None
    killed = 0
    for limit in range(1, 100):  # ends at the first build that runs to the end
        store = tmp_path / f"store-{limit}"
        shutil.copytree(outdated_mini_store, store)
        args = ["build", str(MINI), "--store", str(store)]
        builds.stdin.write(" ".join([str(limit), *args]) + "\n")
        builds.stdin.flush()
        returncode = int(builds.stdout.readline())
        # Killed after a write, or finished: either way the study graph is complete, and the vocabulary
        # graph is either the outdated one or the bundled one, never a mix.
        (size, vocabulary_size), _ = store_state(store, [graph, STRAY.graph_name])
        assert size == expected, (limit, returncode)
        assert vocabulary_size in (vocabulary, vocabulary - 1), limit
        if returncode == 0:
            break
        assert returncode == -signal.SIGKILL, (tmp_path / "builds.log").read_text(encoding="utf-8")
        killed += 1
        # The next build clears what an interrupted one staged, and ends with a whole study again.
        rebuilt = runner.invoke(app, args)
        assert rebuilt.exit_code == 0, rebuilt.output
        gc.collect()
        (size, vocabulary_size), staged = store_state(store, [graph, STRAY.graph_name])
        assert size == expected
        assert vocabulary_size == vocabulary - 1  # the bundled vocabulary again
        assert staged == []
        shutil.rmtree(store)
    builds.stdin.close()
    assert builds.wait(timeout=60) == 0
    log.close()
    # The rebuild's three loads were each interrupted: the ontology and vocabularies, the graphs it keeps
    # and the study.
    assert killed >= 3


def _generated_package(tmp_path: Path, organisations: int) -> Path:
    """A generated package renamed to the sample study, so that building it replaces the sample's graph."""
    package = tmp_path / "big"
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "generate.py"), str(package), "-n", str(organisations)],
        check=True,
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    descriptor = package / "datapackage.yaml"
    lines = descriptor.read_text(encoding="utf-8").splitlines()
    sample_name = next(
        line
        for line in (resources.sample_study_dir() / "datapackage.yaml")
        .read_text(encoding="utf-8")
        .splitlines()
        if line.startswith("name:")
    )
    descriptor.write_text(
        "\n".join(sample_name if line.startswith("name:") else line for line in lines) + "\n",
        encoding="utf-8",
    )
    return package


@pytest.mark.slow
def test_a_large_rebuild_killed_while_writing_keeps_a_whole_study(
    tmp_path: Path, sample_store_dir: Path, sample_built: BuiltStudy
) -> None:
    graph = sample_built.result.graph
    before = len(sample_built.result.quads)
    big = _generated_package(tmp_path, 3000)
    store = tmp_path / "store"
    shutil.copytree(sample_store_dir, store)
    logs = {p.name: p.stat().st_size for p in store.glob("*.log")}
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from cli import app; app(prog_name='icgp')",
            "build",
            str(big),
            "--store",
            str(store),
        ],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # Kill it as soon as it writes: the store's write-ahead log grows (a build in place) or the folder
    # that a rebuild writes beside the store fills with table files.
    deadline = time.monotonic() + 240
    while process.poll() is None and time.monotonic() < deadline:
        now = {p.name: p.stat().st_size for p in store.glob("*.log") if p.exists()}
        beside = list(tmp_path.glob(".store.icgp-rebuild-*/*.sst"))
        if beside or any(size > logs.get(name, 0) for name, size in now.items()):
            time.sleep(0.2)
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.02)
    assert process.wait(timeout=60) == -signal.SIGKILL  # killed while writing, not finished
    after = graph_size(store, graph)
    assert after == before or after > before * 2  # the sample as it was, or the whole generated study
    assert after != 0
    # The next build removes the folder the killed one left beside the store.
    assert runner.invoke(app, ["build", str(MINI), "--store", str(store)]).exit_code == 0
    gc.collect()
    assert list(tmp_path.glob(".store.icgp-rebuild-*")) == []


class FailingWrites:
    """A real store whose ``fail_at``-th write raises the error a full disk gives."""

    def __init__(self, store: Store, fail_at: int) -> None:
        self._store, self._fail_at, self.writes = store, fail_at, 0

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._store, name)
        if name not in WRITES:
            return attr

        def write(*args: Any, **kwargs: Any) -> Any:
            self.writes += 1
            if self.writes == self._fail_at:
                raise OSError(28, "No space left on device")
            return attr(*args, **kwargs)

        return write


@pytest.mark.parametrize("fail_at", [1, 2, 3])
def test_a_write_error_during_the_rebuild_keeps_the_previous_study(
    tmp_path: Path, outdated_mini_store: Path, monkeypatch: pytest.MonkeyPatch, fail_at: int
) -> None:
    # The rebuild's three writes: the ontology and vocabularies, the graphs it keeps, the study.
    store = tmp_path / "store"
    shutil.copytree(outdated_mini_store, store)
    graph = NamedNode("https://example.org/id/mini/graph")
    before = graph_size(store, graph)
    assert before > 0
    real_open = kg.build.store.open_store
    monkeypatch.setattr(
        kg.build.store, "open_store", lambda path=None: FailingWrites(real_open(path), fail_at)
    )
    result = runner.invoke(app, ["build", str(MINI), "--store", str(store)])
    code, stderr, output = result.exit_code, result.stderr, result.output
    clean_exit = result.exception is None or isinstance(result.exception, SystemExit)
    del result  # the exceptions it keeps hold the store open
    gc.collect()
    assert code == 2, output
    assert clean_exit
    assert stderr.startswith("error: the store could not be written ([Errno 28] No space left on device)")
    assert "its graphs are as they were before" in stderr
    assert "Traceback" not in output
    assert graph_size(store, graph) == before


def test_a_compaction_error_is_one_line_and_exit_2(
    tmp_path: Path, mini_store_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "store"
    shutil.copytree(mini_store_dir, store)

    class FailingOptimize(FailingWrites):
        def optimize(self) -> None:
            raise OSError(28, "No space left on device")

    real_open = kg.build.store.open_store
    monkeypatch.setattr(kg.build.store, "open_store", lambda path=None: FailingOptimize(real_open(path), 0))
    result = runner.invoke(app, ["build", str(MINI), "--store", str(store)])
    gc.collect()
    assert result.exit_code == 2, result.output
    # The rebuild compacts the new store before it takes the old one's place: the old one stays.
    assert result.stderr.startswith("error: the store could not be written ([Errno 28] No space left")
    assert "its graphs are as they were before" in result.stderr
    assert graph_size(store, NamedNode("https://example.org/id/mini/graph")) > 0
    assert list(tmp_path.glob(".store.icgp-rebuild-*")) == []


# --- icgp release --out: never the source, a file or a link --------------------------------------------


def _release(source: Path, out: Path, *extra: str) -> Any:
    return runner.invoke(app, ["release", str(source), "--out", str(out), "--version", "1.0.0", *extra])


@pytest.mark.parametrize(
    ("where", "message"),
    [("same", "is the source"), ("parent", "contains the source"), ("child", "lies inside the source")],
)
def test_release_refuses_to_overwrite_its_source(tmp_path: Path, where: str, message: str) -> None:
    package = tmp_path / "pkg" / "mini"
    shutil.copytree(MINI, package)
    before = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    out = {"same": package, "parent": package.parent, "child": package / "release"}[where]
    result = _release(package, out, "--force")
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "write the release to a folder outside the source" in result.stderr
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == before


def test_release_refuses_a_symlink_to_its_source(tmp_path: Path) -> None:
    package = tmp_path / "mini"
    shutil.copytree(MINI, package)
    (tmp_path / "link").symlink_to(package / "..", target_is_directory=True)
    result = _release(package, tmp_path / "link" / "mini", "--force")
    assert result.exit_code == 2, result.output
    assert "is the source" in result.stderr
    assert (package / "datapackage.yaml").is_file()


def test_release_force_onto_a_file_or_a_link_exits_2(tmp_path: Path) -> None:
    file = tmp_path / "file.txt"
    file.write_text("mine", encoding="utf-8")
    result = _release(MINI, file, "--force")
    assert result.exit_code == 2, result.output
    assert "is a file" in result.stderr
    assert file.read_text(encoding="utf-8") == "mine"
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine", encoding="utf-8")
    for name, target in (("link", folder), ("dangling", tmp_path / "missing")):
        link = tmp_path / name
        link.symlink_to(target)
        result = _release(MINI, link, "--force")
        assert result.exit_code == 2, result.output
        assert "is a symbolic link" in result.stderr
        assert link.is_symlink()
    assert (folder / "keep.txt").read_text(encoding="utf-8") == "mine"


# --- privacy flags come from the descriptor only ------------------------------------------------------


def _mini_with_flag_import(tmp_path: Path) -> Path:
    package = tmp_path / "mini"
    shutil.copytree(MINI, package)
    (package / "imports").mkdir()
    shutil.copy(HOSTILE / "flags.nt", package / "imports" / "flags.nt")
    return package


def test_imported_rdf_may_not_state_the_privacy_flags(tmp_path: Path) -> None:
    package = _mini_with_flag_import(tmp_path)
    store = tmp_path / "store"
    result = runner.invoke(app, ["build", str(package), "--store", str(store)])
    assert result.exit_code == 2, result.output
    assert "imports/flags.nt states the privacy flag of 'public_quotes'" in result.output
    assert "imports/flags.nt states the privacy flag of 'public_responses'" in result.output
    out = tmp_path / "release"
    released = _release(package, out)
    assert released.exit_code == 2
    assert not out.exists()


def test_a_store_release_ignores_flags_that_widen_the_descriptors(
    tmp_path: Path, mini_store_dir: Path
) -> None:
    # A store built before imports were refused holds the descriptor's false beside an imported true.
    store_dir = tmp_path / "store"
    shutil.copytree(mini_store_dir, store_dir)
    store = Store(str(store_dir))
    graph = NamedNode("https://example.org/id/mini/graph")
    dataset = NamedNode("https://example.org/id/mini/dataset/mini")
    true = Literal("true", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))
    for flag in ("publicQuotes", "publicResponses"):
        store.add(Quad(dataset, NamedNode(f"https://w3id.org/icgp/ontology#{flag}"), true, graph))
    store.flush()
    del store
    gc.collect()
    out = tmp_path / "release"
    result = _release(store_dir, out)
    assert result.exit_code == 0, result.output
    assert "left out as not public: 1 quote(s), 1 survey answer(s)" in result.stderr
    data = (out / "data/mini.nq").read_text(encoding="utf-8")
    assert "TextQuoteSelector" not in data and "SurveyResponse" not in data


def test_a_store_release_skips_graphs_an_interrupted_build_staged(
    tmp_path: Path, mini_store_dir: Path
) -> None:
    store_dir = tmp_path / "store"
    shutil.copytree(mini_store_dir, store_dir)
    store = Store(str(store_dir))
    staged = NamedNode(STAGING_PREFIX + "https://example.org/id/mini/graph")
    store.add(
        Quad(NamedNode("https://example.org/x"), NamedNode("https://example.org/p"), Literal("x"), staged)
    )
    store.flush()
    del store
    gc.collect()
    out = tmp_path / "release"
    result = _release(store_dir, out)
    assert result.exit_code == 0, result.output
    assert {p.name.split(".")[0] for p in (out / "data").iterdir()} == {"mini"}
    assert "urn:icgp:staging" not in "".join(
        p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file() and p.suffix in (".ttl", ".nq")
    )
